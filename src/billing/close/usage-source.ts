// Usage the invoice counts but other engines record: incident responses (SPEC 4 quota) and
// Premium runbook minutes. A port, so the close does not depend on those engines' tables.
// Batched per close batch, and given the close store's queryable: inside a revision's
// transaction it must use that transaction (PGlite would wait on itself otherwise). Only
// stores call it (close.store.ts): use cases never hold a queryable.
import type { YearMonth } from "../../domain/time/month.js";

/** A DataSource or a transaction's EntityManager: inside a transaction, always the latter. */
export interface Queryable {
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
}

export interface Usage {
  incidentResponses: number;
  runbookMinutes: number;
}

export interface UsageSource {
  /** Usage of each contract in `month`; contracts without usage may be absent. */
  usageOf(
    q: Queryable,
    contractIds: readonly string[],
    month: YearMonth,
  ): Promise<Map<string, Usage>>;
}

export const NO_USAGE: Usage = { incidentResponses: 0, runbookMinutes: 0 };

/** For scenarios and tests that count no usage. */
export const noUsage: UsageSource = { usageOf: () => Promise.resolve(new Map()) };
