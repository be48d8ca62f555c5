// The monthly response quota as stored (SPEC 4): used = units taken and not released in
// the JST month. Also the billing close's UsageSource (incident responses, runbook minutes).
import type { EntityManager } from "typeorm";
import type { Queryable } from "../billing/close/close-store.js";
import type { Usage, UsageSource } from "../billing/close/usage-source.js";
import { tariffFor } from "../domain/billing/tariff.js";
import { quotaStatus, type QuotaStatus } from "../domain/incidents/quota.js";
import type { YearMonth } from "../domain/time/month.js";

export async function responsesUsed(
  q: Queryable,
  contractId: string,
  month: YearMonth,
): Promise<number> {
  const [row] = await q.query<{ n: number }[]>(
    `SELECT COUNT(*)::int AS n FROM response_quota_units
     WHERE contract_id = $1 AND month = $2 AND released_at IS NULL`,
    [contractId, month],
  );
  return row?.n ?? 0;
}

export async function quotaOf(
  m: EntityManager,
  contractId: string,
  month: YearMonth,
): Promise<QuotaStatus & { month: YearMonth }> {
  const quota = tariffFor(month).incidentQuotaPerMonth;
  return { month, ...quotaStatus(await responsesUsed(m, contractId, month), quota) };
}

/** What the monthly close counts: two grouped queries per batch of contracts. */
export const storedUsage: UsageSource = {
  async usageOf(q, contractIds, month) {
    const ids = [...contractIds];
    const responses = await q.query<{ id: string; n: number }[]>(
      `SELECT contract_id AS id, COUNT(*)::int AS n FROM response_quota_units
       WHERE contract_id = ANY($1::uuid[]) AND month = $2 AND released_at IS NULL
       GROUP BY contract_id`,
      [ids, month],
    );
    const minutes = await q.query<{ id: string; n: number }[]>(
      `SELECT contract_id AS id, COALESCE(SUM(minutes), 0)::int AS n FROM runbook_tasks
       WHERE contract_id = ANY($1::uuid[]) AND month = $2 AND finished_at IS NOT NULL
       GROUP BY contract_id`,
      [ids, month],
    );
    const out = new Map<string, Usage>();
    const get = (id: string) => {
      let u = out.get(id);
      if (!u) out.set(id, (u = { incidentResponses: 0, runbookMinutes: 0 }));
      return u;
    };
    for (const r of responses) get(r.id).incidentResponses = r.n;
    for (const r of minutes) get(r.id).runbookMinutes = r.n;
    return out;
  },
};
