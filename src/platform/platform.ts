import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { Counter } from "prom-client";
import { authenticate } from "../accounts/authenticate.js";
import { createAccountsDeps, createCredentialStore } from "../accounts/account.store.js";
import { bootstrapAdmin } from "../accounts/bootstrap-admin.js";
import { closeDeps } from "../billing/close/close.store.js";
import { monthlyCloseJob } from "../billing/close/monthly-close.job.js";
import { createContractsDeps } from "../contracts/contract.store.js";
import { contractLifecycleJob } from "../contracts/lifecycle-ops.js";
import { expireApplications } from "../contracts/lifecycle.js";
import { openDatabase, type Database } from "../db/database.js";
import { typeormUnitOfWork } from "../db/unit-of-work.js";
import { createHttpApp } from "../http/app.js";
import { storedUsage } from "../incidents/quota.store.js";
import { IncidentHub } from "../incidents/hub.js";
import { IncidentService } from "../incidents/incident-service.js";
import { typeormIncidentStores } from "../incidents/incident-stores.store.js";
import { incidentMetrics } from "../incidents/incident-metrics.js";
import { startRealtime, type Realtime } from "../realtime/realtime-server.js";
import { createRealtimeStore } from "../realtime/realtime.store.js";
import { startIncidentFeed, type IncidentFeed } from "../realtime/incident-feed.js";
import { createIncidentFeedStore } from "../realtime/incident-feed.store.js";
import { webRouter } from "../web/web.router.js";
import { createNotifier, notifierSettings, type Notifier } from "../notify/notifier.js";
import { createMailboxStore } from "../notify/mailbox.store.js";
import { createOutboxStore } from "../notify/outbox.store.js";
import { createWebhookStore } from "../notify/webhook.store.js";
import { allRoutes } from "./routes.js";
import { startCollector, type Collector } from "../collector/collector.js";
import { createIngestAuthStore } from "../collector/ingest-auth.store.js";
import { RollupStore } from "../collector/rollup.store.js";
import { typeormAuditLog } from "../audit/audit.js";
import { CollectorOwnership } from "../collector/ownership.js";
import { createOwnershipStore } from "../collector/ownership.store.js";
import { pushDiverter, PushForwarder } from "../collector/push-forward.js";
import { rebuildTakenContracts } from "../collector/takeover.js";
import {
  DEFAULT_RULE_RUNNER_OPTIONS,
  startRuleRunner,
  type RuleRunner,
} from "../rules/rule-runner.js";
import { createRuleStore } from "../rules/rule.store.js";
import type { Clock } from "../infra/clock.js";
import type { Config } from "../infra/config.js";
import { createMetrics } from "../infra/metrics.js";
import { startScheduler, type JobDef } from "../infra/scheduler.js";
import { revokedCredentialOf, SecurityEvents } from "../infra/security-events.js";
import { startChangeFeed, type ChangeFeed } from "../infra/change-feed.js";
import { createChangeLogStore } from "../db/change-log.store.js";
import { capReachedOf } from "../ingest/caps.js";
import { webhookPolicy } from "../notify/webhook-target.js";

export const VERSION = "0.1.0";

export interface Platform {
  url: string;
  db: Database;
  /** Set on first start with an empty database: print it once. */
  bootstrapAdmin: { email: string; password: string } | null;
  collector: Collector | undefined;
  /** The rule engine, where the collector role runs. */
  rules: RuleRunner | undefined;
  /** The socket.io server, when this process runs the realtime role. */
  realtime: Realtime | undefined;
  /** Other processes' incident changes, on PostgreSQL where the realtime role runs (0017). */
  incidentFeed: IncidentFeed | undefined;
  /** The incident engine (alert sink, verbs, timers) and where its changes are published. */
  incidents: IncidentService;
  hub: IncidentHub;
  /** The outbox: its listener is on the hub; its worker runs where the "notify" role does. */
  notifier: Notifier;
  /** Revocations and access changes, published after commit (sockets, ingest cache). */
  security: SecurityEvents;
  /** Other processes' token, rule, contract changes and cap events, on PostgreSQL (0020). */
  changeFeed: ChangeFeed | undefined;
  stop(): Promise<void>;
}

