// @ts-check
// Parsing of `typeperf -si N <counters…>` CSV output, kept pure so it is tested on fixture
// text. typeperf prints *rates* averaged over each interval; node_exporter rules expect
// cumulative counters, so rates are integrated (rate × interval) into totals that start at
// 0 when the agent starts — a counter reset, which rate()/increase() already handle.
import { PointSet } from "./points.js";

/**
 * rate: per-second value to integrate; idle_pct: "% Idle Time", integrated as busy seconds;
 * raw: a value typeperf prints as-is (cumulative counts, gauges); discover: only its instances matter.
 * @typedef {"rate" | "idle_pct" | "raw" | "discover"} CounterKind
 * @typedef {{ path: string, kind: CounterKind, metric?: string }} CounterSpec
 */

/** English counter paths. Localised Windows needs localised paths: see `typeperfCounters` in the README. */
/** @type {CounterSpec[]} */
export const DEFAULT_COUNTERS = [
  {
    path: "\\PhysicalDisk(*)\\Disk Read Bytes/sec",
    kind: "rate",
    metric: "node_disk_read_bytes_total",
  },
  {
    path: "\\PhysicalDisk(*)\\Disk Write Bytes/sec",
    kind: "rate",
    metric: "node_disk_written_bytes_total",
  },
  {
    path: "\\PhysicalDisk(*)\\Disk Reads/sec",
    kind: "rate",
    metric: "node_disk_reads_completed_total",
  },
  {
    path: "\\PhysicalDisk(*)\\Disk Writes/sec",
    kind: "rate",
    metric: "node_disk_writes_completed_total",
  },
  {
    path: "\\PhysicalDisk(*)\\% Idle Time",
    kind: "idle_pct",
    metric: "node_disk_io_time_seconds_total",
  },
  {
    path: "\\Network Interface(*)\\Bytes Received/sec",
    kind: "rate",
    metric: "node_network_receive_bytes_total",
  },
  {
    path: "\\Network Interface(*)\\Bytes Sent/sec",
    kind: "rate",
    metric: "node_network_transmit_bytes_total",
  },
  {
    path: "\\Network Interface(*)\\Packets Received/sec",
    kind: "rate",
    metric: "node_network_receive_packets_total",
  },
  {
    path: "\\Network Interface(*)\\Packets Sent/sec",
    kind: "rate",
    metric: "node_network_transmit_packets_total",
  },
  // These four are raw counts since boot in PDH, so they are already counters.
  {
    path: "\\Network Interface(*)\\Packets Received Errors",
    kind: "raw",
    metric: "node_network_receive_errs_total",
  },
  {
    path: "\\Network Interface(*)\\Packets Outbound Errors",
    kind: "raw",
    metric: "node_network_transmit_errs_total",
  },
  {
    path: "\\Network Interface(*)\\Packets Received Discarded",
    kind: "raw",
    metric: "node_network_receive_drop_total",
  },
  {
    path: "\\Network Interface(*)\\Packets Outbound Discarded",
    kind: "raw",
    metric: "node_network_transmit_drop_total",
  },
  { path: "\\System\\Processes", kind: "raw", metric: "node_procs_total" },
  { path: "\\LogicalDisk(*)\\% Free Space", kind: "discover" },
];

/**
 * One CSV record as typeperf writes it: every field double-quoted, `""` escapes a quote.
 * Returns null for the non-CSV chatter ("Exiting, please wait...", errors, blank lines).
 * @param {string} line @returns {string[] | null}
 */
export function parseCsvLine(line) {
  const s = line.trim();
  if (!s.startsWith('"')) return null;
  /** @type {string[]} */
  const fields = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] !== '"') return null;
    let value = "";
    i++;
    for (;;) {
      if (i >= s.length) return null; // unterminated quote: a torn line
      if (s[i] === '"' && s[i + 1] === '"') ((value += '"'), (i += 2));
      else if (s[i] === '"') break;
      else value += s[i++];
    }
    fields.push(value);
    i++; // closing quote
    if (i < s.length && s[i++] !== ",") return null;
  }
  return fields;
}

