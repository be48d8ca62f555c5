// @ts-check
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { silentLogger } from "./log.js";
import { PointSet } from "./points.js";
import {
  CPU_MODES,
  parseDiskstats,
  parseLoadavg,
  parseMeminfo,
  parseMounts,
  parseNetDev,
  parseStat,
  parseUptime,
} from "./proc-parsers.js";

/** @typedef {import("./points.js").Collector} Collector */
/** @typedef {import("./proc-parsers.js").CpuTimes} CpuTimes */
/** @typedef {{ bsize: number, blocks: number, bfree: number, bavail: number, files: number, ffree: number }} StatFs */

/** Pseudo and read-only image filesystems: node_exporter's default exclusions plus tmpfs/ramfs. */
export const PSEUDO_FS_TYPES = new Set(
  (
    "autofs binfmt_misc bpf cgroup cgroup2 configfs debugfs devpts devtmpfs efivarfs erofs " +
    "fusectl fuse.lxcfs fuse.gvfsd-fuse hugetlbfs iso9660 mqueue nfsd nsfs proc procfs pstore " +
    "ramfs rootfs rpc_pipefs securityfs selinuxfs squashfs sysfs tmpfs tracefs"
  ).split(" "),
);
const EXCLUDED_MOUNTPOINTS =
  /^\/(dev|proc|sys|run\/credentials\/.+|var\/lib\/docker\/.+|var\/lib\/containers\/storage\/.+)($|\/)/;
/** node_exporter's default: whole disks only, no partitions, ram, zram, loop or floppy devices. */
export const DEFAULT_DISK_EXCLUDE = "^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$";
/** Loopback and container plumbing: each interface costs 8 series of the component's cap. */
export const DEFAULT_NET_EXCLUDE =
  "^(lo|veth.+|docker\\d+|br-.+|cali.+|flannel\\..+|cni\\d+|virbr\\d+.*|ifb\\d+)$";

/** Fields kept from /proc/meminfo: enough for usage rules without spending ~55 series. */
export const MEMINFO_FIELDS = (
  "MemTotal MemFree MemAvailable Buffers Cached SwapCached SwapTotal SwapFree " +
  "Active Inactive Dirty Shmem Slab SReclaimable"
).split(" ");

/**
 * @param {{
 *   procRoot?: string, statfs?: (path: string) => Promise<StatFs>, perCpu?: boolean,
 *   includeOverlayFs?: boolean, diskDeviceExclude?: string, netDeviceExclude?: string,
 *   statfsTimeoutMs?: number, log?: import("./log.js").Logger,
 * }} [opts]
 * @returns {Collector}
 */
