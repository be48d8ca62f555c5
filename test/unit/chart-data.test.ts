import { describe, expect, it } from "vitest";
import {
  appendPoints,
  drawable,
  formatValue,
  jstFull,
  jstTicks,
  unitOf,
} from "../../web/src/ui/chart-data.js";

// Issue 14: charts drew a stray straight line (points out of order after a live append),
// clipped y labels without units, and a UTC, 12-hour time axis beside JST times.
describe("chart points", () => {
  it("sorts, keeps one point per timestamp (the later one) and breaks long gaps", () => {
    const d = drawable({ xs: [30, 10, 20, 20, 40, 200, 210], ys: [3, 1, 2, 9, 4, 5, 6] });
    expect(d.xs).toEqual([10, 20, 30, 40, 120, 200, 210]);
    expect(d.ys).toEqual([1, 9, 3, 4, null, 5, 6]);
  });

  it("appends only live points newer than the loaded ones (a subscription repeats the last minutes)", () => {
    const loaded = { xs: [100, 110, 120], ys: [1, 2, 3] };
    const merged = appendPoints(loaded, { xs: [100, 110, 120, 130], ys: [1, 2, 3, 4] });
    expect(merged.xs).toEqual([100, 110, 120, 130]);
    for (let i = 1; i < merged.xs.length; i++)
      expect(merged.xs[i]!).toBeGreaterThan(merged.xs[i - 1]!);
  });
});

describe("chart labels", () => {
  it("formats by the metric's unit with SI prefixes", () => {
    expect(unitOf("node_memory_MemAvailable_bytes")).toBe("bytes");
    expect(unitOf("node_cpu_busy_ratio")).toBe("ratio");
    expect(unitOf("node_cpu_seconds_total")).toBe("seconds");
    expect(unitOf("up")).toBe("none");
    expect(formatValue(8_123_456_789, "bytes")).toBe("8.12 GB");
    expect(formatValue(0.935, "ratio")).toBe("93.5%");
    expect(formatValue(12_345, "none")).toBe("12.35k");
    expect(formatValue(null, "none")).toBe("—");
  });

  it("labels the time axis in Japan time, 24-hour, with the date where the day changes", () => {
    const at = Date.parse("2026-12-04T14:30:00Z") / 1000; // 23:30 JST
    expect(jstTicks([at, at + 30], 30)).toEqual(["23:30:00\n12/04", "23:30:30"]);
    expect(jstTicks([at, at + 1800, at + 3600], 1800)).toEqual([
      "23:30\n12/04",
      "00:00\n12/05",
      "00:30",
    ]);
    expect(jstFull(at)).toBe("2026/12/04 23:30:00 JST");
  });
});
