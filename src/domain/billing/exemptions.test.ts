import { describe, expect, it } from "vitest";
import {
  blocksStartingIn,
  exemptionLines,
  exemptionRefundLine,
  exemptionRow,
} from "./exemptions.js";
import { jst, outage } from "./scenario.fixtures.js";
import { OUTAGE_CAUSES, type Outage, type OutageCause, type OutageScope } from "./scenario.js";

const FEES = { managed: 89_600, service: 30_000 };
const amounts = (outages: Outage[], month: string, fees = FEES) =>
  exemptionLines(outages, month, fees).map((l) => [l.code, l.amountYen]);

describe(exemptionRow.name, () => {
  const expected: Record<OutageCause, [service: number | null, managed: number | null]> = {
    provider_fault: [1, 3],
    gross_negligence: [2, 4],
    third_party: [null, 3],
    customer_fault: [null, null],
    force_majeure: [null, null],
    maintenance: [null, null],
    restriction: [null, null],
    suspension: [null, null],
  };
  it.each(
    OUTAGE_CAUSES.flatMap((cause) => [["service", cause] as const, ["managed", cause] as const]),
  )("%s / %s", (scope, cause) => {
    expect(exemptionRow(scope, cause)).toBe(expected[cause][scope === "service" ? 0 : 1]);
  });
});

describe(exemptionLines.name, () => {
  // 71 h in November (30 days): 2 whole 24 h blocks, 4,260 minutes of 43,200.
  const expected: Record<OutageScope, Record<OutageCause, number | null>> = {
    service: {
      provider_fault: 2_000, // 30,000 × 2 ÷ 30
      gross_negligence: 2_958, // floor(30,000 × 4,260 ÷ 43,200)
      third_party: null,
      customer_fault: null,
      force_majeure: null,
      maintenance: null,
      restriction: null,
      suspension: null,
    },
    managed: {
      provider_fault: 5_973, // floor(89,600 × 2 ÷ 30)
      gross_negligence: 8_835, // floor(89,600 × 4,260 ÷ 43,200)
      third_party: 5_973,
      customer_fault: null,
      force_majeure: null,
      maintenance: null,
      restriction: null,
      suspension: null,
    },
  };
  it.each(
    OUTAGE_CAUSES.flatMap((cause) => [["service", cause] as const, ["managed", cause] as const]),
  )("exempts a 71 h %s outage caused by %s as the table says", (scope, cause) => {
    const lines = exemptionLines(
      [outage(scope, cause, "2026-11-10 09:00", "2026-11-13 08:00")],
      "2026-11",
      FEES,
    );
    const amount = expected[scope][cause];
    expect(lines).toHaveLength(amount === null ? 0 : 1);
    if (amount !== null) {
      expect(lines[0]).toMatchObject({
        code: `exemption_${scope}`,
        amountYen: -amount,
        quantity: 1,
        taxable: true,
      });
    }
  });

  it.each([
    ["provider_fault", "2026-11-11 08:59", []],
    ["provider_fault", "2026-11-11 09:00", [["exemption_managed", -2_986]]],
    ["gross_negligence", "2026-11-11 08:59", [["exemption_managed", -2_984]]], // 1,439 min
    ["gross_negligence", "2026-11-11 09:00", [["exemption_managed", -2_986]]],
  ] as const)("%s restored at %s after 23 h 59 min or 24 h", (cause, restoredAt, lines) => {
    expect(amounts([outage("managed", cause, "2026-11-10 09:00", restoredAt)], "2026-11")).toEqual(
      lines,
    );
  });

  it.each([
    // label, knownAt, restoredAt, [month, exempt blocks → amount]…
    [
      "Jan → Feb (28 days)",
      "2026-01-30 12:00",
      "2026-02-02 12:00",
      ["2026-01", -5_780],
      ["2026-02", -3_200],
    ],
    [
      "Feb (29 days) → Mar",
      "2028-02-28 06:00",
      "2028-03-02 06:00",
      ["2028-02", -6_179],
      ["2028-03", -2_890],
    ],
    [
      "Nov (30 days) → Dec",
      "2026-11-29 20:00",
      "2026-12-02 20:00",
      ["2026-11", -5_973],
      ["2026-12", -2_890],
    ],
    [
      "Mar (31 days) → Apr (30 days)",
      "2026-03-30 12:00",
      "2026-04-02 12:00",
      ["2026-03", -5_780],
      ["2026-04", -2_986],
    ],
  ] as const)(
    "assigns each 24 h block of a %s outage to the month it starts in",
    (_, from, to, first, second) => {
      const crossing = [outage("managed", "provider_fault", from, to)];
      expect(amounts(crossing, first[0])).toEqual([["exemption_managed", first[1]]]);
      expect(amounts(crossing, second[0])).toEqual([["exemption_managed", second[1]]]);
    },
  );

  it("judges the 24 h condition on the whole outage across the month end", () => {
    // 26 h: 12 h in November, 14 h in December; the one block starts in November.
    const crossing = [outage("managed", "provider_fault", "2026-11-30 12:00", "2026-12-01 14:00")];
    expect(amounts(crossing, "2026-11")).toEqual([["exemption_managed", -2_986]]);
    expect(amounts(crossing, "2026-12")).toEqual([]);
  });

  it.each([
    ["2026-11", 89_600, 120, 43_200, -248],
    ["2026-12", 89_600, 180, 44_640, -361],
  ] as const)("splits row 4 minutes at the month end: %s", (month, fee, minutes, of, amount) => {
    const crossing = [
      outage("managed", "gross_negligence", "2026-11-30 22:00", "2026-12-01 03:00"),
    ];
    expect(amounts(crossing, month)).toEqual([["exemption_managed", amount]]);
    expect(Math.floor((fee * minutes) / of)).toBe(-amount);
  });

  it.each([
    ["2026-02", -133], // 60 of 40,320 minutes
    ["2028-02", -128], // 60 of 41,760 minutes
  ])("prorates row 4 minutes by the days of %s", (month, amount) => {
    const start = `${month.slice(0, 4)}-01-31 23:00`;
    const crossing = [outage("managed", "gross_negligence", start, `${month}-01 01:00`)];
    expect(amounts(crossing, month)).toEqual([["exemption_managed", amount]]);
  });

  it("computes several outages of a month separately, skipping those without exemption", () => {
    const outages = [
      outage("managed", "provider_fault", "2026-11-02 00:00", "2026-11-04 01:00"),
      outage("managed", "customer_fault", "2026-11-05 00:00", "2026-11-09 00:00"),
      outage("managed", "third_party", "2026-11-20 00:00", "2026-11-21 06:00"),
      outage("service", "gross_negligence", "2026-11-22 00:00", "2026-11-22 05:00"),
    ];
    expect(amounts(outages, "2026-11")).toEqual([
      ["exemption_managed", -5_973],
      ["exemption_managed", -2_986],
      ["exemption_service", -208], // floor(30,000 × 300 ÷ 43,200)
    ]);
  });

  it("caps a scope's exemptions at that scope's monthly fee", () => {
    const twentyDays = (scope: OutageScope) =>
      outage(scope, "provider_fault", "2026-11-01 00:00", "2026-11-21 00:00");
    const lines = exemptionLines(
      [
        twentyDays("managed"),
        twentyDays("managed"),
        twentyDays("managed"),
        twentyDays("service"),
        twentyDays("service"),
      ],
      "2026-11",
      FEES,
    );
    expect(lines.map((l) => [l.code, l.amountYen])).toEqual([
      ["exemption_managed", -59_733],
      ["exemption_managed", -29_867],
      ["exemption_service", -20_000],
      ["exemption_service", -10_000],
    ]);
    expect(lines[1]?.description).toContain("capped at the monthly fee 89,600 yen");
  });

  it("exempts an outage open at close up to the end of the month and the rest next month", () => {
    const open = [
      outage("managed", "provider_fault", "2026-11-28 09:00", null),
      outage("service", "gross_negligence", "2026-11-30 20:00", null),
    ];
    // 63 h to the close: 2 blocks; 240 min of service time.
    expect(amounts(open, "2026-11")).toEqual([
      ["exemption_managed", -5_973],
      ["exemption_service", -166],
    ]);
    expect(exemptionLines(open, "2026-11", FEES)[0]?.description).toContain("open at close");
    // Still open at December's close: blocks 4–33 start in December (30 of 31 days).
    expect(amounts(open, "2026-12")[0]).toEqual(["exemption_managed", -86_709]);
    const restored = [
      outage("managed", "provider_fault", "2026-11-28 09:00", "2026-12-02 10:00"),
      outage("service", "gross_negligence", "2026-11-30 20:00", "2026-12-01 02:00"),
    ];
    expect(amounts(restored, "2026-12")).toEqual([
      ["exemption_managed", -2_890], // the block starting 2026-12-01 09:00
      ["exemption_service", -80], // floor(30,000 × 120 ÷ 44,640)
    ]);
  });

  it("ignores outages outside the month", () => {
    const outages = [outage("managed", "provider_fault", "2026-10-01 00:00", "2026-10-05 00:00")];
    expect(amounts(outages, "2026-11")).toEqual([]);
  });
});

