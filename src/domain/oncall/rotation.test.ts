import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { onCallAt, pageTargetAt, type Rotation, type RotationOverride } from "./rotation.js";

const H = 3_600_000;
const T0 = Date.parse("2026-11-01T00:00:00Z");
const rotation = (over: Partial<Rotation> = {}): Rotation => ({
  id: "r1",
  line: "first",
  memberIds: ["a", "b", "c"],
  startsAtMs: T0,
  shiftHours: 8,
  createdAtMs: T0 - H,
  ...over,
});
const override = (over: Partial<RotationOverride> = {}): RotationOverride => ({
  rotationId: "r1",
  userId: "x",
  startsAtMs: T0 + 9 * H,
  endsAtMs: T0 + 12 * H,
  ...over,
});

describe(onCallAt.name, () => {
  it.each([
    ["the first member in the first shift", 0, "a"],
    ["the second member from the second shift", 8 * H, "b"],
    ["the last member just before the cycle ends", 24 * H - 1, "c"],
    ["the first member again after a full cycle", 24 * H, "a"],
  ])("finds %s", (_, offset, userId) => {
    expect(onCallAt([rotation()], [], "first", T0 + offset)).toEqual({
      userId,
      rotationId: "r1",
      overridden: false,
    });
  });

  it("has nobody before the rotation starts, for an empty line, or on the other line", () => {
    expect(onCallAt([rotation()], [], "first", T0 - 1)).toBeNull();
    expect(onCallAt([rotation({ memberIds: [] })], [], "first", T0)).toBeNull();
    expect(onCallAt([rotation()], [], "second", T0)).toBeNull();
  });

  it("lets an override win inside its half-open period only", () => {
    const o = [override()];
    expect(onCallAt([rotation()], o, "first", T0 + 9 * H)).toMatchObject({
      userId: "x",
      overridden: true,
    });
    expect(onCallAt([rotation()], o, "first", T0 + 12 * H)).toMatchObject({
      userId: "b",
      overridden: false,
    });
  });

  it("prefers the latest-starting of overlapping overrides", () => {
    const o = [override(), override({ userId: "y", startsAtMs: T0 + 10 * H })];
    expect(onCallAt([rotation()], o, "first", T0 + 11 * H)?.userId).toBe("y");
    expect(onCallAt([rotation()], o, "first", T0 + 9 * H)?.userId).toBe("x");
  });

  it("consults the earliest-created rotation that has members, whatever the input order", () => {
    const older = rotation({ id: "old", memberIds: ["p"], createdAtMs: T0 - 2 * H });
    const empty = rotation({ id: "empty", memberIds: [], createdAtMs: T0 - 3 * H });
    expect(onCallAt([rotation(), older, empty], [], "first", T0)).toMatchObject({
      userId: "p",
      rotationId: "old",
    });
  });

  it("ignores overrides of another line's rotation", () => {
    const second = rotation({ id: "r2", line: "second", memberIds: ["s"] });
    const o = [override({ rotationId: "r2" })];
    expect(onCallAt([rotation(), second], o, "first", T0 + 9 * H)?.userId).toBe("b");
    expect(onCallAt([rotation(), second], o, "second", T0 + 9 * H)?.userId).toBe("x");
  });
});

describe(pageTargetAt.name, () => {
  it.each([
    [0, "b"],
    [1, "c"],
    [2, "a"],
    [3, null],
    [-1, null],
    [0.5, null],
  ])("walks the rotation from the one on call: step %s → %s", (step, userId) => {
    expect(pageTargetAt([rotation()], [], "first", T0 + 8 * H, step)).toBe(userId);
  });

  it("pages the override first, then the scheduled member and the rest", () => {
    const at = T0 + 9 * H; // b's shift, covered by x
    const steps = [0, 1, 2, 3, 4].map((s) =>
      pageTargetAt([rotation()], [override()], "first", at, s),
    );
    expect(steps).toEqual(["x", "b", "c", "a", null]);
  });

  it("does not page an override who is also a member twice", () => {
    const at = T0 + 9 * H;
    const o = [override({ userId: "c" })];
    const steps = [0, 1, 2, 3].map((s) => pageTargetAt([rotation()], o, "first", at, s));
    expect(steps).toEqual(["c", "b", "a", null]);
  });

  it("has nobody to page on an empty line", () => {
    expect(pageTargetAt([], [], "second", T0, 0)).toBeNull();
  });

  it("visits every member exactly once over steps 0..n-1, then stops", () => {
    const members = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), {
      minLength: 1,
      maxLength: 12,
    });
    fc.assert(
      fc.property(
        members,
        fc.integer({ min: 1, max: 48 }),
        fc.integer({ min: 0, max: 1000 * 24 * H }),
        (memberIds, shiftHours, offset) => {
          const rotations = [rotation({ memberIds, shiftHours })];
          const n = memberIds.length;
          const visited = Array.from({ length: n }, (_, s) =>
            pageTargetAt(rotations, [], "first", T0 + offset, s),
          );
          expect([...visited].sort()).toEqual([...memberIds].sort());
          expect(pageTargetAt(rotations, [], "first", T0 + offset, n)).toBeNull();
        },
      ),
    );
  });
});
