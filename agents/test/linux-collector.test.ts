import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLinuxCollector, selectMounts } from "../src/linux-collector.js";
import { FIXTURE_PROC, labelValues, valueOf } from "./helpers.js";

const stats = (blocks: number, bfree: number, bavail: number) => ({
  bsize: 4096,
  blocks,
  bfree,
  bavail,
  files: 1000,
  ffree: 900,
});
const fakeStatfs = vi.fn(async (path: string) => {
  const table: Record<string, ReturnType<typeof stats>> = {
    "/": stats(1000, 400, 300),
    "/boot": stats(100, 50, 40),
    "/data": stats(5000, 2500, 2500),
    "/mnt/backup disk": stats(10, 5, 5),
    "/mnt/overlay": stats(20, 10, 10),
  };
  const s = table[path];
  if (!s) throw new Error(`ENOENT ${path}`);
  return s;
});

describe(createLinuxCollector.name, () => {
  afterEach(() => fakeStatfs.mockClear());

  it("reports per-cpu seconds by mode, node_exporter style", async () => {
    const points = await createLinuxCollector({
      procRoot: FIXTURE_PROC,
      statfs: fakeStatfs,
    }).collect();
    expect(points.filter((p) => p.name === "node_cpu_seconds_total")).toHaveLength(16);
    expect(valueOf(points, "node_cpu_seconds_total", { cpu: "0", mode: "user" })).toBe(3111);
    expect(valueOf(points, "node_cpu_seconds_total", { cpu: "1", mode: "iowait" })).toBe(61.9);
    expect(valueOf(points, "node_cpu_seconds_total", { cpu: "1", mode: "steal" })).toBe(4.4);
  });

  it("reports one aggregate cpu when perCpu is off: the mean over CPUs", async () => {
    const points = await createLinuxCollector({
      procRoot: FIXTURE_PROC,
      statfs: fakeStatfs,
      perCpu: false,
    }).collect();
    expect(labelValues(points, "node_cpu_seconds_total", "cpu")).toEqual(["total"]);
    expect(valueOf(points, "node_cpu_seconds_total", { cpu: "total", mode: "idle" })).toBe(
      50007 / 2,
    );
  });

  it("reports load, uptime, boot time, process counts and memory in bytes", async () => {
    const points = await createLinuxCollector({
      procRoot: FIXTURE_PROC,
      statfs: fakeStatfs,
    }).collect();
    expect(valueOf(points, "node_load1")).toBe(0.13);
    expect(valueOf(points, "node_load5")).toBe(0.23);
    expect(valueOf(points, "node_load15")).toBe(0.11);
    expect(valueOf(points, "node_uptime_seconds")).toBe(319.38);
    expect(valueOf(points, "node_boot_time_seconds")).toBe(1795620623);
    expect(valueOf(points, "node_procs_total")).toBe(3); // directories 1, 42, 1337
    expect(valueOf(points, "node_procs_running")).toBe(3);
    expect(valueOf(points, "node_procs_blocked")).toBe(1);
    expect(valueOf(points, "node_context_switches_total")).toBe(1105567);
    expect(valueOf(points, "node_forks_total")).toBe(7314);
    expect(valueOf(points, "node_memory_MemTotal_bytes")).toBe(25276514304);
    expect(valueOf(points, "node_memory_MemAvailable_bytes")).toBe(24124628 * 1024);
    expect(valueOf(points, "node_memory_SwapTotal_bytes")).toBe(2147479552);
    expect(valueOf(points, "node_memory_SwapFree_bytes")).toBe(2140160000);
    expect(points.filter((p) => p.name.startsWith("node_memory_"))).toHaveLength(14);
    expect(points.some((p) => p.name === "node_cpu_busy_ratio")).toBe(false); // computed by rules
  });

  it("reports real filesystems only, with statfs sizes in bytes", async () => {
    const points = await createLinuxCollector({
      procRoot: FIXTURE_PROC,
      statfs: fakeStatfs,
    }).collect();
    expect(labelValues(points, "node_filesystem_size_bytes", "mountpoint")).toEqual([
      "/",
      "/boot",
      "/data",
      "/mnt/backup disk",
    ]);
    const root = { device: "/dev/vda2", fstype: "ext4", mountpoint: "/" };
    expect(valueOf(points, "node_filesystem_size_bytes", root)).toBe(4096000);
    expect(valueOf(points, "node_filesystem_free_bytes", root)).toBe(1638400);
    expect(valueOf(points, "node_filesystem_avail_bytes", root)).toBe(1228800);
    expect(valueOf(points, "node_filesystem_files", root)).toBe(1000);
    expect(valueOf(points, "node_filesystem_files_free", root)).toBe(900);
    expect(valueOf(points, "node_filesystem_readonly", root)).toBe(0);
    expect(
      valueOf(points, "node_filesystem_readonly", {
        device: "/dev/vda1",
        fstype: "ext4",
        mountpoint: "/boot",
      }),
    ).toBe(1);
  });

  it("includes overlay mounts only when asked", async () => {
    const points = await createLinuxCollector({
      procRoot: FIXTURE_PROC,
      statfs: fakeStatfs,
      includeOverlayFs: true,
    }).collect();
    expect(labelValues(points, "node_filesystem_avail_bytes", "mountpoint")).toContain(
      "/mnt/overlay",
    );
    expect(labelValues(points, "node_filesystem_avail_bytes", "mountpoint")).not.toContain(
      "/var/lib/docker/overlay2/3f1c/merged",
    );
  });

  it("skips a mount whose statfs hangs, and does not call it again while it hangs", async () => {
    const hanging = vi.fn((path: string) =>
      path === "/data" ? new Promise<never>(() => {}) : fakeStatfs(path),
    );
    const collector = createLinuxCollector({
      procRoot: FIXTURE_PROC,
      statfs: hanging,
      statfsTimeoutMs: 20,
    });
    for (let i = 0; i < 2; i++) {
      const points = await collector.collect();
      expect(labelValues(points, "node_filesystem_size_bytes", "mountpoint")).toEqual([
        "/",
        "/boot",
        "/mnt/backup disk",
      ]);
    }
    expect(hanging.mock.calls.filter(([p]) => p === "/data")).toHaveLength(1);
  });

  it("reports whole disks only, bytes from 512-byte sectors and times in seconds", async () => {
    const points = await createLinuxCollector({
      procRoot: FIXTURE_PROC,
      statfs: fakeStatfs,
    }).collect();
    expect(labelValues(points, "node_disk_reads_completed_total", "device")).toEqual([
      "vda",
      "nvme0n1",
      "dm-0",
    ]);
    const vda = { device: "vda" };
    expect(valueOf(points, "node_disk_reads_completed_total", vda)).toBe(36462);
    expect(valueOf(points, "node_disk_writes_completed_total", vda)).toBe(25172);
    expect(valueOf(points, "node_disk_read_bytes_total", vda)).toBe(788976640);
    expect(valueOf(points, "node_disk_written_bytes_total", vda)).toBe(1102880768);
    expect(valueOf(points, "node_disk_read_time_seconds_total", vda)).toBe(11.315);
    expect(valueOf(points, "node_disk_write_time_seconds_total", vda)).toBe(11.67);
    expect(valueOf(points, "node_disk_io_time_seconds_total", vda)).toBe(9.992);
    expect(valueOf(points, "node_disk_io_now", vda)).toBe(2);
  });

  it("reports network counters per interface, leaving out loopback and container plumbing", async () => {
    const points = await createLinuxCollector({
      procRoot: FIXTURE_PROC,
      statfs: fakeStatfs,
    }).collect();
    expect(labelValues(points, "node_network_receive_bytes_total", "device")).toEqual([
      "eth0",
      "ens5",
    ]);
    const eth0 = { device: "eth0" };
    expect(valueOf(points, "node_network_receive_bytes_total", eth0)).toBe(284248156);
    expect(valueOf(points, "node_network_receive_packets_total", eth0)).toBe(8307);
    expect(valueOf(points, "node_network_receive_errs_total", eth0)).toBe(2);
    expect(valueOf(points, "node_network_receive_drop_total", eth0)).toBe(5);
    expect(valueOf(points, "node_network_transmit_bytes_total", eth0)).toBe(710671);
    expect(valueOf(points, "node_network_transmit_packets_total", eth0)).toBe(5169);
    expect(valueOf(points, "node_network_transmit_errs_total", eth0)).toBe(1);
    expect(valueOf(points, "node_network_transmit_drop_total", eth0)).toBe(3);
    expect(valueOf(points, "node_network_receive_bytes_total", { device: "ens5" })).toBe(
      9876543210,
    );
  });

  it("honours custom device exclusions", async () => {
    const points = await createLinuxCollector({
      procRoot: FIXTURE_PROC,
      statfs: fakeStatfs,
      netDeviceExclude: "^eth",
      diskDeviceExclude: "^(loop|zram)",
    }).collect();
    expect(labelValues(points, "node_network_receive_bytes_total", "device")).toEqual([
      "lo",
      "docker0",
      "vethab12cd",
      "ens5",
    ]);
    expect(labelValues(points, "node_disk_io_now", "device")).toHaveLength(6);
  });

  describe("with a /proc that changes", () => {
    let dir = "";
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("exports the idle counter as node_exporter does, and no invented busy ratio", async () => {
      dir = mkdtempSync(join(os.tmpdir(), "msp-proc-"));
      cpSync(FIXTURE_PROC, dir, { recursive: true });
      const collector = createLinuxCollector({ procRoot: dir, statfs: fakeStatfs, perCpu: false });
      await collector.collect();
      writeFileSync(
        join(dir, "stat"),
        "cpu  784300 1500 443650 5001000 6650 0 10800 870 0 0\nbtime 1795620623\n",
      );
      const points = await collector.collect();
      expect(valueOf(points, "node_cpu_seconds_total", { cpu: "total", mode: "idle" })).toBe(50010);
      expect(points.some((p) => p.name === "node_cpu_busy_ratio")).toBe(false);
    });

    it("keeps the other sections when one file is unreadable", async () => {
      dir = mkdtempSync(join(os.tmpdir(), "msp-proc-"));
      cpSync(FIXTURE_PROC, dir, { recursive: true });
      rmSync(join(dir, "diskstats"));
      const points = await createLinuxCollector({ procRoot: dir, statfs: fakeStatfs }).collect();
      expect(points.some((p) => p.name.startsWith("node_disk_"))).toBe(false);
      expect(valueOf(points, "node_load1")).toBe(0.13);
    });
  });
});