describe(blocksStartingIn.name, () => {
  const [start, end] = [jst("2026-11-01 00:00"), jst("2026-12-01 00:00")];
  it.each([
    ["2026-11-10 09:00", "2026-11-11 08:59", 0],
    ["2026-11-10 09:00", "2026-11-11 09:00", 1],
    ["2026-10-30 00:00", "2026-11-03 00:00", 2],
    ["2026-11-29 00:00", "2026-12-03 00:00", 2],
    ["2026-10-01 00:00", "2026-12-31 00:00", 30],
  ])("%s → %s has %i blocks starting in November", (from, to, blocks) => {
    expect(blocksStartingIn(jst(from), jst(to), start, end)).toBe(blocks);
  });
});

describe(exemptionRefundLine.name, () => {
  it("refunds the exemption that became final after the close", () => {
    const atClose = exemptionLines(
      [outage("managed", "provider_fault", "2026-11-28 09:00", null)],
      "2026-11",
      FEES,
    );
    const final = exemptionLines(
      [outage("managed", "provider_fault", "2026-11-28 09:00", "2026-12-02 10:00")],
      "2026-11",
      FEES,
    );
    expect(exemptionRefundLine("2026-11", atClose, final)).toMatchObject({
      code: "exemption_refund",
      amountYen: -(8_960 - 5_973),
      taxable: true,
    });
    expect(exemptionRefundLine("2026-11", final, final)).toBeNull();
  });
});
