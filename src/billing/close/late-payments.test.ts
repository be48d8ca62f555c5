import { describe, expect, it } from "vitest";
import { latePartsOf } from "./late-payments.js";

const pay = (id: string, paidDate: string, amountYen: number) => ({ id, paidDate, amountYen });
const DUE = "2026-12-31";

describe(latePartsOf.name, () => {
  it.each([
    ["nothing when paid on the due date", [pay("a", DUE, 98_560)], []],
    ["nothing on the day after: no interest day", [pay("a", "2027-01-01", 98_560)], []],
    [
      "the whole amount paid late (SPEC 6.5)",
      [pay("a", "2027-02-15", 98_560)],
      [["a", 98_560, "2027-02-15"]],
    ],
    [
      "only what was unpaid at the due date",
      [pay("b", "2027-02-15", 13_000), pay("a", "2026-12-20", 20_000)],
      [["b", 13_000, "2027-02-15"]],
    ],
    [
      "each late instalment on its own",
      [pay("a", "2027-01-10", 50_000), pay("b", "2027-02-15", 48_560)],
      [
        ["a", 50_000, "2027-01-10"],
        ["b", 48_560, "2027-02-15"],
      ],
    ],
    [
      "not an overpayment beyond the total",
      [pay("a", "2027-01-10", 90_000), pay("b", "2027-02-15", 20_000)],
      [
        ["a", 90_000, "2027-01-10"],
        ["b", 8_560, "2027-02-15"],
      ],
    ],
  ])("%s", (_, payments, expected) => {
    const parts = latePartsOf(98_560, DUE, payments);
    expect(parts.map((p) => [p.paymentId, p.late.amountYen, p.late.paidDate])).toEqual(expected);
    for (const p of parts) expect(p.late.dueDate).toBe(DUE);
  });
});
