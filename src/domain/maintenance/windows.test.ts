import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { activeWindow, occurrenceAt, windowProblems, type MaintenanceWindow } from "./windows.js";

const at = (jst: string) => Date.parse(`${jst}+09:00`);
const iso = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().slice(0, 16);
const win = (over: Partial<MaintenanceWindow> = {}): MaintenanceWindow => ({
  id: "w1",
  contractId: "c1",
  componentId: null,
  startsAtMs: at("2026-11-01T02:00:00"), // a Sunday
  endsAtMs: at("2026-11-01T04:00:00"),
  recurrence: "none",
  untilMs: null,
  ...over,
});
const span = (o: { startMs: number; endMs: number } | null) =>
  o && `${iso(o.startMs)}–${iso(o.endMs).slice(11)}`;

describe(occurrenceAt.name, () => {
  it.each([
    ["2026-11-01T01:59:59", null],
    ["2026-11-01T02:00:00", "2026-11-01T02:00–04:00"],
    ["2026-11-01T03:59:59", "2026-11-01T02:00–04:00"],
    ["2026-11-01T04:00:00", null],
    ["2026-11-08T03:00:00", null],
  ])("one-off window at %s JST → %s", (t, expected) => {
    expect(span(occurrenceAt(win(), at(t)))).toBe(expected);
  });

  it.each([
    ["2026-11-08T02:30:00", "2026-11-08T02:00–04:00"],
    ["2027-03-14T03:59:00", "2027-03-14T02:00–04:00"], // no DST shift in March
    ["2027-07-04T02:00:00", "2027-07-04T02:00–04:00"],
    ["2026-11-09T02:30:00", null], // a Monday
    ["2026-11-08T04:00:00", null],
  ])("weekly Sunday 02:00–04:00 JST at %s → %s", (t, expected) => {
    expect(span(occurrenceAt(win({ recurrence: "weekly" }), at(t)))).toBe(expected);
  });

  it("runs a daily window across midnight into the next day", () => {
    const w = win({
      recurrence: "daily",
      startsAtMs: at("2026-11-01T22:00:00"),
      endsAtMs: at("2026-11-02T02:00:00"),
    });
    expect(span(occurrenceAt(w, at("2026-11-05T01:00:00")))).toBe("2026-11-04T22:00–02:00");
    expect(span(occurrenceAt(w, at("2026-11-05T23:00:00")))).toBe("2026-11-05T22:00–02:00");
    expect(occurrenceAt(w, at("2026-11-05T12:00:00"))).toBeNull();
  });

  it.each([
    ["2026-12-31T01:00:00", "2026-12-31T00:00–03:00"],
    ["2027-02-28T01:00:00", "2027-02-28T00:00–03:00"], // clamped to February's last day
    ["2028-02-29T01:00:00", "2028-02-29T00:00–03:00"], // leap year
    ["2027-04-30T02:59:00", "2027-04-30T00:00–03:00"],
    ["2027-03-31T00:00:00", "2027-03-31T00:00–03:00"], // back to the 31st after a short month
    ["2027-03-30T01:00:00", null],
    ["2027-03-01T01:00:00", null],
  ])("monthly on the 31st, clamped to the month's last day: %s → %s", (t, expected) => {
    const w = win({
      recurrence: "monthly",
      startsAtMs: at("2026-10-31T00:00:00"),
      endsAtMs: at("2026-10-31T03:00:00"),
    });
    expect(span(occurrenceAt(w, at(t)))).toBe(expected);
  });

  it("stops at `until`: an occurrence starting at or after it does not happen", () => {
    const w = win({ recurrence: "weekly", untilMs: at("2026-11-15T02:00:00") });
    expect(occurrenceAt(w, at("2026-11-08T03:00:00"))).not.toBeNull();
    expect(occurrenceAt(w, at("2026-11-15T03:00:00"))).toBeNull();
  });

  it("always returns an occurrence that covers the instant, on the window's JST weekday and time", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 * 365 * 86_400_000 }),
        fc.constantFrom("daily", "weekly", "monthly" as const),
        (offset, recurrence) => {
          const w = win({ recurrence });
          const t = w.startsAtMs + offset;
          const o = occurrenceAt(w, t);
          if (!o) return;
          expect(o.startMs <= t && t < o.endMs).toBe(true);
          expect(o.endMs - o.startMs).toBe(2 * 3_600_000);
          expect(iso(o.startMs).slice(11)).toBe("02:00");
          if (recurrence === "weekly")
            expect(new Date(o.startMs + 9 * 3_600_000).getUTCDay()).toBe(0);
        },
      ),
    );
  });
});

describe(activeWindow.name, () => {
  const contractWide = win({ id: "all", endsAtMs: at("2026-11-01T03:00:00") });
  const vm1 = win({ id: "vm1", componentId: "vm-1" });
  it.each([
    ["vm-1", "2026-11-01T02:30:00", "vm1"], // both active: the one ending last
    ["vm-2", "2026-11-01T02:30:00", "all"],
    ["vm-2", "2026-11-01T03:30:00", null],
    [null, "2026-11-01T03:30:00", null], // a component's window does not cover the contract
    ["vm-1", "2026-11-01T03:30:00", "vm1"],
  ])("for component %s at %s JST → %s", (component, t, id) => {
    expect(activeWindow([contractWide, vm1], component, at(t))?.window.id ?? null).toBe(id);
  });
});

describe(windowProblems.name, () => {
  it.each([
    [{}, []],
    [{ endsAtMs: at("2026-11-01T02:00:00") }, ["endsAt"]],
    [{ recurrence: "daily", endsAtMs: at("2026-11-02T02:00:01") }, ["endsAt"]],
    [{ recurrence: "monthly", endsAtMs: at("2026-11-29T02:00:00") }, []],
    [{ untilMs: at("2026-12-01T00:00:00") }, ["until"]],
    [{ recurrence: "weekly", untilMs: at("2026-11-01T02:00:00") }, ["until"]],
  ] as const)("%j → %j", (over, paths) => {
    expect(windowProblems(win(over as Partial<MaintenanceWindow>)).map((p) => p.path)).toEqual(
      paths,
    );
  });
});
