// Routing an incident to the response its plan pays for (SPEC 2, 4): decide the tier, take
// a quota unit when a human is involved (inside this transaction, under the contract's
// quota lock, so concurrent incidents cannot both take the last unit), and page first line.
// Its `routed` change is what announces the incident to the customer (the outbox listener).
import type { IncidentEntity } from "../db/entities/index.js";
import type { Tx } from "../db/unit-of-work.js";
import { tariffFor, type Plan } from "../domain/billing/tariff.js";
import { isContractServiceable } from "../domain/contracts/service-state.js";
import { nextQuotaUnit } from "../domain/incidents/quota.js";
import { isHumanTier, routeIncident, type Tier } from "../domain/incidents/routing.js";
import { jstMonthOf } from "../domain/time/jst.js";
import { pageLevel } from "./page-oncall.js";
import type { Changes, IncidentDeps } from "./incident-tx.js";

const SYSTEM = "routing";

export async function routeIncidentNow(
  deps: IncidentDeps,
  tx: Tx,
  incident: IncidentEntity,
  at: Date,
  changes: Changes,
): Promise<IncidentEntity> {
  // No lock here: watch-only routing takes none; takeQuotaUnit locks the contract's quota
  // only when a unit is taken (decision 0014).
  const contract = await deps.routing.contract(tx, incident.contractId);
  // Suspended or restricted (issue 15): left unrouted, so nothing is paged or e-mailed; the
  // timers route it once the suspension is lifted.
  if (!contract || !isContractServiceable(contract, at)) return incident;
  const hasIncidentRunbook = await deps.routing.hasIncidentRunbook(tx, contract.id);
  const decision = routeIncident({ plan: contract.plan as Plan, hasIncidentRunbook });
  Object.assign(incident, {
    tier: decision.tier,
    runbookMissing: decision.runbookMissing,
    routedAt: at,
    suppressed: false,
  });
  const quota = decision.human ? await takeQuotaUnit(deps, tx, incident, at) : null;
  await deps.incidents.save(tx, incident);
  await changes.record(incident, {
    kind: "routed",
    at,
    actor: SYSTEM,
    note: decision.runbookMissing
      ? "no incident runbook on file: watched only until one is uploaded"
      : null,
    data: { tier: decision.tier, runbookMissing: decision.runbookMissing, quota },
  });
  if (quota?.overage) {
    await changes.record(incident, {
      kind: "quota_overage",
      at,
      actor: SYSTEM,
      note: `response ${quota.ordinal} this month exceeds the quota of ${tariffFor(quota.month).incidentQuotaPerMonth}`,
      data: quota,
    });
  }
  if (decision.human) return pageLevel(deps, tx, incident, 0, at, changes, SYSTEM);
  return incident;
}

/** Takes one unit of the incident's JST month, once per incident (the unique index holds). */
export async function takeQuotaUnit(
  deps: Pick<IncidentDeps, "quota">,
  tx: Tx,
  incident: IncidentEntity,
  at: Date,
): Promise<{ month: string; ordinal: number; overage: boolean } | null> {
  if (incident.countsQuota) return null;
  await deps.quota.lockContract(tx, incident.contractId);
  const month = jstMonthOf(at.getTime());
  const existing = await deps.quota.unitOf(tx, incident.id);
  const consumed = await deps.quota.taken(tx, incident.contractId, month);
  const unit = nextQuotaUnit(consumed, tariffFor(month).incidentQuotaPerMonth);
  // Re-taken after a false-alarm release (e.g. a manual reopen): same row, new position.
  await deps.quota.take(
    tx,
    { contractId: incident.contractId, incidentId: incident.id, month, ...unit, takenAt: at },
    existing?.id ?? null,
  );
  incident.countsQuota = true;
  incident.overage = unit.overage;
  return { month, ...unit };
}

export function needsHuman(tier: string | null): boolean {
  return isHumanTier(tier as Tier | null);
}
