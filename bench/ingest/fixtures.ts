import {
  WriteRequestEncoder,
  type EncodableSeries,
} from "../../src/ingest/remote-write-encoder.js";
import { snappyCompress } from "../../src/ingest/snappy.js";

// Realistic node_exporter-like load for the ingest benches: 100 series per component with the
// label sets and value behaviour of a 4-CPU Linux VM (CPU seconds with 2 decimals, kB-based
// memory bytes, packet/byte counters, load averages, constant info/size series), so the
// compression and hashing figures reflect what agents really send, not random doubles.

export interface SeriesSpec {
  labels: Record<string, string>; // including __name__
  next: () => number;
}

/** Deterministic PRNG (mulberry32) so runs are comparable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round = (v: number, decimals: number): number =>
  Math.round(v * 10 ** decimals) / 10 ** decimals;

export function nodeExporterSeries(component: number, withInstance = true): SeriesSpec[] {
  const r = rng(component * 7919 + 1);
  const out: SeriesSpec[] = [];
  const base: Record<string, string> = withInstance
    ? { instance: `vm-${String(component).padStart(5, "0")}:9100`, job: "node" }
    : {};
  const add = (name: string, labels: Record<string, string>, next: () => number) =>
    out.push({ labels: { __name__: name, ...labels, ...base }, next });
  const counter = (start: number, step: () => number, decimals: number) => {
    let v = start;
    return () => (v = round(v + Math.max(0, step()), decimals));
  };
  const gauge = (start: number, step: () => number, decimals: number, min = 0) => {
    let v = start;
    return () => (v = Math.max(min, round(v + step(), decimals)));
  };
  const constant = (v: number) => () => v;
  const rare = (p: number, size: number) => () => (r() < p ? size * r() : 0);

  const modes: Record<string, () => number> = {
    idle: () => 9.2 + r() * 0.6,
    iowait: rare(0.3, 0.05),
    irq: constant(0),
    nice: constant(0),
    softirq: rare(0.5, 0.03),
    steal: constant(0),
    system: () => 0.05 + r() * 0.1,
    user: () => 0.1 + r() * 0.4,
  };
  for (let cpu = 0; cpu < 4; cpu++) {
    for (const [mode, step] of Object.entries(modes)) {
      add("node_cpu_seconds_total", { cpu: String(cpu), mode }, counter(1e5 * r(), step, 2));
    }
  }
  const kb = (v: number) => Math.round(v) * 1024;
  const memTotal = kb(8e6);
  for (const f of ["MemTotal", "SwapTotal", "SwapFree", "SwapCached"])
    add(`node_memory_${f}_bytes`, {}, constant(f === "SwapCached" ? 0 : memTotal / 4));
  for (const f of [
    "MemFree",
    "MemAvailable",
    "Buffers",
    "Cached",
    "Active",
    "Inactive",
    "Dirty",
    "Shmem",
    "Slab",
    "SReclaimable",
  ]) {
    add(
      `node_memory_${f}_bytes`,
      {},
      gauge(kb(1e6 * r()), () => kb((r() - 0.5) * 2000), 0),
    );
  }
  for (const dir of ["receive", "transmit"]) {
    add(
      `node_network_${dir}_bytes_total`,
      { device: "eth0" },
      counter(1e10 * r(), () => 1e5 + r() * 1e6, 0),
    );
    add(
      `node_network_${dir}_packets_total`,
      { device: "eth0" },
      counter(1e7 * r(), () => 100 + r() * 900, 0),
    );
    add(`node_network_${dir}_errs_total`, { device: "eth0" }, constant(0));
    add(`node_network_${dir}_drop_total`, { device: "eth0" }, counter(3, rare(0.01, 2), 0));
  }
  for (const device of ["vda", "vdb"]) {
    add(
      "node_disk_reads_completed_total",
      { device },
      counter(1e6 * r(), () => r() * 50, 0),
    );
    add(
      "node_disk_writes_completed_total",
      { device },
      counter(1e6 * r(), () => r() * 200, 0),
    );
    add(
      "node_disk_read_bytes_total",
      { device },
      counter(1e9 * r(), () => Math.round(r() * 50) * 4096, 0),
    );
    add(
      "node_disk_written_bytes_total",
      { device },
      counter(1e9 * r(), () => Math.round(r() * 200) * 4096, 0),
    );
    add(
      "node_disk_io_time_seconds_total",
      { device },
      counter(1e4 * r(), () => r() * 0.5, 3),
    );
    add(
      "node_disk_read_time_seconds_total",
      { device },
      counter(1e3 * r(), () => r() * 0.1, 3),
    );
    add(
      "node_disk_write_time_seconds_total",
      { device },
      counter(1e3 * r(), () => r() * 0.3, 3),
    );
  }
  for (const [mountpoint, device] of [
    ["/", "/dev/vda1"],
    ["/data", "/dev/vdb1"],
  ] as const) {
    const fs = { device, fstype: "ext4", mountpoint };
    add("node_filesystem_size_bytes", fs, constant(1e11));
    add(
      "node_filesystem_free_bytes",
      fs,
      gauge(5e10, () => Math.round((r() - 0.55) * 100) * 4096, 0),
    );
    add(
      "node_filesystem_avail_bytes",
      fs,
      gauge(4.5e10, () => Math.round((r() - 0.55) * 100) * 4096, 0),
    );
    add("node_filesystem_files", fs, constant(6_553_600));
    add(
      "node_filesystem_files_free",
      fs,
      gauge(6e6, () => Math.round((r() - 0.5) * 20), 0),
    );
  }
  for (const m of ["1", "5", "15"])
    add(
      `node_load${m}`,
      {},
      gauge(0.5, () => (r() - 0.5) * 0.2, 2),
    );
  add("node_boot_time_seconds", {}, constant(1_766_000_000));
  let t = 1_767_225_600;
  add("node_time_seconds", {}, () => round((t += 10 + (r() - 0.5) * 0.01), 3));
  add(
    "node_context_switches_total",
    {},
    counter(1e9 * r(), () => 2e4 + r() * 1e4, 0),
  );
  add(
    "node_intr_total",
    {},
    counter(1e9 * r(), () => 1e4 + r() * 5e3, 0),
  );
  add(
    "node_forks_total",
    {},
    counter(1e6 * r(), () => r() * 30, 0),
  );
  add("node_procs_running", {}, () => 1 + Math.floor(r() * 3));
  add("node_procs_blocked", {}, () => (r() < 0.1 ? 1 : 0));
  add(
    "node_uname_info",
    { machine: "x86_64", nodename: "vm", release: "6.1.0-18-amd64", sysname: "Linux" },
    constant(1),
  );
  add("node_network_up", { device: "eth0" }, constant(1));
  add(
    "process_cpu_seconds_total",
    {},
    counter(100 * r(), () => 0.01 + r() * 0.02, 2),
  );
  add(
    "process_resident_memory_bytes",
    {},
    gauge(2e7, () => Math.round((r() - 0.5) * 10) * 4096, 0),
  );
  add(
    "process_open_fds",
    {},
    gauge(10, () => Math.round(r() - 0.5), 0),
  );
  add("process_start_time_seconds", {}, constant(1_766_000_100.12));
  add(
    "go_goroutines",
    {},
    gauge(8, () => (r() < 0.1 ? Math.round(r() * 2 - 1) : 0), 0),
  );
  add(
    "go_memstats_alloc_bytes",
    {},
    gauge(3e6, () => Math.round((r() - 0.5) * 1e5), 0),
  );
  add(
    "go_memstats_heap_inuse_bytes",
    {},
    gauge(5e6, () => Math.round((r() - 0.5) * 10) * 8192, 0),
  );
  for (const collector of ["cpu", "meminfo", "netdev"])
    add("node_scrape_collector_success", { collector }, constant(1));
  if (out.length !== 100) throw new Error(`fixture has ${out.length} series, expected 100`);
  return out;
}

/** Median of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Runs `fn` when the file is executed directly (tsx or node --import tsx). */
export function isMain(url: string): boolean {
  return (
    process.argv[1] !== undefined &&
    url ===
      new URL(
        `file://${process.argv[1].startsWith("/") ? "" : process.cwd() + "/"}${process.argv[1]}`,
      ).href
  );
}