export function createLinuxCollector(opts = {}) {
  const procRoot = opts.procRoot ?? "/proc";
  const statfs = opts.statfs ?? ((p) => fsp.statfs(p));
  const diskExclude = new RegExp(opts.diskDeviceExclude ?? DEFAULT_DISK_EXCLUDE);
  const netExclude = new RegExp(opts.netDeviceExclude ?? DEFAULT_NET_EXCLUDE);
  const log = opts.log ?? silentLogger;
  /** @param {string} name */
  const read = (name) => fsp.readFile(join(procRoot, name), "utf8");
  // A statfs on a dead NFS server never returns; such mounts are skipped until it does.
  /** @type {Set<string>} */
  const stuck = new Set();
  /** @type {Set<string>} */
  const failing = new Set();

  /** @type {Record<string, (set: PointSet) => Promise<void>>} */
  const sections = {
    async stat(set) {
      const st = parseStat(await read("stat"));
      // cpu="total" is the mean over CPUs, so the server's 1 − avg(rate(idle)) stays a share.
      const n = Math.max(1, st.cpus.length);
      const total = opts.perCpu === false && st.total !== null;
      for (const cpu of total && st.total ? [st.total] : st.cpus) {
        for (const mode of CPU_MODES)
          set.add(
            "node_cpu_seconds_total",
            { cpu: cpu.cpu, mode },
            total ? cpu[mode] / n : cpu[mode],
          );
      }
      if (st.bootTime !== undefined) set.add("node_boot_time_seconds", {}, st.bootTime);
      if (st.contextSwitches !== undefined)
        set.add("node_context_switches_total", {}, st.contextSwitches);
      if (st.forks !== undefined) set.add("node_forks_total", {}, st.forks);
      if (st.procsRunning !== undefined) set.add("node_procs_running", {}, st.procsRunning);
      if (st.procsBlocked !== undefined) set.add("node_procs_blocked", {}, st.procsBlocked);
    },
    async loadavg(set) {
      const l = parseLoadavg(await read("loadavg"));
      set.add("node_load1", {}, l.load1);
      set.add("node_load5", {}, l.load5);
      set.add("node_load15", {}, l.load15);
    },
    async uptime(set) {
      set.add("node_uptime_seconds", {}, parseUptime(await read("uptime")).uptimeS);
    },
    async meminfo(set) {
      const mem = parseMeminfo(await read("meminfo"));
      for (const field of MEMINFO_FIELDS) {
        const v = mem.get(field);
        if (v !== undefined) set.add(`node_memory_${field}_bytes`, {}, v);
      }
    },
    async procs(set) {
      const entries = await fsp.readdir(procRoot);
      set.add("node_procs_total", {}, entries.filter((e) => /^\d+$/.test(e)).length);
    },
    async filesystems(set) {
      const mounts = selectMounts(await read("mounts"), opts.includeOverlayFs === true);
      const stats = await Promise.all(mounts.map((m) => statWithTimeout(m.mountpoint)));
      mounts.forEach((m, i) => {
        const s = stats[i];
        if (!s) return;
        const labels = { device: m.device, fstype: m.fstype, mountpoint: m.mountpoint };
        set.add("node_filesystem_size_bytes", labels, s.blocks * s.bsize);
        set.add("node_filesystem_free_bytes", labels, s.bfree * s.bsize);
        set.add("node_filesystem_avail_bytes", labels, s.bavail * s.bsize);
        set.add("node_filesystem_files", labels, s.files);
        set.add("node_filesystem_files_free", labels, s.ffree);
        set.add("node_filesystem_readonly", labels, m.options.includes("ro") ? 1 : 0);
      });
    },
    async diskstats(set) {
      for (const d of parseDiskstats(await read("diskstats"))) {
        if (diskExclude.test(d.device)) continue;
        const l = { device: d.device };
        set.add("node_disk_reads_completed_total", l, d.readsCompleted);
        set.add("node_disk_writes_completed_total", l, d.writesCompleted);
        // diskstats counts 512-byte sectors whatever the device's real sector size.
        set.add("node_disk_read_bytes_total", l, d.sectorsRead * 512);
        set.add("node_disk_written_bytes_total", l, d.sectorsWritten * 512);
        set.add("node_disk_read_time_seconds_total", l, d.readTimeMs / 1000);
        set.add("node_disk_write_time_seconds_total", l, d.writeTimeMs / 1000);
        set.add("node_disk_io_time_seconds_total", l, d.ioTimeMs / 1000);
        set.add("node_disk_io_now", l, d.ioNow);
      }
    },
    async netdev(set) {
      for (const n of parseNetDev(await read("net/dev"))) {
        if (netExclude.test(n.device)) continue;
        const l = { device: n.device };
        set.add("node_network_receive_bytes_total", l, n.rxBytes);
        set.add("node_network_receive_packets_total", l, n.rxPackets);
        set.add("node_network_receive_errs_total", l, n.rxErrs);
        set.add("node_network_receive_drop_total", l, n.rxDrop);
        set.add("node_network_transmit_bytes_total", l, n.txBytes);
        set.add("node_network_transmit_packets_total", l, n.txPackets);
        set.add("node_network_transmit_errs_total", l, n.txErrs);
        set.add("node_network_transmit_drop_total", l, n.txDrop);
      }
    },
  };

  /** @param {string} mountpoint @returns {Promise<StatFs | null>} */
  async function statWithTimeout(mountpoint) {
    if (stuck.has(mountpoint)) return null;
    stuck.add(mountpoint);
    const call = statfs(mountpoint).then(
      (s) => (stuck.delete(mountpoint), s),
      () => (stuck.delete(mountpoint), null),
    );
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve(null), opts.statfsTimeoutMs ?? 5000);
      timer.unref();
    });
    return /** @type {Promise<StatFs | null>} */ (Promise.race([call, timeout])).finally(() =>
      clearTimeout(timer),
    );
  }

  return {
    os: "linux",
    async collect() {
      const names = Object.keys(sections);
      // Sections run concurrently but keep a fixed output order; one failing file only loses its section.
      const sets = await Promise.all(
        names.map(async (name) => {
          const set = new PointSet();
          try {
            await sections[name]?.(set);
            if (failing.delete(name)) log.info("collector recovered", { section: name });
          } catch (err) {
            if (!failing.has(name))
              log.warn("collector failed", { section: name, error: String(err) });
            failing.add(name);
          }
          return set.points;
        }),
      );
      return sets.flat();
    },
  };
}

/**
 * Real, non-pseudo filesystems; a mountpoint mounted twice reports the later (visible) mount.
 * @param {string} mountsText @param {boolean} includeOverlay
 */
export function selectMounts(mountsText, includeOverlay) {
  /** @type {Map<string, import("./proc-parsers.js").Mount>} */
  const byMountpoint = new Map();
  for (const m of parseMounts(mountsText)) {
    byMountpoint.delete(m.mountpoint);
    byMountpoint.set(m.mountpoint, m);
  }
  // Filter after de-duplication: a tmpfs mounted over a disk hides the disk.
  return [...byMountpoint.values()].filter(
    (m) =>
      !PSEUDO_FS_TYPES.has(m.fstype) &&
      (m.fstype !== "overlay" || includeOverlay) &&
      !EXCLUDED_MOUNTPOINTS.test(m.mountpoint),
  );
}
