import { EventEmitter } from "node:events";
import { PassThrough } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { DEFAULT_COUNTERS, TypeperfAccumulator } from "../src/typeperf.js";
import { createWindowsCollector, startTypeperf } from "../src/windows-collector.js";
import { labelValues, valueOf } from "./helpers.js";
import { TYPEPERF_OUTPUT } from "./fixtures/typeperf-output.js";

const cpu = (user: number, sys: number, idle: number, irq: number) => ({
  model: "Intel Xeon",
  speed: 2400,
  times: { user, nice: 0, sys, idle, irq },
});

function fakeOs() {
  let cpus = [cpu(100_000, 50_000, 800_000, 2_000), cpu(120_000, 40_000, 790_000, 1_000)];
  return {
    setCpus: (next: typeof cpus) => (cpus = next),
    cpus: () => cpus,
    totalmem: () => 17_179_869_184,
    freemem: () => 8_589_934_592,
    uptime: () => 3600.5,
    networkInterfaces: () => ({
      Ethernet: [
        {
          address: "10.0.0.5",
          netmask: "255.255.255.0",
          family: "IPv4",
          mac: "00:15:5d:01:02:03",
          internal: false,
          cidr: "10.0.0.5/24",
        },
      ],
      "Loopback Pseudo-Interface 1": [
        {
          address: "127.0.0.1",
          netmask: "255.0.0.0",
          family: "IPv4",
          mac: "00:00:00:00:00:00",
          internal: true,
          cidr: "127.0.0.1/8",
        },
      ],
    }),
  };
}

const statfs = async (path: string) => {
  if (path === "C:\\")
    return { bsize: 4096, blocks: 1000, bfree: 600, bavail: 600, files: 0, ffree: 0 };
  if (path === "D:\\")
    return { bsize: 4096, blocks: 2000, bfree: 100, bavail: 100, files: 0, ffree: 0 };
  throw new Error("not ready");
};

describe(createWindowsCollector.name, () => {
  it("maps os.cpus() milliseconds to cpu seconds by mode", async () => {
    const os = fakeOs();
    const points = await createWindowsCollector({
      os: os as never,
      statfs,
      typeperf: null,
      now: () => 1_700_000_000_000,
    }).collect();
    expect(points.filter((p) => p.name === "node_cpu_seconds_total")).toHaveLength(10);
    expect(valueOf(points, "node_cpu_seconds_total", { cpu: "0", mode: "user" })).toBe(100);
    expect(valueOf(points, "node_cpu_seconds_total", { cpu: "0", mode: "system" })).toBe(50);
    expect(valueOf(points, "node_cpu_seconds_total", { cpu: "1", mode: "idle" })).toBe(790);
    expect(valueOf(points, "node_cpu_seconds_total", { cpu: "1", mode: "irq" })).toBe(1);
  });

  it("reports memory, uptime, boot time and the interface list", async () => {
    const points = await createWindowsCollector({
      os: fakeOs() as never,
      statfs,
      typeperf: null,
      now: () => 1_700_000_000_000,
    }).collect();
    expect(valueOf(points, "node_memory_MemTotal_bytes")).toBe(17_179_869_184);
    expect(valueOf(points, "node_memory_MemAvailable_bytes")).toBe(8_589_934_592);
    expect(valueOf(points, "node_uptime_seconds")).toBe(3600.5);
    expect(valueOf(points, "node_boot_time_seconds")).toBe(1_699_996_400);
    expect(
      valueOf(points, "node_network_info", { device: "Ethernet", address: "00:15:5d:01:02:03" }),
    ).toBe(1);
    expect(labelValues(points, "node_network_info", "device")).toEqual(["Ethernet"]);
  });

  it("exports per-CPU idle seconds (the server's CPU rule rates them), no busy ratio", async () => {
    const os = fakeOs();
    const collector = createWindowsCollector({ os: os as never, statfs, typeperf: null });
    await collector.collect();
    os.setCpus([cpu(102_000, 50_500, 807_500, 2_000), cpu(121_000, 40_500, 798_500, 1_000)]);
    const points = await collector.collect();
    expect(valueOf(points, "node_cpu_seconds_total", { cpu: "1", mode: "idle" })).toBe(798.5);
    expect(points.some((p) => p.name === "node_cpu_busy_ratio")).toBe(false);
  });

  it("adds typeperf disk/network counters and statfs for the drive letters typeperf found", async () => {
    const acc = new TypeperfAccumulator(DEFAULT_COUNTERS, 10);
    for (const line of TYPEPERF_OUTPUT.split("\n")) acc.line(line);
    const points = await createWindowsCollector({
      os: fakeOs() as never,
      statfs,
      typeperf: acc,
      systemDrive: "C:",
    }).collect();
    expect(valueOf(points, "node_disk_read_bytes_total", { device: "0 C:" })).toBe(30725);
    expect(valueOf(points, "node_procs_total")).toBe(139);
    expect(labelValues(points, "node_filesystem_size_bytes", "mountpoint")).toEqual([
      "C:\\",
      "D:\\",
    ]);
    const d = { device: "D:", fstype: "unknown", mountpoint: "D:\\" };
    expect(valueOf(points, "node_filesystem_size_bytes", d)).toBe(8_192_000);
    expect(valueOf(points, "node_filesystem_avail_bytes", d)).toBe(409_600);
  });

  it("reports the system drive even without typeperf", async () => {
    const points = await createWindowsCollector({
      os: fakeOs() as never,
      statfs,
      typeperf: null,
      systemDrive: "c:",
    }).collect();
    expect(labelValues(points, "node_filesystem_free_bytes", "device")).toEqual(["C:"]);
  });
});

