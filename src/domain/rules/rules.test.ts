import { describe, expect, it } from "vitest";
import { newAbsenceState, seenAbsence, sweepAbsence } from "./absence-state.js";
import { DEFAULT_PACK } from "./default-pack.js";
import { labelsKeyOf, matchesAll } from "./labels-key.js";
import { effectiveRules } from "./resolve.js";
import { checkRule, type RuleSpec } from "./rule.js";

describe(sweepAbsence.name, () => {
  it("fires once silence reaches absenceSeconds, repeats a minute later, clears on a sample", () => {
    const s = newAbsenceState(1_000);
    expect(sweepAbsence(s, 120_000, 120_999, 60_000)).toBe("none");
    expect(sweepAbsence(s, 120_000, 121_000, 60_000)).toBe("fire");
    expect(sweepAbsence(s, 120_000, 122_000, 60_000)).toBe("none");
    expect(sweepAbsence(s, 120_000, 181_000, 60_000)).toBe("repeat");
    expect(seenAbsence(s, 185_000)).toBe("clear");
    expect(seenAbsence(s, 186_000)).toBe("none");
    expect(sweepAbsence(s, 120_000, 200_000, 60_000)).toBe("none");
  });

  it("never fires for what was never seen", () => {
    expect(sweepAbsence(newAbsenceState(-Infinity), 1, 1e15, 0)).toBe("none");
  });

  it("an older sample does not move last-seen back", () => {
    const s = newAbsenceState(10_000);
    seenAbsence(s, 5_000);
    expect(s.lastSeenMs).toBe(10_000);
  });
});

describe(effectiveRules.name, () => {
  const rule = (id: string, over: Partial<RuleSpec>) =>
    ({
      id,
      contractId: null,
      componentId: null,
      packKey: null,
      enabled: true,
      ...over,
    }) as RuleSpec;
  const rules = [
    rule("g-cpu", { packKey: "cpu_high" }),
    rule("g-disk", { packKey: "disk_full" }),
    rule("g-custom", {}),
    rule("a-cpu", { contractId: "A", packKey: "cpu_high" }),
    rule("a-disk-off", { contractId: "A", packKey: "disk_full", enabled: false }),
    rule("a-own", { contractId: "A" }),
    rule("b-own", { contractId: "B" }),
    rule("a1-cpu", { contractId: "A", componentId: "a1", packKey: "cpu_high" }),
    rule("a2-own", { contractId: "A", componentId: "a2" }),
  ];
  const ids = (contract: string, component: string | null) =>
    effectiveRules(rules, contract, component)
      .map((r) => r.id)
      .sort();

  it("layers global, contract and component rules, the most specific packKey winning", () => {
    expect(ids("A", "a1")).toEqual(["a-own", "a1-cpu", "g-custom"]);
    expect(ids("A", "a2")).toEqual(["a-cpu", "a-own", "a2-own", "g-custom"]);
    expect(ids("A", null)).toEqual(["a-cpu", "a-own", "g-custom"]);
  });

  it("never gives one contract another's rules", () => {
    expect(ids("B", "b1")).toEqual(["b-own", "g-cpu", "g-custom", "g-disk"]);
  });
});

describe(checkRule.name, () => {
  const threshold = {
    kind: "threshold",
    metric: "m",
    divideBy: null,
    op: ">",
    threshold: 1,
    recoveryThreshold: null,
    absenceSeconds: null,
  } as const;
  it("names the missing field of each kind", () => {
    expect(checkRule({ ...threshold, op: null }).map((i) => i.path)).toEqual(["op"]);
    expect(checkRule({ ...threshold, kind: "absence_component" }).map((i) => i.path)).toEqual([
      "absenceSeconds",
    ]);
    expect(
      checkRule({ ...threshold, kind: "absence_series", metric: null, absenceSeconds: 60 }).map(
        (i) => i.path,
      ),
    ).toEqual(["metric"]);
  });
  it("refuses a recovery threshold on the bad side and a ratio of a metric to itself", () => {
    expect(checkRule({ ...threshold, recoveryThreshold: 2 }).map((i) => i.path)).toEqual([
      "recoveryThreshold",
    ]);
    expect(checkRule({ ...threshold, op: "<", recoveryThreshold: 2 })).toEqual([]);
    expect(checkRule({ ...threshold, divideBy: "m" }).map((i) => i.path)).toEqual(["divideBy"]);
  });
  it("accepts every rule of the default pack", () => {
    for (const r of DEFAULT_PACK) expect(checkRule(r), r.packKey).toEqual([]);
  });
});

describe(labelsKeyOf.name, () => {
  it("sorts by name and drops __name__", () => {
    expect(labelsKeyOf({ __name__: "x", mountpoint: "/", device: "sda1" })).toBe(
      "device=sda1,mountpoint=/",
    );
    expect(labelsKeyOf({ __name__: "x" })).toBe("");
  });
  it("matches only when every matcher is present and equal", () => {
    expect(matchesAll({ a: "1", b: "2" }, { a: "1" })).toBe(true);
    expect(matchesAll({ a: "1" }, { a: "1", b: "2" })).toBe(false);
  });
});
