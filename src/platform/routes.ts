import { createAccountsDeps } from "../accounts/account.store.js";
import { accountsRoutes } from "../accounts/accounts.routes.js";
import { auditRoutes } from "../audit/audit.routes.js";
import { createAuditStore, typeormAuditLog } from "../audit/audit.store.js";
import { billingDeps } from "../billing/billing.store.js";
import { billingRoutes } from "../billing/billing.routes.js";
import { closeDeps } from "../billing/close/close.store.js";
import { boardRoutes } from "../board/board.routes.js";
import { createBoardStore } from "../board/board.store.js";
import { invoicesRoutes } from "../billing/invoices.routes.js";
import { classifyOutage } from "../billing/outages.js";
import { outagesRoutes } from "../billing/outages.routes.js";
import { billingRecordsRoutes } from "../billing/records.routes.js";
import type { Seller } from "../billing/export/invoice-html.js";
import type { Database } from "../db/database.js";
import { typeormUnitOfWork } from "../db/unit-of-work.js";
import { createSeriesStore } from "../collector/series.store.js";
import { seriesRoutes } from "../collector/series.routes.js";
import { createContractsDeps } from "../contracts/contract.store.js";
import { contractsRoutes } from "../contracts/contracts.routes.js";
import { lifecycleRoutes } from "../contracts/lifecycle.routes.js";
import { tariffsRoutes } from "../billing/tariffs.routes.js";
import { IncidentHub } from "../incidents/hub.js";
import type { IncidentService } from "../incidents/incident-service.js";
import { typeormIncidentStores } from "../incidents/incident-stores.store.js";
import { incidentsRoutes } from "../incidents/incidents.routes.js";
import { createTimelineStore } from "../incidents/timeline.store.js";
import { storedUsage } from "../incidents/quota.store.js";
import type { IngestPipeline } from "../ingest/ingest-pipeline.js";
import type { RouteDef } from "../http/route.js";
import type { Clock } from "../infra/clock.js";
import { loadConfig } from "../infra/config.js";
import type { SecurityEvents } from "../infra/security-events.js";
import { maintenanceRoutes } from "../maintenance/maintenance.routes.js";
import { createMaintenanceStore } from "../maintenance/maintenance.store.js";
import { oncallRoutes } from "../oncall/oncall.routes.js";
import { createOncallStore } from "../oncall/oncall.store.js";
import { createRunbookTaskStore } from "../runbook-tasks/runbook-task.store.js";
import { runbookTasksRoutes } from "../runbook-tasks/runbook-tasks.routes.js";
import { createRuleStore } from "../rules/rule.store.js";
import { rulesRoutes } from "../rules/rules.routes.js";
import type { OnInvoicesIssued } from "../billing/close/run-close.js";
import { createMailboxStore } from "../notify/mailbox.store.js";
import { mailboxRoutes } from "../notify/mailbox.routes.js";
import { createOutboxStore } from "../notify/outbox.store.js";
import { webhookDeps } from "../notify/webhook.store.js";
import { notificationsRoutes } from "../notify/notifications.routes.js";
import { webhooksRoutes } from "../notify/webhooks.routes.js";

export interface RouteDeps {
  /** Passed on to the stores the routes' use cases take (opaque here). */
  db: Database["dataSource"];
  clock: Clock;
  sessionTtlMs: number;
  /** Printed on invoices; the config defaults when not given. */
  seller?: Seller;
  /** The collector's in-memory store, when this process runs the collector role. */
  pipeline?: () => IngestPipeline | undefined;
  /** The incident engine, when this process runs it (verbs need it; reads do not). */
  incidents?: () => IncidentService | undefined;
  /** Where incident changes are published (outbox, realtime). */
  hub?: IncidentHub;
  /** Wakes this process's notification worker (after a manual retry). */
  notifyWake?: () => void;
  /** The outbox's invoice-notice hook for the monthly close run from the API. */
  onInvoicesIssued?: OnInvoicesIssued;
  /** A rule changed through the API: this process's rule engine reloads at once. */
  onRulesChanged?: () => void;
  /** Revocations and access changes other roles act on at once (sockets, ingest cache). */
  security?: SecurityEvents;
  /** Where webhooks may point (private ranges staff allowed; a test's resolver). */
  webhookTargets?: import("../notify/webhook-target.js").WebhookTargetPolicy;
}

