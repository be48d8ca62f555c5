import { describe, expect, it } from "vitest";
import {
  jstDateOf,
  jstDayStartMs,
  jstMonthEndMs,
  jstMonthOf,
  jstMonthStartMs,
  parseIsoInstant,
} from "./jst.js";

describe(jstMonthStartMs.name, () => {
  it("starts a month at 00:00 JST = 15:00 UTC the day before", () => {
    expect(new Date(jstMonthStartMs("2026-11")).toISOString()).toBe("2026-10-31T15:00:00.000Z");
    expect(new Date(jstMonthEndMs("2026-12")).toISOString()).toBe("2026-12-31T15:00:00.000Z");
    expect(new Date(jstDayStartMs("2028-02-29")).toISOString()).toBe("2028-02-28T15:00:00.000Z");
  });

  it("makes a month exactly its days × 24 h long", () => {
    expect(jstMonthEndMs("2028-02") - jstMonthStartMs("2028-02")).toBe(29 * 86_400_000);
  });
});

describe(jstMonthOf.name, () => {
  it("puts 23:59 JST on the 31st in that month and 00:00 JST on the 1st in the next", () => {
    expect(jstMonthOf(Date.parse("2026-12-31T14:59:59.999Z"))).toBe("2026-12");
    expect(jstMonthOf(Date.parse("2026-12-31T15:00:00Z"))).toBe("2027-01");
    expect(jstDateOf(Date.parse("2026-11-09T15:00:00Z"))).toBe("2026-11-10");
  });
});

describe(parseIsoInstant.name, () => {
  it.each([
    ["2026-11-10T09:00:00+09:00", "2026-11-10T00:00:00.000Z"],
    ["2026-11-10T00:00:00Z", "2026-11-10T00:00:00.000Z"],
    ["2026-11-10T09:00+09:00", "2026-11-10T00:00:00.000Z"],
    ["2026-11-10T01:30:15.250-05:30", "2026-11-10T07:00:15.250Z"],
    ["2028-02-29T23:59:59.9999+09:00", "2028-02-29T14:59:59.999Z"],
  ])("reads %s", (text, iso) => {
    expect(parseIsoInstant(text)).toBe(Date.parse(iso));
  });

  it.each([
    "2026-11-10T09:00:00",
    "2026-11-10 09:00:00+09:00",
    "2026-02-30T09:00:00+09:00",
    "2026-11-10T24:00:00+09:00",
    "2026-11-10T09:60:00+09:00",
    "2026-11-10T09:00:00+9:00",
    "2026-11-10",
    "not a time",
  ])("rejects %j", (text) => {
    expect(parseIsoInstant(text)).toBeNull();
  });
});
