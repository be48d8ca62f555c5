// The monthly response quota as stored (SPEC 4): used = units taken and not released in
// the JST month. Also the billing close's UsageSource (incident responses, runbook minutes).
import { IsNull, type DataSource } from "typeorm";
import type { Queryable, Usage, UsageSource } from "../billing/close/usage-source.js";
import { ResponseQuotaUnitEntity } from "../db/entities/index.js";
import { managerOf, type Tx } from "../db/unit-of-work.js";
import type { YearMonth } from "../domain/time/month.js";

export interface QuotaUnit {
  contractId: string;
  incidentId: string;
  month: YearMonth;
  ordinal: number;
  overage: boolean;
  takenAt: Date;
}

export interface QuotaStore {
  /**
   * Serialises the quota count of one contract until `tx` ends, so it is exact under
   * concurrency (DESIGN "Exact counting").
   */
  lockContract(tx: Tx, contractId: string): Promise<void>;
  /** Units taken and not released in the month (inside `tx`, after `lockContract`). */
  taken(tx: Tx, contractId: string, month: YearMonth): Promise<number>;
  /** The incident's unit, released or not (one per incident: a unique index). */
  unitOf(tx: Tx, incidentId: string): Promise<{ id: string } | null>;
  /** Takes the unit: a new row, or the incident's released one taken again (`existingId`). */
  take(tx: Tx, unit: QuotaUnit, existingId: string | null): Promise<void>;
  /** Gives back the incident's unit, if it holds one. */
  release(tx: Tx, incidentId: string, at: Date): Promise<void>;
  /** Units used in the month, outside any transaction (the quota API). */
  used(contractId: string, month: YearMonth): Promise<number>;
}

export function createQuotaStore(db: DataSource): QuotaStore {
  return {
    async lockContract(tx, contractId) {
      // FOR NO KEY UPDATE: exclusive among routings, yet compatible with the FOR KEY SHARE
      // locks that inserting rows referencing the contract takes (FOR UPDATE would
      // deadlock). Held to commit: the routing transaction is short.
      await managerOf(tx).query(`SELECT 1 FROM contracts WHERE id = $1 FOR NO KEY UPDATE`, [
        contractId,
      ]);
    },
    taken: (tx, contractId, month) => responsesUsed(managerOf(tx), contractId, month),
    unitOf: (tx, incidentId) =>
      managerOf(tx).findOne(ResponseQuotaUnitEntity, {
        where: { incidentId },
        select: { id: true },
      }),
    async take(tx, unit, existingId) {
      const m = managerOf(tx);
      if (existingId) {
        await m.update(ResponseQuotaUnitEntity, existingId, { ...unit, releasedAt: null });
      } else {
        await m.insert(ResponseQuotaUnitEntity, { ...unit, releasedAt: null });
      }
    },
    async release(tx, incidentId, at) {
      await managerOf(tx).update(
        ResponseQuotaUnitEntity,
        { incidentId, releasedAt: IsNull() },
        { releasedAt: at },
      );
    },
    used: (contractId, month) => responsesUsed(db.manager, contractId, month),
  };
}

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