/** Every /api/v1 route of the platform; the OpenAPI document is generated from this list. */
export function allRoutes(deps: RouteDeps): RouteDef[] {
  const seller = deps.seller ?? loadConfig({}).billing;
  const contracts = { ...createContractsDeps(deps.db), clock: deps.clock };
  const uow = typeormUnitOfWork(deps.db);
  const audit = typeormAuditLog;
  const billing = billingDeps(deps.db);
  const close = closeDeps(deps.db, storedUsage, deps.onInvoicesIssued);
  return [
    ...accountsRoutes({ ...deps, ...createAccountsDeps(deps.db) }),
    ...announceIngestAccessChanges(
      [...contractsRoutes(contracts), ...lifecycleRoutes(contracts)],
      deps.security,
    ),
    ...tariffsRoutes({ ...deps, billing }),
    ...auditRoutes({ audit: createAuditStore(deps.db) }),
    ...billingRoutes({ billing }),
    ...outagesRoutes({ ...deps, billing }),
    ...invoicesRoutes({ ...deps, seller, billing, close }),
    ...billingRecordsRoutes({ ...deps, billing }),
    ...incidentsRoutes({
      ...deps,
      incidents: deps.incidents ?? (() => undefined),
      incidentReads: typeormIncidentStores(deps.db),
      classifyOutage: (actor, id, input, now) => classifyOutage(billing, actor, id, input, now),
    }),
    ...seriesRoutes({
      store: createSeriesStore(deps.db),
      clock: deps.clock,
      pipeline: deps.pipeline ?? (() => undefined),
    }),
    ...boardRoutes({
      clock: deps.clock,
      board: createBoardStore(deps.db),
      pipeline: deps.pipeline ?? (() => undefined),
    }),
    ...rulesRoutes({ ...deps, uow: typeormUnitOfWork(deps.db), rules: createRuleStore(deps.db) }),
    ...oncallRoutes({ clock: deps.clock, uow, audit, oncall: createOncallStore(deps.db) }),
    ...maintenanceRoutes({
      clock: deps.clock,
      uow,
      audit,
      maintenance: createMaintenanceStore(deps.db),
    }),
    ...runbookTasksRoutes({
      clock: deps.clock,
      uow,
      audit,
      tasks: createRunbookTaskStore(deps.db),
      timeline: createTimelineStore(),
      hub: deps.hub ?? new IncidentHub(),
    }),
    ...notificationsRoutes({
      ...deps,
      notifications: { uow: billing.uow, outbox: createOutboxStore(deps.db) },
      ...(deps.notifyWake ? { wake: deps.notifyWake } : {}),
    }),
    ...mailboxRoutes({ mailbox: createMailboxStore(deps.db) }),
    ...webhooksRoutes({ ...deps, webhooks: webhookDeps(deps.db) }),
  ];
}

/**
 * Every successful write through the contract routes (status, components, agent tokens) may
 * change who may push metrics: the collector's token cache is dropped at once. Dropping it
 * is cheap (it refills on the next push), so no route has to remember to announce itself.
 */
function announceIngestAccessChanges(routes: RouteDef[], security?: SecurityEvents): RouteDef[] {
  if (!security) return routes;
  return routes.map((r) =>
    r.method === "get"
      ? r
      : {
          ...r,
          handler: async (ctx) => {
            const result = await r.handler(ctx);
            security.publish({ kind: "ingest_access_changed", contractId: null });
            return result;
          },
        },
  );
}
