// @ts-check
import { silentLogger } from "./log.js";
import { seriesKey } from "./points.js";

/** @typedef {import("./points.js").Point} Point */
/** @typedef {import("./points.js").Labels} Labels */
/** @typedef {import("./points.js").PayloadSeries} PayloadSeries */
/** @typedef {import("./spool.js").SpoolEntry} SpoolEntry */
/** @typedef {{ name: string, labels: Labels }} SeriesRef */
/** @typedef {{ id: number, ts: number, refs: SeriesRef[], values: Float64Array, inFlight: boolean }} Entry */
/** @typedef {"buffer_full" | "rejected"} DropReason */

/**
 * Collections waiting to be sent, bounded by sample count, oldest first.
 *
 * Memory: a series' name and labels are interned and shared by every entry, and values sit in
 * a Float64Array, so a buffered sample costs ~16 bytes instead of an object per sample.
 * Delivery: entries leave only through ack() (after a 2xx) or reject() (a batch the collector
 * will never accept); entries in flight are never evicted, so an entry is neither lost while
 * being sent nor sent again after it was acknowledged.
 */
export class SampleBuffer {
  /**
   * @param {{ capacitySamples: number, spool?: import("./spool.js").Spool | null,
   *   log?: import("./log.js").Logger }} opts
   */
  constructor(opts) {
    this.capacity = opts.capacitySamples;
    this.spool = opts.spool ?? null;
    this.log = opts.log ?? silentLogger;
    /** @type {Entry[]} */
    this.entries = [];
    this.size = 0;
    this.nextId = 1;
    /** @type {Record<DropReason, number>} samples dropped since start, by reason */
    this.dropped = { buffer_full: 0, rejected: 0 };
    /** @type {Map<string, SeriesRef>} */
    this.interned = new Map();
    if (this.spool) this.restore(this.spool.load());
  }

  /** @param {SpoolEntry[]} saved */
  restore(saved) {
    for (const e of saved) {
      this.nextId = Math.max(this.nextId, e.id + 1);
      this.insert(
        this.makeEntry(
          e.id,
          e.ts,
          e.p.map(([name, labels, value]) => ({ name, labels, value })),
        ),
        false,
      );
    }
    if (saved.length > 0) this.log.info("spool: restored unsent samples", { samples: this.size });
  }

  /** Adds one collection; returns how many (older) samples had to be dropped to make room. @param {number} ts @param {Point[]} points */
  push(ts, points) {
    if (points.length === 0) return 0;
    const entry = this.makeEntry(this.nextId++, ts, points);
    return this.insert(entry, true);
  }

  /** @param {Entry} entry @param {boolean} persist */
  insert(entry, persist) {
    const n = entry.values.length;
    if (n > this.capacity) {
      // Evicting everything else would still not make room: drop the newcomer alone.
      this.log.warn("buffer: collection larger than the whole buffer, dropped", { samples: n });
      this.dropped.buffer_full += n;
      return n;
    }
    /** @type {Entry[]} */
    const evicted = [];
    while (this.size + n > this.capacity) {
      // Oldest first, skipping the batch in flight (it may be acknowledged a moment later).
      const idx = this.entries.findIndex((e) => !e.inFlight);
      if (idx < 0) break; // only in-flight data left: overshoot by at most one batch
      const [old] = this.entries.splice(idx, 1);
      if (old) (evicted.push(old), (this.size -= old.values.length));
    }
    const droppedSamples = evicted.reduce((s, e) => s + e.values.length, 0);
    this.dropped.buffer_full += droppedSamples;
    this.entries.push(entry);
    this.size += n;
    if (persist) this.spool?.append(toSpoolEntry(entry));
    if (evicted.length > 0)
      this.spool?.remove(
        evicted.map((e) => e.id),
        this.entries.length,
        () => this.snapshot(),
      );
    return droppedSamples;
  }

  /** @param {number} id @param {number} ts @param {Point[]} points @returns {Entry} */
  makeEntry(id, ts, points) {
    const refs = points.map((p) => {
      const key = seriesKey(p.name, p.labels);
      let ref = this.interned.get(key);
      if (!ref) this.interned.set(key, (ref = { name: p.name, labels: p.labels }));
      return ref;
    });
    return { id, ts, refs, values: Float64Array.from(points, (p) => p.value), inFlight: false };
  }

  /**
   * The oldest entries up to maxSamples (always at least one), marked in flight.
   * @param {number} maxSamples @returns {Entry[]}
   */
  take(maxSamples) {
    /** @type {Entry[]} */
    const batch = [];
    let n = 0;
    for (const e of this.entries) {
      if (batch.length > 0 && n + e.values.length > maxSamples) break;
      e.inFlight = true;
      batch.push(e);
      n += e.values.length;
    }
    return batch;
  }

  /** The send failed and will be retried: the entries become evictable again. @param {Entry[]} batch */
  release(batch) {
    for (const e of batch) e.inFlight = false;
  }

  /** The collector stored the batch (2xx). @param {Entry[]} batch */
  ack(batch) {
    this.remove(batch);
  }

  /** The collector refused the batch for good (4xx): drop and count it. @param {Entry[]} batch */
  reject(batch) {
    this.dropped.rejected += this.remove(batch);
  }

  /** @param {Entry[]} batch @returns {number} samples removed */
  remove(batch) {
    const ids = new Set(batch.map((e) => e.id));
    let removed = 0;
    this.entries = this.entries.filter((e) => {
      if (!ids.has(e.id)) return true;
      removed += e.values.length;
      return false;
    });
    this.size -= removed;
    // Interned series no longer referenced by any entry would otherwise accumulate forever.
    if (this.entries.length === 0) this.interned.clear();
    this.spool?.remove([...ids], this.entries.length, () => this.snapshot());
    return removed;
  }

  /** @returns {SpoolEntry[]} */
  snapshot() {
    return this.entries.map(toSpoolEntry);
  }
}

/** @param {Entry} e @returns {SpoolEntry} */
function toSpoolEntry(e) {
  return { id: e.id, ts: e.ts, p: e.refs.map((r, i) => [r.name, r.labels, e.values[i] ?? 0]) };
}

/**
 * Merges a batch of entries into payload series: one series per name+labels, samples in time order.
 * @param {Entry[]} batch @returns {PayloadSeries[]}
 */
export function batchToSeries(batch) {
  /** @type {Map<SeriesRef, PayloadSeries>} */
  const bySeries = new Map();
  for (const e of batch) {
    e.refs.forEach((ref, i) => {
      let s = bySeries.get(ref);
      if (!s) bySeries.set(ref, (s = { name: ref.name, labels: ref.labels, samples: [] }));
      s.samples.push([e.ts, e.values[i] ?? 0]);
    });
  }
  return [...bySeries.values()];
}
