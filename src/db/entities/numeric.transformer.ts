import type { ValueTransformer } from "typeorm";

/**
 * Yen amounts are bigint columns (scenario bounds allow ~10^14 yen) and tax rates numeric;
 * pg returns both as strings. Every value stays inside the safe-integer range, so numbers.
 */
export const numericTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
