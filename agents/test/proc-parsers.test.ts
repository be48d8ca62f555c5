import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  parseDiskstats,
  parseLoadavg,
  parseMeminfo,
  parseMounts,
  parseNetDev,
  parseStat,
  parseUptime,
} from "../src/proc-parsers.js";
import { FIXTURE_PROC } from "./helpers.js";

const fixture = (name: string) => readFileSync(join(FIXTURE_PROC, name), "utf8");

describe(parseStat.name, () => {
  it("converts every cpu line from USER_HZ ticks to seconds per mode", () => {
    const st = parseStat(fixture("stat"));
    expect(st.total).toEqual({
      cpu: "total",
      user: 7842,
      nice: 15,
      system: 4436,
      idle: 50007,
      iowait: 66,
      irq: 0,
      softirq: 108,
      steal: 8.7,
    });
    expect(st.cpus.map((c) => c.cpu)).toEqual(["0", "1"]);
    expect(st.cpus[1]).toEqual({
      cpu: "1",
      user: 4731,
      nice: 8,
      system: 2673,
      idle: 23423,
      iowait: 61.9,
      irq: 0,
      softirq: 88,
      steal: 4.4,
    });
  });

  it("reads boot time, context switches, forks and process states", () => {
    expect(parseStat(fixture("stat"))).toMatchObject({
      bootTime: 1795620623,
      contextSwitches: 1105567,
      forks: 7314,
      procsRunning: 3,
      procsBlocked: 1,
    });
  });

  it("treats columns missing on old kernels as zero", () => {
    expect(parseStat("cpu  100 0 50 1000\n").total).toMatchObject({ user: 1, idle: 10, steal: 0 });
  });
});

describe(parseLoadavg.name, () => {
  it("reads the three averages and runnable/total entities", () => {
    expect(parseLoadavg(fixture("loadavg"))).toEqual({
      load1: 0.13,
      load5: 0.23,
      load15: 0.11,
      runnable: 3,
      schedulingEntities: 146,
    });
  });
});

describe(parseUptime.name, () => {
  it("reads uptime and idle seconds", () => {
    expect(parseUptime(fixture("uptime"))).toEqual({ uptimeS: 319.38, idleS: 500.08 });
  });
});

describe(parseMeminfo.name, () => {
  it("turns kB into bytes and keeps unit-less fields as counts", () => {
    const m = parseMeminfo(fixture("meminfo"));
    expect(m.get("MemTotal")).toBe(24684096 * 1024);
    expect(m.get("SwapFree")).toBe(2090000 * 1024);
    expect(m.get("Active(anon)")).toBe(23248 * 1024);
    expect(m.get("HugePages_Total")).toBe(0);
    expect(m.get("VmallocTotal")).toBe(34359738367 * 1024);
    expect(m.size).toBe(38);
  });
});

describe(parseMounts.name, () => {
  it("splits fields and decodes octal escapes in paths", () => {
    const mounts = parseMounts(fixture("mounts"));
    expect(mounts).toHaveLength(19);
    expect(mounts[6]).toEqual({
      device: "/dev/vda1",
      mountpoint: "/boot",
      fstype: "ext4",
      options: ["ro", "relatime"],
    });
    expect(mounts.find((m) => m.device === "/dev/nvme0n1p2")?.mountpoint).toBe("/mnt/backup disk");
  });
});

describe(parseDiskstats.name, () => {
  it("reads every device with the iostats fields", () => {
    const disks = parseDiskstats(fixture("diskstats"));
    expect(disks.map((d) => d.device)).toEqual([
      "loop0",
      "loop1",
      "vda",
      "vda1",
      "vda2",
      "nvme0n1",
      "nvme0n1p1",
      "dm-0",
      "zram0",
    ]);
    expect(disks[2]).toEqual({
      device: "vda",
      readsCompleted: 36462,
      readsMerged: 6252,
      sectorsRead: 1540970,
      readTimeMs: 11315,
      writesCompleted: 25172,
      writesMerged: 25754,
      sectorsWritten: 2154064,
      writeTimeMs: 11670,
      ioNow: 2,
      ioTimeMs: 9992,
      weightedIoTimeMs: 24167,
    });
  });
});

describe(parseNetDev.name, () => {
  it("skips the headers and reads receive/transmit columns, even when a name touches its first number", () => {
    const devs = parseNetDev(fixture("net/dev"));
    expect(devs.map((d) => d.device)).toEqual(["lo", "eth0", "docker0", "vethab12cd", "ens5"]);
    expect(devs[1]).toEqual({
      device: "eth0",
      rxBytes: 284248156,
      rxPackets: 8307,
      rxErrs: 2,
      rxDrop: 5,
      txBytes: 710671,
      txPackets: 5169,
      txErrs: 1,
      txDrop: 3,
    });
    expect(devs[4]).toEqual({
      device: "ens5",
      rxBytes: 9876543210,
      rxPackets: 6543210,
      rxErrs: 7,
      rxDrop: 8,
      txBytes: 1234567890,
      txPackets: 3456789,
      txErrs: 9,
      txDrop: 10,
    });
  });
});
