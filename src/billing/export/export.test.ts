import { describe, expect, it } from "vitest";
import { csvText } from "./invoice-csv.js";
import { monthLabel, yenText } from "./labels.js";

describe(csvText.name, () => {
  it.each([
    ["plain", "plain"],
    ['say "hi", ok', '"say ""hi"", ok"'],
    ["=HYPERLINK(1)", "'=HYPERLINK(1)"],
    ["-1+2", "'-1+2"],
    ["line\nbreak", '"line\nbreak"'],
  ])("%j → %j", (input, output) => expect(csvText(input)).toBe(output));
});

describe("invoice HTML helpers", () => {
  it("formats months and yen without locale data", () => {
    expect([monthLabel("2026-11", "ja"), monthLabel("2027-01", "en")]).toEqual([
      "2026年11月",
      "January 2027",
    ]);
    expect([yenText(98_560), yenText(-5_973), yenText(0)]).toEqual(["¥98,560", "-¥5,973", "¥0"]);
  });
});