/**
 * `\\HOST\Object(instance)\Counter` (or without instance) → its parts; the host is dropped.
 * @param {string} path @returns {{ object: string, instance: string | null, counter: string } | null}
 */
export function parseCounterPath(path) {
  const m = /^(?:\\\\[^\\]+)?\\([^\\(]+)(?:\((.*)\))?\\([^\\]+)$/.exec(path);
  if (!m) return null;
  return { object: m[1] ?? "", instance: m[2] ?? null, counter: m[3] ?? "" };
}

/** @param {string} object @param {string} counter */
const specKey = (object, counter) => `${object}\\${counter}`.toLowerCase();

/** Consumes typeperf stdout line by line and keeps the integrated totals. */
export class TypeperfAccumulator {
  /** @param {CounterSpec[]} counters @param {number} intervalS the `-si` interval */
  constructor(counters, intervalS) {
    this.intervalS = intervalS;
    /** @type {Map<string, CounterSpec>} */
    this.specs = new Map();
    for (const c of counters) {
      const p = parseCounterPath(c.path);
      if (p) this.specs.set(specKey(p.object, p.counter), c);
    }
    /** @type {({ spec: CounterSpec, object: string, instance: string | null } | null)[]} */
    this.columns = [];
    /** @type {Map<string, { metric: string, device: string | null, value: number }>} */
    this.totals = new Map();
    /** @type {Map<string, Set<string>>} object name (lower case) → instances seen in the header */
    this.instances = new Map();
  }

  /** @param {string} line */
  line(line) {
    const fields = parseCsvLine(line);
    if (!fields || fields.length < 2) return;
    if ((fields[0] ?? "").startsWith("(PDH-CSV")) return this.header(fields.slice(1));
    fields.slice(1).forEach((raw, i) => this.sample(this.columns[i], raw));
  }

  /** A header arrives at every (re)start of typeperf and fixes what each column means. @param {string[]} paths */
  header(paths) {
    this.columns = paths.map((path) => {
      const p = parseCounterPath(path);
      const spec = p && this.specs.get(specKey(p.object, p.counter));
      if (!p || !spec || p.instance === "_Total") return null;
      const key = p.object.toLowerCase();
      if (p.instance !== null)
        this.instances.set(key, (this.instances.get(key) ?? new Set()).add(p.instance));
      return { spec, object: p.object, instance: p.instance };
    });
    // Instances gone from the new header (a removed NIC) must stop being reported.
    const live = new Set(this.columns.map((c) => c && `${c.spec.metric}\u0000${c.instance ?? ""}`));
    for (const key of this.totals.keys()) if (!live.has(key)) this.totals.delete(key);
  }

  /** @param {{ spec: CounterSpec, object: string, instance: string | null } | null | undefined} col @param {string} raw */
  sample(col, raw) {
    // typeperf prints " " when a counter has no value yet (first interval, vanished instance).
    if (!col || !col.spec.metric || raw.trim() === "") return;
    const v = Number(raw);
    if (!Number.isFinite(v)) return;
    const key = `${col.spec.metric}\u0000${col.instance ?? ""}`;
    const prev = this.totals.get(key)?.value ?? 0;
    const next =
      col.spec.kind === "rate"
        ? prev + Math.max(0, v) * this.intervalS
        : col.spec.kind === "idle_pct"
          ? prev + (1 - Math.min(100, Math.max(0, v)) / 100) * this.intervalS
          : v;
    this.totals.set(key, { metric: col.spec.metric, device: col.instance, value: next });
  }

  /** Instances of an object seen in typeperf's header, e.g. "LogicalDisk" → ["C:", "D:"]. @param {string} object */
  instancesOf(object) {
    return [...(this.instances.get(object.toLowerCase()) ?? [])];
  }

  /** Current totals as points (device label only when the counter has an instance). */
  points() {
    const set = new PointSet();
    for (const t of this.totals.values())
      set.add(t.metric, t.device === null ? {} : { device: t.device }, t.value);
    return set.points;
  }
}