describe(selectMounts.name, () => {
  it("lets a later mount on the same path hide the earlier one", () => {
    const text = "/dev/vdb /srv ext4 rw 0 0\ntmpfs /srv tmpfs rw 0 0\n/dev/vdc /opt xfs rw 0 0\n";
    expect(selectMounts(text, false).map((m) => m.mountpoint)).toEqual(["/opt"]);
  });
});

describe.runIf(process.platform === "linux")("on this machine", () => {
  it("collects sane shapes from the real /proc", async () => {
    const collector = createLinuxCollector();
    await collector.collect();
    await new Promise((r) => setTimeout(r, 50));
    const points = await collector.collect();
    const cpuLabels = labelValues(points, "node_cpu_seconds_total", "cpu");
    expect(cpuLabels).toHaveLength(os.cpus().length);
    expect(points.filter((p) => p.name === "node_cpu_seconds_total")).toHaveLength(
      os.cpus().length * 8,
    );
    for (const p of points) expect(Number.isFinite(p.value)).toBe(true);
    expect(valueOf(points, "node_memory_MemTotal_bytes")).toBe(os.totalmem());
    expect(valueOf(points, "node_load1")).toBeGreaterThanOrEqual(0);
    expect(valueOf(points, "node_boot_time_seconds")).toBeLessThan(Date.now() / 1000);
    expect(valueOf(points, "node_uptime_seconds")).toBeGreaterThan(0);
    expect(valueOf(points, "node_procs_total")).toBeGreaterThan(1);
    for (const size of points.filter((p) => p.name === "node_filesystem_size_bytes")) {
      expect(size.value).toBeGreaterThanOrEqual(
        valueOf(points, "node_filesystem_avail_bytes", size.labels),
      );
      expect(Object.keys(size.labels).sort()).toEqual(["device", "fstype", "mountpoint"]);
    }
    for (const d of labelValues(points, "node_network_receive_bytes_total", "device")) {
      expect(
        valueOf(points, "node_network_receive_bytes_total", { device: d }),
      ).toBeGreaterThanOrEqual(0);
    }
  });
});