/**
 * Successive remote_write bodies (snappy-compressed) for `components` x 100 series, one sample
 * per series per push, 10 s apart from `t0`, labels sorted as Prometheus sends them. The
 * component of a series is named by its `instance` label (see `targets`).
 */
export function remoteWritePushes(components: number, t0: number) {
  const specs: SeriesSpec[] = [];
  const targets = new Map<string, { componentId: string; cap: number }>();
  for (let c = 0; c < components; c++) {
    for (const s of nodeExporterSeries(c)) specs.push(s);
    targets.set(`vm-${String(c).padStart(5, "0")}:9100`, { componentId: `comp-${c}`, cap: 200 });
  }
  const series: EncodableSeries[] = specs.map((s, i) => ({
    labels: sortLabels(s.labels),
    samples: [i],
  }));
  const ts = new Float64Array(specs.length);
  const values = new Float64Array(specs.length);
  const encoder = new WriteRequestEncoder({ cacheLabels: true });
  let tick = 0;
  const nextBody = (): { body: Uint8Array; now: number } => {
    const t = t0 + tick++ * 10_000;
    ts.fill(t);
    for (let i = 0; i < specs.length; i++) values[i] = specs[i]!.next();
    return { body: snappyCompress(encoder.encode(series, ts, values)), now: t + 500 };
  };
  return { specs, targets, nextBody };
}

function sortLabels(l: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(l).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
