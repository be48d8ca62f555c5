// Test factories for billing scenarios: each test states only what it is about.
import { parseIsoInstant } from "../time/jst.js";
import type { BillingScenario, ContractTerms, Outage, ScenarioComponent } from "./scenario.js";

/** A Standard contract started 2026-04-15, billed for 2026-11, with no components. */
export function aScenario(
  overrides: Partial<Omit<BillingScenario, "contract">> & {
    contract?: Partial<ContractTerms>;
  } = {},
): BillingScenario {
  const { contract, ...rest } = overrides;
  return {
    month: "2026-11",
    contract: {
      plan: "standard",
      startDate: "2026-04-15",
      endDate: null,
      tierMode: null,
      terminatedByProviderFault: false,
      ...contract,
    },
    components: [],
    serviceFees: [],
    outages: [],
    incidentResponses: 0,
    runbookMinutes: 0,
    liabilityCredits: [],
    latePayments: [],
    downgrade: null,
    tariffOverrides: {},
    ...rest,
  };
}

/** `count` components vm-01… of one OS, active from `activeFrom` (default 2026-04-15). */
export function components(
  count: number,
  os: ScenarioComponent["os"] = "linux",
  activeFrom = "2026-04-15",
  prefix = "vm",
): ScenarioComponent[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${String(i + 1).padStart(2, "0")}`,
    os,
    activeFrom,
    activeUntil: null,
    capRelaxations: 0,
  }));
}

/** Epoch ms of a JST wall-clock time "YYYY-MM-DD HH:MM". */
export function jst(wallClock: string): number {
  const ms = parseIsoInstant(`${wallClock.replace(" ", "T")}:00+09:00`);
  if (ms === null) throw new RangeError(`bad JST time ${wallClock}`);
  return ms;
}

export function outage(
  scope: Outage["scope"],
  cause: Outage["cause"],
  knownAt: string,
  restoredAt: string | null,
): Outage {
  return {
    scope,
    cause,
    knownAtMs: jst(knownAt),
    restoredAtMs: restoredAt === null ? null : jst(restoredAt),
  };
}

/** JSON that tests mutate freely at any depth, into invalid shapes too. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type MutableJson = Record<string, any>;

/** The SPEC §7 example scenario as JSON, to mutate in tests. */
export function specScenarioJson(): MutableJson {
  return {
    month: "2026-11",
    contract: { plan: "standard", startDate: "2026-04-15", endDate: null, tierMode: "graduated" },
    components: [
      { id: "vm-01", os: "linux", activeFrom: "2026-04-15", activeUntil: null, capRelaxations: 0 },
    ],
    serviceFees: [{ name: "storage", monthlyYen: 30000 }],
    outages: [
      {
        scope: "managed",
        cause: "provider_fault",
        knownAt: "2026-11-10T09:00:00+09:00",
        restoredAt: "2026-11-13T08:00:00+09:00",
      },
    ],
    incidentResponses: 2,
    runbookMinutes: 0,
    liabilityCredits: [],
    latePayments: [],
    downgrade: null,
    tariff: {},
  };
}
