// @ts-check
import { spawn as nodeSpawn } from "node:child_process";
import { promises as fsp } from "node:fs";
import nodeOs from "node:os";
import { createInterface } from "node:readline";
import { silentLogger } from "./log.js";
import { PointSet } from "./points.js";

/** @typedef {import("./typeperf.js").TypeperfAccumulator} TypeperfAccumulator */
/** @typedef {import("./typeperf.js").CounterSpec} CounterSpec */
/** @typedef {Pick<typeof nodeOs, "cpus" | "totalmem" | "freemem" | "uptime" | "networkInterfaces">} OsApi */
/** @typedef {import("./linux-collector.js").StatFs} StatFs */

/** os.cpus() reports milliseconds per mode; Windows has no nice, iowait, softirq or steal. */
const MODES = /** @type {const} */ ([
  ["user", "user"],
  ["nice", "nice"],
  ["sys", "system"],
  ["idle", "idle"],
  ["irq", "irq"],
]);

/**
 * @param {{ os?: OsApi, statfs?: (path: string) => Promise<StatFs>, typeperf?: TypeperfAccumulator | null,
 *   perCpu?: boolean, now?: () => number, systemDrive?: string }} [opts]
 * @returns {import("./points.js").Collector}
 */
export function createWindowsCollector(opts = {}) {
  const os = opts.os ?? nodeOs;
  const statfs = opts.statfs ?? ((p) => fsp.statfs(p));
  const now = opts.now ?? Date.now;
  const systemDrive = opts.systemDrive ?? process.env["SystemDrive"] ?? "C:";

  return {
    os: "windows",
    async collect() {
      const set = new PointSet();
      const cpus = os.cpus();
      /** @type {Record<string, number>} */
      const sum = {};
      cpus.forEach((c, i) => {
        for (const [key, mode] of MODES) {
          const s = c.times[key] / 1000;
          sum[mode] = (sum[mode] ?? 0) + s;
          if (opts.perCpu !== false) set.add("node_cpu_seconds_total", { cpu: String(i), mode }, s);
        }
      });
      if (opts.perCpu === false) {
        for (const [, mode] of MODES)
          set.add("node_cpu_seconds_total", { cpu: "total", mode }, (sum[mode] ?? 0) / cpus.length);
      }

      // Windows' "free" physical memory is what Linux calls available (standby pages count as free).
      set.add("node_memory_MemTotal_bytes", {}, os.totalmem());
      set.add("node_memory_MemFree_bytes", {}, os.freemem());
      set.add("node_memory_MemAvailable_bytes", {}, os.freemem());
      const uptime = os.uptime();
      set.add("node_uptime_seconds", {}, uptime);
      set.add("node_boot_time_seconds", {}, Math.round(now() / 1000 - uptime));

      for (const [device, addrs] of Object.entries(os.networkInterfaces())) {
        const external = (addrs ?? []).find((a) => !a.internal);
        if (external) set.add("node_network_info", { device, address: external.mac }, 1);
      }
      if (opts.typeperf) for (const p of opts.typeperf.points()) set.add(p.name, p.labels, p.value);
      await addFilesystems(set);
      return set.points;
    },
  };

  /** Drive letters come from typeperf's LogicalDisk instances; the system drive always counts. @param {PointSet} set */
  async function addFilesystems(set) {
    const letters = new Set([systemDrive.toUpperCase()]);
    for (const inst of opts.typeperf?.instancesOf("LogicalDisk") ?? []) {
      if (/^[A-Za-z]:$/.test(inst)) letters.add(inst.toUpperCase());
    }
    for (const drive of [...letters].sort()) {
      const s = await statfs(`${drive}\\`).catch(() => null);
      if (!s) continue;
      // Node cannot read the volume's filesystem name on Windows, hence "unknown".
      const labels = { device: drive, fstype: "unknown", mountpoint: `${drive}\\` };
      set.add("node_filesystem_size_bytes", labels, s.blocks * s.bsize);
      set.add("node_filesystem_free_bytes", labels, s.bfree * s.bsize);
      set.add("node_filesystem_avail_bytes", labels, s.bavail * s.bsize);
      set.add("node_filesystem_files", labels, s.files);
      set.add("node_filesystem_files_free", labels, s.ffree);
    }
  }
}

/**
 * Runs one long-lived `typeperf -si <interval>`: one process for the agent's lifetime costs far
 * less CPU than spawning typeperf or PowerShell every interval, and its rates then cover the
 * whole interval. If it dies or is missing, the agent keeps reporting everything else and
 * retries later.
 * @param {{ accumulator: TypeperfAccumulator, counters: CounterSpec[], intervalS: number,
 *   spawn?: typeof nodeSpawn, log?: import("./log.js").Logger, restartDelayMs?: number }} opts
 */
export function startTypeperf(opts) {
  const spawn = opts.spawn ?? nodeSpawn;
  const log = opts.log ?? silentLogger;
  let stopped = false;
  /** @type {import("node:child_process").ChildProcess | null} */
  let child = null;
  /** @type {NodeJS.Timeout | undefined} */
  let timer;

  function launch() {
    const args = [
      "-si",
      String(Math.max(1, Math.round(opts.intervalS))),
      ...opts.counters.map((c) => c.path),
    ];
    const proc = spawn("typeperf", args, {
      stdio: ["ignore", "pipe", "ignore"],
      windowsHide: true,
    });
    child = proc;
    let ended = false;
    /** @param {unknown} why */
    const onEnd = (why) => {
      if (ended || stopped) return;
      ended = true;
      log.warn("typeperf stopped; disk and network counters paused", { reason: String(why) });
      timer = setTimeout(launch, opts.restartDelayMs ?? 60_000);
      timer.unref();
    };
    proc.on("error", onEnd);
    proc.on("close", (code) => onEnd(`exit code ${code}`));
    if (proc.stdout)
      createInterface({ input: proc.stdout }).on("line", (l) => opts.accumulator.line(l));
  }

  launch();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      child?.kill();
    },
  };
}
