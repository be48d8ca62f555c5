// @ts-check
// Pure parsers for Linux /proc files: text in, plain numbers out. No I/O here so that
// every format quirk is tested on fixture text.

/** Clock ticks per second of /proc/stat; the kernel ABI fixes USER_HZ at 100 on every arch we ship to. */
export const USER_HZ = 100;

/** node_exporter's modes, in /proc/stat column order. guest/guest_nice are already inside user/nice. */
export const CPU_MODES = /** @type {const} */ ([
  "user",
  "nice",
  "system",
  "idle",
  "iowait",
  "irq",
  "softirq",
  "steal",
]);

/** @typedef {typeof CPU_MODES[number]} CpuMode */
/** @typedef {{ cpu: string } & Record<CpuMode, number>} CpuTimes seconds per mode */
/**
 * @typedef {{ total: CpuTimes | null, cpus: CpuTimes[], bootTime?: number, contextSwitches?: number,
 *   forks?: number, procsRunning?: number, procsBlocked?: number }} ProcStat
 */

/** @param {string} text @returns {ProcStat} */
export function parseStat(text) {
  /** @type {ProcStat} */
  const out = { total: null, cpus: [] };
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    const key = f[0] ?? "";
    if (key.startsWith("cpu")) {
      const times = /** @type {CpuTimes} */ ({ cpu: key === "cpu" ? "total" : key.slice(3) });
      // Older kernels have fewer columns; a missing mode is 0, not a parse failure.
      CPU_MODES.forEach((mode, i) => (times[mode] = Number(f[i + 1] ?? 0) / USER_HZ));
      if (key === "cpu") out.total = times;
      else out.cpus.push(times);
    } else if (key === "btime") out.bootTime = Number(f[1]);
    else if (key === "ctxt") out.contextSwitches = Number(f[1]);
    else if (key === "processes") out.forks = Number(f[1]);
    else if (key === "procs_running") out.procsRunning = Number(f[1]);
    else if (key === "procs_blocked") out.procsBlocked = Number(f[1]);
  }
  return out;
}

/** @param {string} text */
export function parseLoadavg(text) {
  const [l1, l5, l15, entities] = text.trim().split(/\s+/);
  const [running, total] = (entities ?? "").split("/");
  return {
    load1: Number(l1),
    load5: Number(l5),
    load15: Number(l15),
    runnable: Number(running),
    schedulingEntities: Number(total),
  };
}

/** @param {string} text */
export function parseUptime(text) {
  const [up, idle] = text.trim().split(/\s+/);
  return { uptimeS: Number(up), idleS: Number(idle) };
}

/**
 * Values in bytes (the kernel's "kB" is KiB); unit-less fields (HugePages_*) stay counts.
 * @param {string} text @returns {Map<string, number>}
 */
export function parseMeminfo(text) {
  const out = new Map();
  for (const line of text.split("\n")) {
    const m = /^([^:]+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (!m) continue;
    const value = Number(m[2]);
    out.set(m[1], line.trimEnd().endsWith("kB") ? value * 1024 : value);
  }
  return out;
}

/** /proc/mounts escapes space, tab, newline and backslash as 3-digit octal. @param {string} s */
function unescapeOctal(s) {
  return s.replace(/\\([0-7]{3})/g, (_, oct) => String.fromCharCode(parseInt(oct, 8)));
}

/**
 * @typedef {{ device: string, mountpoint: string, fstype: string, options: string[] }} Mount
 * @param {string} text @returns {Mount[]}
 */
export function parseMounts(text) {
  /** @type {Mount[]} */
  const out = [];
  for (const line of text.split("\n")) {
    const f = line.split(" ");
    if (f.length < 4) continue;
    out.push({
      device: unescapeOctal(f[0] ?? ""),
      mountpoint: unescapeOctal(f[1] ?? ""),
      fstype: f[2] ?? "",
      options: (f[3] ?? "").split(","),
    });
  }
  return out;
}

/** Fields after major, minor, name; see Documentation/admin-guide/iostats.rst. */
const DISKSTAT_FIELDS = /** @type {const} */ ([
  "readsCompleted",
  "readsMerged",
  "sectorsRead",
  "readTimeMs",
  "writesCompleted",
  "writesMerged",
  "sectorsWritten",
  "writeTimeMs",
  "ioNow",
  "ioTimeMs",
  "weightedIoTimeMs",
]);

/** @typedef {{ device: string } & Record<typeof DISKSTAT_FIELDS[number], number>} DiskStat */

/** @param {string} text @returns {DiskStat[]} */
export function parseDiskstats(text) {
  /** @type {DiskStat[]} */
  const out = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 14) continue;
    const d = /** @type {DiskStat} */ ({ device: f[2] });
    DISKSTAT_FIELDS.forEach((name, i) => (d[name] = Number(f[i + 3])));
    out.push(d);
  }
  return out;
}

/**
 * @typedef {{ device: string, rxBytes: number, rxPackets: number, rxErrs: number, rxDrop: number,
 *   txBytes: number, txPackets: number, txErrs: number, txDrop: number }} NetDev
 * @param {string} text @returns {NetDev[]}
 */
export function parseNetDev(text) {
  /** @type {NetDev[]} */
  const out = [];
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    // The two header lines contain "|" and no colon-separated interface name.
    if (colon < 0 || line.includes("|")) continue;
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (f.length < 16) continue;
    out.push({
      device: line.slice(0, colon).trim(),
      rxBytes: f[0] ?? 0,
      rxPackets: f[1] ?? 0,
      rxErrs: f[2] ?? 0,
      rxDrop: f[3] ?? 0,
      txBytes: f[8] ?? 0,
      txPackets: f[9] ?? 0,
      txErrs: f[10] ?? 0,
      txDrop: f[11] ?? 0,
    });
  }
  return out;
}
