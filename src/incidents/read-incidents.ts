// The incident API's reads (any role; customers see their contract's incidents only, with
// the NOC's workings left out): a page of incidents, one with its timeline, the quota.
import { assertInScope, scopeOf, type Actor } from "../access/actor.js";
import { tariffFor } from "../domain/billing/tariff.js";
import { quotaStatus, type QuotaStatus } from "../domain/incidents/quota.js";
import type { YearMonth } from "../domain/time/month.js";
import { notFound } from "../shared/errors.js";
import type { IncidentEntity } from "../db/entities/index.js";
import type { IncidentFilter, IncidentStore } from "./incident.store.js";
import type { QuotaStore } from "./quota.store.js";
import type { RoutingStore } from "./routing.store.js";
import { forCustomer, toIncidentView, toMemberView, toTimelineView } from "./views.js";

export interface IncidentReadDeps {
  incidents: IncidentStore;
  quota: QuotaStore;
  routing: RoutingStore;
}

/** The view of incidents as this actor may see it. */
export async function viewIncident(deps: IncidentReadDeps, actor: Actor, row: IncidentEntity) {
  const v = toIncidentView(row, await deps.incidents.names([row]));
  return scopeOf(actor).kind === "contract" ? forCustomer(v) : v;
}

export async function listIncidents(deps: IncidentReadDeps, actor: Actor, filter: IncidentFilter) {
  const scope = scopeOf(actor);
  const { rows, total } = await deps.incidents.list(scope, filter);
  const names = await deps.incidents.names(rows);
  const customer = scope.kind === "contract";
  return {
    items: rows.map((r) =>
      customer ? forCustomer(toIncidentView(r, names)) : toIncidentView(r, names),
    ),
    total,
    limit: filter.limit,
    offset: filter.offset,
  };
}

export async function getIncident(deps: IncidentReadDeps, actor: Actor, id: string) {
  const scope = scopeOf(actor);
  const row = await deps.incidents.find(scope, id);
  if (!row) throw notFound("incident");
  const customer = scope.kind === "contract";
  const events = await deps.incidents.timelineOf(row.id, customer);
  const v = toIncidentView(row, await deps.incidents.names([row]));
  const timeline = events.map(toTimelineView);
  const members = (await deps.incidents.membersOf(row.id)).map(toMemberView);
  return customer ? { ...forCustomer(v), timeline, members } : { ...v, timeline, members };
}

/** The contract's response quota in a JST month: used, remaining, overage (SPEC 4). */
export async function quotaOf(
  deps: IncidentReadDeps,
  actor: Actor,
  contractId: string,
  month: YearMonth,
): Promise<QuotaStatus & { month: YearMonth }> {
  assertInScope(scopeOf(actor), contractId, "contract");
  if (!(await deps.routing.contract(null, contractId))) throw notFound("contract");
  const quota = tariffFor(month).incidentQuotaPerMonth;
  return { month, ...quotaStatus(await deps.quota.used(contractId, month), quota) };
}
