import { describe, expect, it } from "vitest";
import { defaultActiveFrom } from "../../contracts/components.js";
import {
  buildScenario,
  componentStateIn,
  planOfMonth,
  type ContractInputs,
} from "./build-scenario.js";

const inputs = (over: Partial<ContractInputs> = {}): ContractInputs => ({
  contract: {
    id: "c",
    customerName: "C",
    plan: "standard",
    tierMode: "graduated",
    startDate: "2026-04-15",
    endDate: null,
  },
  components: [],
  outages: [],
  serviceFees: [],
  liabilityCredits: [],
  latePayments: [],
  incidentResponses: 0,
  runbookMinutes: 0,
  ...over,
});

describe("stored history → the month's scenario", () => {
  const changes = [
    { fromPlan: "advanced", plan: "standard", effectiveMonth: "2026-11" },
    { fromPlan: "standard", plan: "premium", effectiveMonth: "2027-02" },
  ];

  it("takes the plan in force in each month", () => {
    expect(planOfMonth("premium", changes, "2026-10")).toBe("advanced");
    expect(planOfMonth("premium", changes, "2026-11")).toBe("standard");
    expect(planOfMonth("premium", changes, "2027-01")).toBe("standard");
    expect(planOfMonth("premium", changes, "2027-03")).toBe("premium");
    expect(planOfMonth("entry", [], "2027-03")).toBe("entry");
  });

  it("hands a change in the billed month to the core as its downgrade input, and none otherwise", () => {
    const nov = buildScenario("2026-11", inputs({ planChanges: changes }));
    expect(nov.contract.plan).toBe("standard");
    expect(nov.downgrade).toEqual({ fromPlan: "advanced", effectiveMonth: "2026-11" });
    expect(buildScenario("2026-12", inputs({ planChanges: changes })).downgrade).toBeNull();
  });

  it("bills a component on the OS and relaxations in force in the month", () => {
    const row = {
      name: "vm",
      os: "windows",
      activeFrom: "2026-04-15",
      activeUntil: null,
      capRelaxations: 2,
      history: [
        { effectiveMonth: "2026-04", os: "linux", capRelaxations: 0 },
        { effectiveMonth: "2026-10", os: "linux", capRelaxations: 1 },
        { effectiveMonth: "2026-12", os: "windows", capRelaxations: 2 },
      ],
    };
    expect(componentStateIn(row, "2026-09")).toMatchObject({ os: "linux", capRelaxations: 0 });
    expect(componentStateIn(row, "2026-11")).toMatchObject({ os: "linux", capRelaxations: 1 });
    expect(componentStateIn(row, "2027-01")).toMatchObject({ os: "windows", capRelaxations: 2 });
  });

  it("maps a provider-fault termination to no early-termination charge", () => {
    const ended = inputs();
    ended.contract = {
      ...ended.contract,
      endDate: "2026-11-20",
      terminationReason: "provider_fault",
    };
    expect(buildScenario("2026-11", ended).contract.terminatedByProviderFault).toBe(true);
    ended.contract = { ...ended.contract, terminationReason: "customer" };
    expect(buildScenario("2026-11", ended).contract.terminatedByProviderFault).toBe(false);
  });

  it("starts an added component on the day it is added, not before the contract starts", () => {
    expect(defaultActiveFrom("2026-04-15", "2026-11-20")).toBe("2026-11-20");
    expect(defaultActiveFrom("2026-12-01", "2026-11-20")).toBe("2026-12-01");
    expect(defaultActiveFrom(null, "2026-11-20")).toBe("2026-11-20");
  });
});
