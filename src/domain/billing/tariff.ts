// Versioned tariff data (SPEC §6.1, §3) and the one place where the SPEC's readings of
// ambiguous terms are named. Prices are data, not code: a new price is a new version with
// its own `effectiveFrom`, and a month is always priced by the version in force in it.
import { monthIndex, type YearMonth } from "../time/month.js";

export const PLANS = ["entry", "standard", "advanced", "premium"] as const;
export type Plan = (typeof PLANS)[number];

export const OPERATING_SYSTEMS = ["linux", "windows"] as const;
export type OperatingSystem = (typeof OPERATING_SYSTEMS)[number];

/** graduated: each band priced at its own column; volume: every component at one column. */
export const TIER_MODES = ["graduated", "volume"] as const;
export type TierMode = (typeof TIER_MODES)[number];

/** One price column: components up to `upTo` (1-based, inclusive; null = no limit). */
export interface TierBand {
  readonly upTo: number | null;
  readonly unitYen: number;
}
export type TierTable = readonly TierBand[];

export interface PlanPrices {
  readonly baseYen: number;
  readonly linux: TierTable;
  /** Set only where Windows costs more (Premium); null = Windows is priced as Linux. */
  readonly anyWindows: TierTable | null;
}

export interface Tariff {
  readonly version: string;
  readonly effectiveFrom: YearMonth;
  readonly plans: Readonly<Record<Plan, PlanPrices>>;
  readonly tierMode: TierMode;
  readonly initialFeeYen: number;
  readonly initialFeeCoversComponents: number;
  /** Per component beyond the covered ones at the start date, and per component added later. */
  readonly extraComponentInitialYen: number;
  readonly defaultCapSeries: number;
  readonly capRelaxationStepSeries: number;
  readonly capRelaxationYen: number;
  /** Reading (Appx 2 notes): each relaxation step of a component is its own charge and line. */
  readonly relaxationChargedPerStep: boolean;
  readonly incidentQuotaPerMonth: number;
  /** null = no unit price in the terms: the line is carried "to be quoted" at 0 yen. */
  readonly incidentOverageYen: number | null;
  readonly runbookAllowanceMinutesPerComponent: number;
  readonly runbookOverageYenPerHour: number | null;
  /** Consumption tax in percent with at most two decimals (10 = 10 %). */
  readonly taxRatePercent: number;
}

/** The per-scenario overrides SPEC §7 allows in `tariff`. */
export interface TariffOverrides {
  incidentOverageYen?: number | null;
  runbookOverageYenPerHour?: number | null;
  taxRatePercent?: number;
  capRelaxationYen?: number;
}

const bands = (first: number, second: number, third: number): TierTable => [
  { upTo: 5, unitYen: first },
  { upTo: 20, unitYen: second },
  { upTo: null, unitYen: third },
];

export const TARIFF_2026: Tariff = {
  version: "2026-01",
  // In force for every month we can bill: there is no earlier tariff.
  effectiveFrom: "2000-01",
  plans: {
    entry: { baseYen: 10_000, linux: bands(4_000, 3_000, 2_800), anyWindows: null },
    standard: { baseYen: 20_000, linux: bands(9_000, 8_200, 7_400), anyWindows: null },
    advanced: { baseYen: 20_000, linux: bands(15_000, 12_000, 10_000), anyWindows: null },
    premium: {
      baseYen: 50_000,
      linux: bands(25_000, 21_000, 15_000),
      anyWindows: bands(30_000, 25_000, 21_000),
    },
  },
  tierMode: "graduated",
  initialFeeYen: 50_000,
  initialFeeCoversComponents: 5,
  extraComponentInitialYen: 10_000,
  defaultCapSeries: 200,
  capRelaxationStepSeries: 200,
  capRelaxationYen: 2_000,
  relaxationChargedPerStep: true,
  incidentQuotaPerMonth: 3,
  incidentOverageYen: null,
  runbookAllowanceMinutesPerComponent: 60,
  runbookOverageYenPerHour: null,
  taxRatePercent: 10,
};

/** Every tariff version, oldest first. Add a version; never edit a past one. */
export const TARIFF_VERSIONS: readonly Tariff[] = [TARIFF_2026];

/** The version in force in `month`: the latest whose effectiveFrom is not after it. */
export function findTariff(
  month: YearMonth,
  versions: readonly Tariff[] = TARIFF_VERSIONS,
): Tariff | undefined {
  const index = monthIndex(month);
  let found: Tariff | undefined;
  for (const version of versions) {
    const from = monthIndex(version.effectiveFrom);
    if (from <= index && (!found || from >= monthIndex(found.effectiveFrom))) found = version;
  }
  return found;
}

/** findTariff for a month known to be covered (validated scenarios). */
export function tariffFor(month: YearMonth, versions: readonly Tariff[] = TARIFF_VERSIONS): Tariff {
  const found = findTariff(month, versions);
  if (!found) throw new RangeError(`no tariff is in force in ${month}`);
  return found;
}

export function withOverrides(tariff: Tariff, overrides: TariffOverrides): Tariff {
  const picked = Object.fromEntries(
    Object.entries(overrides).filter(([, value]) => value !== undefined),
  ) as Partial<Tariff>;
  return { ...tariff, ...picked };
}

/**
 * Rules of the terms that are not prices, and the readings this implementation picked where
 * the SPEC/terms leave room. Named here so a change of reading is one edit and one test.
 */
export const BILLING_POLICY = {
  /** Art. 21 (2): a liability claim must come within 30 days of the damage. */
  liabilityClaimDays: 30,
  /** Art. 21 (2): the credit reduces the invoice two months after the damaged month. */
  liabilityCreditDelayMonths: 2,
  /** Art. 27: 14.5 % a year as a per-mille integer, so interest stays integer math. */
  lateInterestPerMille: 145,
  /** Art. 27: always 365 days a year, leap years included. */
  lateInterestDayBasis: 365,
  /**
   * Art. 11 (2) "所定料金" for the remaining term: the whole monthly fee of the termination
   * month (managed fee + service fees, before exemptions), not only the managed fee.
   */
  earlyTerminationIncludesServiceFees: true,
  /**
   * Premium "any Windows in the contract" is judged on the components billed in the month,
   * so a Windows VM removed in an earlier month no longer raises the price.
   */
  premiumWindowsJudgedPerMonth: true,
  /**
   * Rows 2/4 count whole minutes of the outage inside the month; a partial minute is dropped
   * (the terms count time; the SPEC prorates per minute).
   */
  exemptionPartialMinuteDropped: true,
} as const;
