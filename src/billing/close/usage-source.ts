// Usage the invoice counts but other engines record: incident responses (SPEC 4 quota) and
// Premium runbook minutes. A port, so the close does not depend on those engines' tables.
import type { YearMonth } from "../../domain/time/month.js";

export interface UsageSource {
  incidentResponses(contractId: string, month: YearMonth): Promise<number>;
  runbookMinutes(contractId: string, month: YearMonth): Promise<number>;
}

/** Until the incident engine and runbook timing exist, nothing is counted. */
export const noUsageYet: UsageSource = {
  incidentResponses: () => Promise.resolve(0),
  runbookMinutes: () => Promise.resolve(0),
};