function fakeChild() {
  const child = Object.assign(new EventEmitter(), { stdout: new PassThrough(), kill: vi.fn() });
  return child;
}

describe(startTypeperf.name, () => {
  it("spawns one long-lived typeperf and feeds its output lines to the accumulator", async () => {
    const child = fakeChild();
    const spawn = vi.fn(() => child);
    const acc = new TypeperfAccumulator(DEFAULT_COUNTERS, 10);
    const runner = startTypeperf({
      accumulator: acc,
      counters: DEFAULT_COUNTERS,
      intervalS: 10,
      spawn: spawn as never,
    });
    expect(spawn).toHaveBeenCalledTimes(1);
    const [cmd, args] = spawn.mock.calls[0] as unknown as [string, string[]];
    expect(cmd).toBe("typeperf");
    expect(args.slice(0, 3)).toEqual(["-si", "10", "\\PhysicalDisk(*)\\Disk Read Bytes/sec"]);
    expect(args).toHaveLength(2 + DEFAULT_COUNTERS.length);
    child.stdout.end(TYPEPERF_OUTPUT);
    await new Promise((r) => setTimeout(r, 10));
    expect(valueOf(acc.points(), "node_procs_total")).toBe(139);
    runner.stop();
    expect(child.kill).toHaveBeenCalled();
  });

  it("tolerates a missing typeperf and tries again later", async () => {
    const children = [fakeChild(), fakeChild()];
    const spawn = vi.fn(() => children[spawn.mock.calls.length - 1]);
    const log = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const acc = new TypeperfAccumulator(DEFAULT_COUNTERS, 10);
    const runner = startTypeperf({
      accumulator: acc,
      counters: DEFAULT_COUNTERS,
      intervalS: 10,
      spawn: spawn as never,
      log,
      restartDelayMs: 5,
    });
    children[0]!.emit(
      "error",
      Object.assign(new Error("spawn typeperf ENOENT"), { code: "ENOENT" }),
    );
    children[0]!.emit("close", -2);
    await new Promise((r) => setTimeout(r, 30));
    expect(spawn).toHaveBeenCalledTimes(2);
    expect(log.warn).toHaveBeenCalledTimes(1);
    runner.stop();
  });
});
