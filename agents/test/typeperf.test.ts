import { describe, expect, it } from "vitest";
import {
  DEFAULT_COUNTERS,
  parseCounterPath,
  parseCsvLine,
  TypeperfAccumulator,
} from "../src/typeperf.js";
import { TYPEPERF_OUTPUT } from "./fixtures/typeperf-output.js";
import { labelValues, valueOf } from "./helpers.js";

function feed(acc: TypeperfAccumulator, text: string) {
  for (const line of text.split("\n")) acc.line(line);
}

describe(parseCsvLine.name, () => {
  it("splits quoted fields and unescapes doubled quotes", () => {
    expect(parseCsvLine('"a","b ""c""","",","')).toEqual(["a", 'b "c"', "", ","]);
  });
  it("ignores typeperf's non-CSV chatter and torn lines", () => {
    expect(parseCsvLine("Exiting, please wait...")).toBeNull();
    expect(parseCsvLine("")).toBeNull();
    expect(parseCsvLine('"05/14/2024 10:15:21.613","10')).toBeNull();
  });
});

describe(parseCounterPath.name, () => {
  it("splits host, object, instance and counter", () => {
    expect(parseCounterPath(String.raw`\\WIN-SRV01\PhysicalDisk(0 C:)\% Idle Time`)).toEqual({
      object: "PhysicalDisk",
      instance: "0 C:",
      counter: "% Idle Time",
    });
    expect(parseCounterPath(String.raw`\System\Processes`)).toEqual({
      object: "System",
      instance: null,
      counter: "Processes",
    });
  });
});

describe(TypeperfAccumulator.name, () => {
  it("integrates per-second rates over the interval into counters", () => {
    const acc = new TypeperfAccumulator(DEFAULT_COUNTERS, 10);
    feed(acc, TYPEPERF_OUTPUT);
    const points = acc.points();
    expect(valueOf(points, "node_disk_read_bytes_total", { device: "0 C:" })).toBe(30725);
    expect(valueOf(points, "node_disk_read_bytes_total", { device: "1 D:" })).toBe(5120);
    expect(valueOf(points, "node_disk_written_bytes_total", { device: "0 C:" })).toBe(40960);
    expect(
      valueOf(points, "node_network_receive_bytes_total", {
        device: "Intel[R] 82574L Gigabit Network Connection",
      }),
    ).toBe(200000);
    expect(
      valueOf(points, "node_network_transmit_bytes_total", {
        device: "Intel[R] 82574L Gigabit Network Connection",
      }),
    ).toBe(40002.5);
  });

  it("skips blank samples rather than counting them as zero", () => {
    const acc = new TypeperfAccumulator(DEFAULT_COUNTERS, 10);
    feed(acc, TYPEPERF_OUTPUT);
    expect(valueOf(acc.points(), "node_disk_reads_completed_total", { device: "0 C:" })).toBe(25);
  });

  it("turns % Idle Time into busy seconds, clamping values above 100", () => {
    const acc = new TypeperfAccumulator(DEFAULT_COUNTERS, 10);
    feed(acc, TYPEPERF_OUTPUT);
    expect(
      valueOf(acc.points(), "node_disk_io_time_seconds_total", { device: "0 C:" }),
    ).toBeCloseTo(1, 12);
    expect(valueOf(acc.points(), "node_disk_io_time_seconds_total", { device: "1 D:" })).toBe(7.5);
  });

  it("passes raw counts and gauges through as the last value", () => {
    const acc = new TypeperfAccumulator(DEFAULT_COUNTERS, 10);
    feed(acc, TYPEPERF_OUTPUT);
    expect(
      valueOf(acc.points(), "node_network_receive_errs_total", {
        device: "Intel[R] 82574L Gigabit Network Connection",
      }),
    ).toBe(4);
    expect(valueOf(acc.points(), "node_procs_total")).toBe(139);
  });

  it("leaves out _Total instances and discovery-only counters", () => {
    const acc = new TypeperfAccumulator(DEFAULT_COUNTERS, 10);
    feed(acc, TYPEPERF_OUTPUT);
    expect(labelValues(acc.points(), "node_disk_read_bytes_total", "device")).toEqual([
      "0 C:",
      "1 D:",
    ]);
    expect(acc.points()).toHaveLength(10);
    expect(acc.instancesOf("LogicalDisk")).toEqual(["C:", "D:", "HarddiskVolume1"]);
  });

  it("keeps totals across a typeperf restart but forgets instances that disappeared", () => {
    const acc = new TypeperfAccumulator(DEFAULT_COUNTERS, 10);
    feed(acc, TYPEPERF_OUTPUT);
    feed(
      acc,
      String.raw`"(PDH-CSV 4.0)","\\WIN-SRV01\PhysicalDisk(0 C:)\Disk Read Bytes/sec"
"05/14/2024 10:17:00.000","100.000000"`,
    );
    expect(acc.points()).toEqual([
      { name: "node_disk_read_bytes_total", labels: { device: "0 C:" }, value: 31725 },
    ]);
  });

  it("matches localised counter paths given in the config", () => {
    const acc = new TypeperfAccumulator(
      [
        {
          path: "\\PhysicalDisk(*)\\ディスク読み取りバイト/秒",
          kind: "rate",
          metric: "node_disk_read_bytes_total",
        },
      ],
      10,
    );
    feed(
      acc,
      String.raw`"(PDH-CSV 4.0)","\\JP-SRV\PhysicalDisk(0 C:)\ディスク読み取りバイト/秒"
"2024/05/14 10:15:21.613","12.500000"`,
    );
    expect(valueOf(acc.points(), "node_disk_read_bytes_total", { device: "0 C:" })).toBe(125);
  });
});