/** Starts the roles named in config.roles on one process; returns a handle to stop them. */
export async function startPlatform(
  config: Config,
  deps: { log: Logger; clock: Clock },
): Promise<Platform> {
  const { log, clock } = deps;
  // This process's connections carry it; change_log rows it writes carry it (0017, 0020).
  const origin = `msp-${randomUUID().slice(0, 8)}`;
  const db = await openDatabase({
    applicationName: origin,
    url: config.database.url,
    dataDir: config.database.dataDir,
    poolSize: config.database.poolSize,
    migrate: true,
    onPoolError: (err) => log.warn({ err: err.message }, "database connection lost"),
  });
  const stops: (() => Promise<void>)[] = [];
  try {
    const admin = await bootstrapAdmin(createAccountsDeps(db.dataSource), clock.now());
    const ruleStore = createRuleStore(db.dataSource);
    await ruleStore.seedDefaultPack(clock.now());
    const credentials = createCredentialStore(db.dataSource);
    const metrics = createMetrics();
    // Incident changes and who hears them, in this order (events.ts, decision 0018): in the
    // change's transaction the outbox writer (other processes hear of the change from
    // change_log, written by a trigger: 0020); after commit the
    // metrics, the outbox worker's wake-up and, where the realtime role runs, the sockets
    // (realtime fan-out, added by startRealtime below).
    const hub = new IncidentHub(log);
    // Several processes can share PostgreSQL: they hear of each other's changes (0017, 0020).
    const shared = db.kind === "postgres" ? config.database.url : undefined;
    const webhookTargets = webhookPolicy(config.notify.webhookAllowPrivateCidrs);
    const security = new SecurityEvents((err, e) =>
      log.error({ err, kind: e.kind }, "security event listener failed"),
    );
    // Token, rule, contract changes and cap events of every process, read from change_log (0020).
    const changeLog = createChangeLogStore(db.dataSource);
    const roleNeedsFeed = ["collector", "realtime"].some((r) => config.roles.includes(r as never));
    const changeFeed =
      shared && roleNeedsFeed
        ? await startChangeFeed({ url: shared, store: changeLog, log, registry: metrics.registry })
        : undefined;
    if (changeFeed) stops.push(changeFeed.stop);
    const incidentStats = incidentMetrics(metrics.registry);
    const notifier = createNotifier(
      {
        outbox: createOutboxStore(db.dataSource),
        mailbox: createMailboxStore(db.dataSource),
        webhooks: createWebhookStore(db.dataSource),
        clock,
        log,
        registry: metrics.registry,
      },
      notifierSettings(config),
    );
    hub.addListener(notifier.listener); // outbox writer: the change's messages commit with it
    hub.addListener(incidentStats.listener);
    const incidents = new IncidentService(
      {
        ...typeormIncidentStores(db.dataSource),
        clock,
        hub,
        settings: config.incidents,
      },
      log,
      incidentStats.observer,
    );
    incidentStats.watchQueue(incidents);
    let realtime: Realtime | undefined;
    let incidentFeed: IncidentFeed | undefined;
    const rules = config.roles.includes("collector")
      ? await startRuleRunner(
          {
            rules: ruleStore,
            clock,
            log,
            sink: incidents,
            registry: metrics.registry,
          },
          // Other collectors may share the database: read their last-seen times (0017).
          { ...DEFAULT_RULE_RUNNER_OPTIONS, sharedLastSeenMs: shared ? 5_000 : 0 },
        )
      : undefined;
    if (rules) stops.push(rules.stop);
    // Several collectors on PostgreSQL: a contract's lease says which one judges it (0019).
    const ownershipStore = createOwnershipStore(db.dataSource);
    const handedOver =
      shared && rules
        ? new Counter({
            name: "msp_collector_contracts_handed_over_total",
            help: "Contracts this collector handed to the collector their pushes arrive at (0023)",
            registers: [metrics.registry],
          })
        : undefined;
    const ownership: CollectorOwnership | undefined =
      shared && rules
        ? new CollectorOwnership(
            origin,
            {
              store: ownershipStore,
              log,
              nowMs: () => clock.now().getTime(),
              onAcquired: (ids, atMs): Promise<void> =>
                rebuildTakenContracts({
                  store: ownershipStore,
                  pipeline: () => collectorRef?.pipeline,
                  rules,
                })(ids, atMs),
              // The new holder rebuilds from the stored rollups: store this one's first.
              beforeHandOver: async () => {
                await collectorRef?.flush();
              },
              onHandedOver: () => handedOver?.inc(),
              // The holder keeps their series and rule state now: none stays here for an hour.
              onReleased: (ids) => {
                const released = new Set(ids);
                const series = collectorRef?.pipeline.removeContracts(released) ?? 0;
                rules?.engine.forgetContracts(released);
                log.info({ contracts: ids.length, series }, "released contracts dropped");
              },
            },
            config.ownership,
          )
        : undefined;
    let collectorRef: Collector | undefined;
    if (ownership) rules?.engine.judgeOnly((c) => ownership.owns(c));
    if (rules && changeFeed) {
      const reload = () => void rules.reload();
      changeFeed.subscribe(["rules", "contracts", "components"], {
        onChanges: reload,
        onReset: reload,
      });
    }
    const collector = config.roles.includes("collector")
      ? await startCollector(
          {
            rollups: new RollupStore(db.flushDataSource),
            tokens: createIngestAuthStore(db.dataSource),
            uow: typeormUnitOfWork(db.dataSource),
            audit: typeormAuditLog,
            clock,
            log,
            registry: metrics.registry,
            ...(rules ? { rules: rules.engine } : {}), // attached to the pipeline (0022)
            // On PostgreSQL the event reaches every realtime process through the feed.
            onCapReached: (e) => void (changeFeed ? undefined : realtime?.capReached(e)),
            onCapReachedInTx: async (tx, e) => {
              await notifier.onCapReached(tx, e);
              if (changeFeed)
                await changeLog.record(tx, {
                  topic: "cap_reached",
                  contractId: null,
                  payload: e,
                });
            },
            security,
            ...(ownership
              ? {
                  divert: pushDiverter(
                    ownership,
                    new PushForwarder(ownership.id),
                    metrics.registry,
                  ),
                }
              : {}),
          },
          config.collector,
        )
      : undefined;
    if (collector) stops.push(collector.stop); // after the HTTP server: flush what it accepted
    if (collector && changeFeed) {
      // A token revoked, a contract suspended, a component removed on any process: at once.
      const invalidate = () => collector.auth.invalidate();
      changeFeed.subscribe(["agent_tokens", "contracts", "components"], {
        onChanges: invalidate,
        onReset: invalidate,
      });
    }
    // Every process answers /metrics, /healthz and /readyz (Prometheus scrapes notify and
    // scheduler processes too); the API only where a role serves it.
    const serving = config.roles.includes("api") || collector || config.roles.includes("realtime");
    const routes = !serving
      ? []
      : allRoutes({
          db: db.dataSource,
          clock,
          sessionTtlMs: config.sessionTtlMs,
          seller: config.billing,
          pipeline: () => collector?.pipeline,
          onRulesChanged: () => void rules?.reload(),
          incidents: () => incidents,
          hub,
          notifyWake: notifier.wake,
          onInvoicesIssued: notifier.onInvoicesIssued,
          security,
          webhookTargets,
        });
    const app = createHttpApp(
      {
        authenticate: (secret, now) => authenticate(credentials, secret, now),
        clock,
        log,
        metrics,
        version: VERSION,
        bodyLimitBytes: config.http.bodyLimitBytes,
        trustProxy: config.http.trustProxy,
        metricsBearerToken: config.metricsBearerToken,
        isReady: async () => (await db.dataSource.query<unknown[]>("SELECT 1 AS ok")).length === 1,
        mounts: [
          ...(collector ? [{ path: "/", router: collector.router }] : []),
          ...(config.roles.includes("api") ? [{ path: "/", router: webRouter() }] : []),
        ],
      },
      routes,
    );
    const server = await listen(app, config.http.port, config.http.host);
    stops.unshift(() => closeServer(server, config.shutdownGraceMs));
    if (ownership) {
      collectorRef = collector;
      await ownership.start((server.address() as AddressInfo).port);
      stops.push(() => ownership.stop()); // after the collector's last flush: fresh last-seen
    }
    if (config.roles.includes("realtime")) {
      realtime = startRealtime(server, {
        store: createRealtimeStore(db.dataSource),
        clock,
        log,
        hub,
        series: () => collector?.pipeline,
        security,
      });
      stops.unshift(realtime.stop); // before the server: upgraded sockets would hold it open
      // A credential revoked on any process (a trigger writes the change): its sockets here close.
      changeFeed?.subscribe(["credentials_revoked"], {
        onChanges: (rows) => {
          const byUser = new Map<string, string[]>();
          for (const r of rows) {
            const c = revokedCredentialOf(r.payload);
            if (!c) {
              log.warn({ version: String(r.version) }, "unreadable credentials_revoked change");
              continue;
            }
            const ids = byUser.get(c.userId);
            if (ids) ids.push(c.credentialId);
            else byUser.set(c.userId, [c.credentialId]);
          }
          for (const [userId, credentialIds] of byUser)
            security.deliver({ kind: "credentials_revoked", userId, credentialIds });
        },
        // Too many changes to hand over: every socket's session is checked again instead.
        onReset: () => void realtime?.recheckSessions(),
      });
      changeFeed?.subscribe(["cap_reached"], {
        onChanges: (rows) => {
          for (const r of rows) {
            const e = capReachedOf(r.payload);
            if (e) void realtime?.capReached(e);
            else log.warn({ version: String(r.version) }, "unreadable cap_reached change");
          }
        },
      });
      if (changeFeed) {
        incidentFeed = startIncidentFeed({
          changes: changeFeed,
          store: createIncidentFeedStore(db.dataSource),
          log,
          origin,
          emit: (e) => realtime?.publish(e),
          registry: metrics.registry,
        });
        stops.unshift(incidentFeed.stop);
      }
    }
    if (config.roles.includes("scheduler")) {
      const jobs: JobDef[] = [
        {
          name: "expire-applications",
          cron: "7 * * * *",
          run: (now) => expireApplications(createContractsDeps(db.dataSource), now),
        },
        contractLifecycleJob(createContractsDeps(db.dataSource)),
        {
          name: "purge-change-log",
          cron: "27 3 * * *",
          run: (now) => changeLog.purge(new Date(now.getTime() - 86_400_000)),
          quiet: true,
        },
        monthlyCloseJob(closeDeps(db.dataSource, storedUsage, notifier.onInvoicesIssued)),
        {
          name: "incident-timers",
          cron: "*/5 * * * * *",
          run: (now) => incidents.runTimers(now),
          quiet: true,
        },
        ...(collector
          ? [
              {
                name: "purge-rollups",
                cron: "17 3 * * *",
                run: (now: Date) => collector.purge(now),
              },
            ]
          : []),
      ];
      const scheduler = startScheduler({ db: db.dataSource, clock, log }, jobs);
      stops.unshift(scheduler.stop);
    }
    const address = server.address() as AddressInfo | undefined;
    stops.push(async () => {
      // Bounded: with the database gone, queued alerts are re-raised by the rules after restart.
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((r) => (timer = setTimeout(r, config.shutdownGraceMs / 2)));
      await Promise.race([incidents.whenIdle(), grace]);
      clearTimeout(timer);
      incidents.stop();
    });
    stops.push(notifier.stop); // after the incident engine: its last changes may wake the worker
    if (config.roles.includes("notify")) notifier.start();
    return {
      collector,
      rules,
      realtime,
      incidentFeed,
      incidents,
      hub,
      notifier,
      security,
      changeFeed,
      url: address ? `http://${config.http.host}:${address.port}` : "",
      db,
      bootstrapAdmin: admin,
      stop: async () => {
        for (const stop of stops) await stop();
        await db.close();
      },
    };
  } catch (err) {
    for (const stop of stops) await stop().catch(() => undefined);
    await db.close();
    throw err;
  }
}

function listen(app: import("express").Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(server)));
    server.keepAliveTimeout = 65_000;
  });
}

/** Stops accepting, lets in-flight requests finish, then cuts idle keep-alive sockets. */
function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
