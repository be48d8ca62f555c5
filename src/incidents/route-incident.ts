// Routing an incident to the response its plan pays for (SPEC 2, 4): decide the tier, take
// a quota unit when a human is involved (inside this transaction, under the contract's row
// lock, so concurrent incidents cannot both take the last unit), and page first line.
import { IsNull, type EntityManager } from "typeorm";
import {
  ContractEntity,
  IncidentEntity,
  ResponseQuotaUnitEntity,
  RunbookEntity,
} from "../db/entities/index.js";
import { tariffFor, type Plan } from "../domain/billing/tariff.js";
import { isContractServiceable } from "../domain/contracts/service-state.js";
import { nextQuotaUnit } from "../domain/incidents/quota.js";
import { isHumanTier, routeIncident, type Tier } from "../domain/incidents/routing.js";
import { jstMonthOf } from "../domain/time/jst.js";
import { pageLevel } from "./page-oncall.js";
import type { Changes, IncidentDeps } from "./incident-tx.js";
import { appendTimeline } from "./timeline.js";

const SYSTEM = "routing";

export async function routeIncidentNow(
  m: EntityManager,
  deps: IncidentDeps,
  incident: IncidentEntity,
  at: Date,
  changes: Changes,
): Promise<IncidentEntity> {
  // No lock here: watch-only routing takes none; takeQuotaUnit locks the contract row only
  // when a unit is taken (decision 0014).
  const contract = await m.findOneBy(ContractEntity, { id: incident.contractId });
  // Suspended or restricted (issue 15): left unrouted, so nothing is paged or e-mailed; the
  // timers route it once the suspension is lifted.
  if (!contract || !isContractServiceable(contract, at)) return incident;
  const hasIncidentRunbook = await m.exists(RunbookEntity, {
    where: { contractId: contract.id, kind: "incident" },
  });
  const decision = routeIncident({ plan: contract.plan as Plan, hasIncidentRunbook });
  Object.assign(incident, {
    tier: decision.tier,
    runbookMissing: decision.runbookMissing,
    routedAt: at,
    suppressed: false,
  });
  const quota = decision.human ? await takeQuotaUnit(m, incident, at) : null;
  await m.save(IncidentEntity, incident);
  changes.push(
    await appendTimeline(m, deps.hub, incident, {
      kind: "routed",
      at,
      actor: SYSTEM,
      note: decision.runbookMissing
        ? "no incident runbook on file: watched only until one is uploaded"
        : null,
      data: { tier: decision.tier, runbookMissing: decision.runbookMissing, quota },
    }),
  );
  if (quota?.overage) {
    changes.push(
      await appendTimeline(m, deps.hub, incident, {
        kind: "quota_overage",
        at,
        actor: SYSTEM,
        note: `response ${quota.ordinal} this month exceeds the quota of ${tariffFor(quota.month).incidentQuotaPerMonth}`,
        data: quota,
      }),
    );
  }
  if (decision.human) return pageLevel(m, deps, incident, 0, at, changes, SYSTEM);
  return incident;
}

/** Takes one unit of the incident's JST month, once per incident (the unique index holds). */
export async function takeQuotaUnit(
  m: EntityManager,
  incident: IncidentEntity,
  at: Date,
): Promise<{ month: string; ordinal: number; overage: boolean } | null> {
  if (incident.countsQuota) return null;
  // The contract row lock serialises the quota count of this contract, so it is exact under
  // concurrency (DESIGN "Exact counting"). FOR NO KEY UPDATE: exclusive among routings, yet
  // compatible with the FOR KEY SHARE locks that inserting rows referencing the contract
  // takes (FOR UPDATE would deadlock). Held to commit: the routing transaction is short.
  await m.query(`SELECT 1 FROM contracts WHERE id = $1 FOR NO KEY UPDATE`, [incident.contractId]);
  const month = jstMonthOf(at.getTime());
  const existing = await m.findOneBy(ResponseQuotaUnitEntity, { incidentId: incident.id });
  const consumed = await m
    .createQueryBuilder(ResponseQuotaUnitEntity, "q")
    .where("q.contract_id = :c AND q.month = :month AND q.released_at IS NULL", {
      c: incident.contractId,
      month,
    })
    .getCount();
  const unit = nextQuotaUnit(consumed, tariffFor(month).incidentQuotaPerMonth);
  if (existing) {
    // Re-taken after a false-alarm release (e.g. a manual reopen): same row, new position.
    await m.update(ResponseQuotaUnitEntity, existing.id, {
      month,
      ordinal: unit.ordinal,
      overage: unit.overage,
      takenAt: at,
      releasedAt: null,
    });
  } else {
    await m.insert(ResponseQuotaUnitEntity, {
      contractId: incident.contractId,
      month,
      incidentId: incident.id,
      ordinal: unit.ordinal,
      overage: unit.overage,
      takenAt: at,
      releasedAt: null,
    });
  }
  incident.countsQuota = true;
  incident.overage = unit.overage;
  return { month, ...unit };
}

export async function releaseQuotaUnit(
  m: EntityManager,
  incident: IncidentEntity,
  at: Date,
): Promise<void> {
  await m.update(
    ResponseQuotaUnitEntity,
    { incidentId: incident.id, releasedAt: IsNull() },
    { releasedAt: at },
  );
}

export function needsHuman(tier: string | null): boolean {
  return isHumanTier(tier as Tier | null);
}
