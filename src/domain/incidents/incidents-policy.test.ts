import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PLANS } from "../billing/tariff.js";
import { escalationStep } from "./escalation.js";
import { allowedFrom, refusal, releasesQuota } from "./lifecycle.js";
import { nextQuotaUnit, quotaStatus } from "./quota.js";
import { routeIncident } from "./routing.js";

describe(routeIncident.name, () => {
  it.each([
    ["entry", true, "watch", false, false],
    ["entry", false, "watch", false, false],
    ["standard", true, "first_line", false, true],
    ["standard", false, "watch", true, false],
    ["advanced", true, "second_line", false, true],
    ["advanced", false, "watch", true, false],
    ["premium", true, "runbook", false, true],
    ["premium", false, "watch", true, false],
  ] as const)("%s with runbook=%s routes to %s", (plan, has, tier, missing, human) => {
    expect(routeIncident({ plan, hasIncidentRunbook: has })).toEqual({
      tier,
      runbookMissing: missing,
      human,
    });
  });

  it("never pages for a watch tier, whatever the plan", () => {
    fc.assert(
      fc.property(fc.constantFrom(...PLANS), fc.boolean(), (plan, has) => {
        const d = routeIncident({ plan, hasIncidentRunbook: has });
        expect(d.human).toBe(d.tier !== "watch");
      }),
    );
  });
});

describe(nextQuotaUnit.name, () => {
  it("marks the 4th response of a month as overage with a quota of 3", () => {
    expect([0, 1, 2, 3, 4].map((n) => nextQuotaUnit(n, 3))).toEqual([
      { ordinal: 1, overage: false },
      { ordinal: 2, overage: false },
      { ordinal: 3, overage: false },
      { ordinal: 4, overage: true },
      { ordinal: 5, overage: true },
    ]);
  });

  it("reports used, remaining and overage", () => {
    expect(quotaStatus(0, 3)).toEqual({ quota: 3, used: 0, remaining: 3, overage: 0 });
    expect(quotaStatus(5, 3)).toEqual({ quota: 3, used: 5, remaining: 0, overage: 2 });
  });
});

describe(escalationStep.name, () => {
  it("goes to the next first-line person, then second line only where the plan allows", () => {
    expect(escalationStep("first_line", 0)).toEqual({ line: "first", step: 0 });
    expect(escalationStep("first_line", 1)).toEqual({ line: "first", step: 1 });
    expect(escalationStep("first_line", 2)).toBeNull();
    expect(escalationStep("second_line", 2)).toEqual({ line: "second", step: 0 });
    expect(escalationStep("runbook", 3)).toEqual({ line: "second", step: 1 });
    expect(escalationStep("runbook", 4)).toBeNull();
  });
});

describe("incident lifecycle", () => {
  it("acknowledges only open incidents and reopens only resolved ones", () => {
    expect(allowedFrom("acknowledge")).toEqual(["open"]);
    expect(allowedFrom("reopen")).toEqual(["resolved"]);
    expect(allowedFrom("resolve")).toEqual(["open", "acknowledged"]);
    expect(refusal("acknowledge", "acknowledged")).toBe("incident is already acknowledged");
    expect(refusal("resolve", "resolved")).toBe("incident is resolved; cannot resolve");
  });

  it("gives the quota unit back only for false alarms closed before acknowledgement", () => {
    expect(releasesQuota({ falseAlarm: true, acknowledged: false })).toBe(true);
    expect(releasesQuota({ falseAlarm: true, acknowledged: true })).toBe(false);
    expect(releasesQuota({ falseAlarm: false, acknowledged: false })).toBe(false);
  });
});
