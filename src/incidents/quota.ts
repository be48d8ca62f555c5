// The monthly response quota as stored (SPEC 4): used = units taken and not released in
// the JST month. Also the billing close's UsageSource (incident responses, runbook minutes).
import type { DataSource, EntityManager } from "typeorm";
import type { UsageSource } from "../billing/close/usage-source.js";
import { ResponseQuotaUnitEntity } from "../db/entities/index.js";
import { tariffFor } from "../domain/billing/tariff.js";
import { quotaStatus, type QuotaStatus } from "../domain/incidents/quota.js";
import type { YearMonth } from "../domain/time/month.js";
import { runbookMinutesUsed } from "../runbook-tasks/usage.js";

export async function responsesUsed(
  m: EntityManager,
  contractId: string,
  month: YearMonth,
): Promise<number> {
  return m
    .createQueryBuilder(ResponseQuotaUnitEntity, "q")
    .where("q.contract_id = :contractId AND q.month = :month AND q.released_at IS NULL", {
      contractId,
      month,
    })
    .getCount();
}

export async function quotaOf(
  m: EntityManager,
  contractId: string,
  month: YearMonth,
): Promise<QuotaStatus & { month: YearMonth }> {
  const quota = tariffFor(month).incidentQuotaPerMonth;
  return { month, ...quotaStatus(await responsesUsed(m, contractId, month), quota) };
}

/** What the monthly close counts for a contract's invoice. */
export function storedUsage(db: DataSource): UsageSource {
  return {
    incidentResponses: (contractId, month) => responsesUsed(db.manager, contractId, month),
    runbookMinutes: (contractId, month) => runbookMinutesUsed(db.manager, contractId, month),
  };
}
