import { describe, expect, it } from "vitest";
import {
  type MutableJson,
  specScenarioJson as specScenario,
} from "../domain/billing/scenario.fixtures.js";
import { parseScenario } from "./scenario.schema.js";

const minimal = () => ({
  month: "2026-11",
  contract: { plan: "standard", startDate: "2026-04-15" },
  components: [{ id: "vm-01", os: "linux" }],
});

const issuesOf = (mutate: (s: MutableJson) => void) => {
  const scenario: MutableJson = specScenario();
  mutate(scenario);
  const result = parseScenario(scenario);
  return result.ok ? [] : result.issues;
};

describe(parseScenario.name, () => {
  it("parses the SPEC §7 example into the domain scenario", () => {
    const result = parseScenario(specScenario());
    expect(result.ok && result.value.outages).toEqual([
      {
        scope: "managed",
        cause: "provider_fault",
        knownAtMs: Date.parse("2026-11-10T00:00:00Z"),
        restoredAtMs: Date.parse("2026-11-12T23:00:00Z"),
      },
    ]);
  });

  it("fills defaults for every optional field", () => {
    expect(parseScenario(minimal())).toEqual({
      ok: true,
      value: {
        month: "2026-11",
        contract: {
          plan: "standard",
          startDate: "2026-04-15",
          endDate: null,
          tierMode: null,
          terminatedByProviderFault: false,
        },
        components: [
          {
            id: "vm-01",
            os: "linux",
            activeFrom: "2026-04-15",
            activeUntil: null,
            capRelaxations: 0,
          },
        ],
        serviceFees: [],
        outages: [],
        incidentResponses: 0,
        runbookMinutes: 0,
        liabilityCredits: [],
        latePayments: [],
        downgrade: null,
        tariffOverrides: {},
      },
    });
  });

  it("accepts terminatedByProviderFault in contract or at the top level", () => {
    const top = parseScenario({ ...minimal(), terminatedByProviderFault: true });
    expect(top.ok && top.value.contract.terminatedByProviderFault).toBe(true);
    const nested = parseScenario({
      ...minimal(),
      contract: { ...minimal().contract, terminatedByProviderFault: true },
    });
    expect(nested.ok && nested.value.contract.terminatedByProviderFault).toBe(true);
  });

  it.each<[string, (s: MutableJson) => void, string, string]>([
    ["an unknown plan", (s) => (s.contract.plan = "gold"), "contract.plan", "Invalid option"],
    ["a malformed month", (s) => (s.month = "2026-13"), "month", "must be a month YYYY-MM"],
    ["a missing month", (s) => delete s.month, "month", "is required"],
    ["missing components", (s) => delete s.components, "components", "is required"],
    [
      "an impossible date",
      (s) => (s.contract.startDate = "2026-02-30"),
      "contract.startDate",
      "must be a real calendar date YYYY-MM-DD",
    ],
    [
      "a timestamp without offset",
      (s) => (s.outages[0].knownAt = "2026-11-10T09:00:00"),
      "outages[0].knownAt",
      "with an offset",
    ],
    [
      "restoredAt before knownAt",
      (s) => (s.outages[0].restoredAt = "2026-11-10T08:00:00+09:00"),
      "outages[0].restoredAt",
      "is before knownAt",
    ],
    [
      "a missing restoredAt",
      (s) => delete s.outages[0].restoredAt,
      "outages[0].restoredAt",
      "is required",
    ],
    [
      "an unknown cause",
      (s) => (s.outages[0].cause = "bad_luck"),
      "outages[0].cause",
      "Invalid option",
    ],
    [
      "an unknown scope",
      (s) => (s.outages[0].scope = "network"),
      "outages[0].scope",
      "Invalid option",
    ],
    ["an unknown OS", (s) => (s.components[0].os = "bsd"), "components[0].os", "Invalid option"],
    [
      "a negative count",
      (s) => (s.incidentResponses = -1),
      "incidentResponses",
      "must not be negative",
    ],
    ["a fractional count", (s) => (s.runbookMinutes = 1.5), "runbookMinutes", "must be an integer"],
    [
      "negative relaxations",
      (s) => (s.components[0].capRelaxations = -1),
      "components[0].capRelaxations",
      "must not be negative",
    ],
    [
      "a negative fee",
      (s) => (s.serviceFees[0].monthlyYen = -1),
      "serviceFees[0].monthlyYen",
      "must not be negative",
    ],
    ["an unknown field", (s) => (s.discount = 5), "discount", "unknown field"],
    [
      "an unknown nested field",
      (s) => (s.contract.colour = "red"),
      "contract.colour",
      "unknown field",
    ],
    [
      "an unknown tariff override",
      (s) => (s.tariff.baseYen = 1),
      "tariff.baseYen",
      "unknown field",
    ],
    [
      "a tax rate with three decimals",
      (s) => (s.tariff.taxRatePercent = 10.125),
      "tariff.taxRatePercent",
      "must have at most two decimals",
    ],
    [
      "a late claim",
      (s) =>
        (s.liabilityCredits = [
          { damageDate: "2026-09-10", claimDate: "2026-10-11", amountYen: 5 },
        ]),
      "liabilityCredits[0].claimDate",
      "accepts claims within 30 days",
    ],
    [
      "an impossible paid date",
      (s) => (s.latePayments = [{ amountYen: 1, dueDate: "2026-12-31", paidDate: "2027-02-30" }]),
      "latePayments[0].paidDate",
      "real calendar date",
    ],
    [
      "an unknown downgrade plan",
      (s) => (s.downgrade = { fromPlan: "gold", effectiveMonth: "2026-11" }),
      "downgrade.fromPlan",
      "Invalid option",
    ],
    [
      "a component removed before added",
      (s) => (s.components[0].activeUntil = "2026-04-01"),
      "components[0].activeUntil",
      "is before activeFrom",
    ],
    [
      "an end before the start",
      (s) => {
        s.month = "2026-04";
        s.contract.endDate = "2026-04-01";
      },
      "contract.endDate",
      "is before startDate",
    ],
    [
      "a month before the contract",
      (s) => (s.month = "2026-03"),
      "month",
      "is before the contract's start month",
    ],
    [
      "runbook minutes on Standard",
      (s) => (s.runbookMinutes = 30),
      "runbookMinutes",
      "Premium capability",
    ],
    [
      "duplicate component ids",
      (s) => s.components.push({ id: "vm-01", os: "linux" }),
      "components[1].id",
      "duplicate component id",
    ],
    [
      "conflicting provider-fault flags",
      (s) => {
        s.terminatedByProviderFault = true;
        s.contract.terminatedByProviderFault = false;
      },
      "terminatedByProviderFault",
      "conflicts",
    ],
  ])("names %s by its JSON path", (_, mutate, path, message) => {
    const issues = issuesOf(mutate);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe(path);
    expect(issues[0]?.message).toContain(message);
  });

  it("reports every shape problem at once", () => {
    const issues = issuesOf((s) => {
      s.contract.plan = "gold";
      s.outages[0].restoredAt = "2026-11-09T00:00:00+09:00";
      s.incidentResponses = -2;
    });
    expect(issues.map((i) => i.path)).toEqual([
      "contract.plan",
      "outages[0].restoredAt",
      "incidentResponses",
    ]);
  });

  it.each([[null], [[]], ["scenario"], [42]])("rejects %j as a whole", (json) => {
    const result = parseScenario(json);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues[0]?.path).toBe("");
  });
});
