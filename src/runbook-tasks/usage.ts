// Runbook minutes of a contract's month, for the allowance view and billing's monthly close
// (SPEC 4). A task counts in the JST month it started; unfinished tasks count nothing yet.
import type { EntityManager } from "typeorm";

export async function runbookMinutesUsed(
  m: EntityManager,
  contractId: string,
  month: string /* YYYY-MM JST */,
): Promise<number> {
  const [row] = await m.query<{ minutes: number }[]>(
    `SELECT COALESCE(SUM(minutes), 0)::int AS minutes FROM runbook_tasks
     WHERE contract_id = $1 AND month = $2 AND finished_at IS NOT NULL`,
    [contractId, month],
  );
  return row?.minutes ?? 0;
}
