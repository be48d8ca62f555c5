import type { DataSource } from "typeorm";
import type { RollupBatch, RollupRow, RollupSeed } from "../ingest/rollups.js";
import type { Labels, Series } from "../ingest/series-store.js";
import { BinaryArray } from "../infra/pg-binary-array.js";

export function labelsKey(labels: Labels): string {
  const names = Object.keys(labels)
    .filter((n) => n !== "__name__")
    .sort();
  return `${labels.__name__ ?? ""}{${names.map((n) => `${n}=${JSON.stringify(labels[n])}`).join(",")}}`;
}

/** The database failed for a reason other than the rows (unreachable): `unwritten` is kept. */
export class RollupWriteError extends Error {
  constructor(
    readonly reason: unknown,
    readonly unwritten: RollupBatch,
  ) {
    super(`rollup write failed with ${unwritten.length} rows unwritten: ${String(reason)}`);
    this.name = "RollupWriteError";
  }
}

/** PostgreSQL refused the data itself (class 22 data exception, 23 integrity, 54 limits). */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown; driverError?: { code?: unknown } } | null)?.code;
  const c = typeof code === "string" ? code : undefined;
  return c !== undefined && /^(22|23|54)[0-9A-Z]{3}$/.test(c);
}

/**
 * Writes drained rollups in batches: series ids are resolved once per series (kept on the
 * Series object, `storageId`), rows go in `unnest` upserts that merge a minute written twice.
 * Each column is sent as one binary array (times as epoch milliseconds): per row a few
 * stores into a buffer, no number turned into text (decisions 0023, 0026).
 */
export class RollupStore {
  /**
   * Rows per statement. The embedded PGlite runs inside this process, so one statement of a
   * million rows (10,000 components × 100 series) would stall the event loop — and with it
   * ingest, alerts and sockets — for minutes; chunks let other work run in between.
   */
  constructor(
    private readonly db: DataSource,
    private readonly chunkRows = 5_000,
  ) {}

  /** Column buffers of finished writes, for the next (see writeChunk). */
  private readonly spareColumns: Buffer[][] = [];

  /**
   * Writes every row it can. A row PostgreSQL refuses as data (SQLSTATE class 22/23/54: a
   * value it cannot store) is found by halving the failed chunk and is dropped alone, logged
   * through `onDropped`; the other rows of its chunk are saved. Any other failure (the
   * database unreachable) throws a RollupWriteError holding the rows not yet written, for the
   * caller to keep and write at the next flush.
   */
  async write(
    rows: RollupBatch,
    onDropped: (row: RollupRow, err: unknown) => void = () => undefined,
  ): Promise<number> {
    let written = 0;
    for (let i = 0; i < rows.length; i += this.chunkRows) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      const chunk = rows.slice(i, i + this.chunkRows);
      try {
        written += await this.writeIsolating(chunk, onDropped);
      } catch (err) {
        throw new RollupWriteError(err, rows.slice(i));
      }
    }
    return written;
  }

  private async writeIsolating(
    rows: RollupBatch,
    onDropped: (row: RollupRow, err: unknown) => void,
  ): Promise<number> {
    try {
      return await this.writeChunk(rows);
    } catch (err) {
      if (!isDataError(err)) throw err;
      if (rows.length === 1) {
        onDropped(rows.row(0), err);
        return 0;
      }
      const mid = rows.length >> 1;
      return (
        (await this.writeIsolating(rows.slice(0, mid), onDropped)) +
        (await this.writeIsolating(rows.slice(mid), onDropped))
      );
    }
  }

  private async writeChunk(rows: RollupBatch): Promise<number> {
    if (rows.length === 0) return 0;
    await this.resolveIds(rows);
    // A minute of stale markers only, or a series whose component is gone: not written.
    const keep: number[] = [];
    for (let i = 0; i < rows.length; i++)
      if (rows.count(i) > 0 && rows.series[i]!.storageId > 0) keep.push(i);
    if (keep.length === 0) return 0;
    const n = keep.length;
    // Eight column buffers of a chunk's size, reused chunk after chunk (one set per write in
    // flight: the driver has copied them once the statement has returned).
    const buffers =
      this.spareColumns.pop() ??
      Array.from({ length: 8 }, () =>
        Buffer.allocUnsafe(BinaryArray.byteLength("float8", this.chunkRows)),
      );
    const [b0, b1, b2, b3, b4, b5, b6, b7] = buffers;
    const ids = new BinaryArray("int8", n, b0),
      minutes = new BinaryArray("int8", n, b1),
      mins = new BinaryArray("float8", n, b2),
      maxs = new BinaryArray("float8", n, b3),
      sums = new BinaryArray("float8", n, b4),
      counts = new BinaryArray("int4", n, b5),
      lasts = new BinaryArray("float8", n, b6),
      lastAts = new BinaryArray("int8", n, b7);
    try {
      for (const i of keep) {
        ids.add(rows.series[i]!.storageId);
        minutes.add(rows.minuteStartMs(i));
        mins.add(rows.min(i));
        maxs.add(rows.max(i));
        sums.add(rows.sum(i));
        counts.add(rows.count(i));
        lasts.add(rows.last(i));
        lastAts.add(rows.lastTs(i));
      }
      // A minute written twice (a late sample, or the minute resumed after a restart) merges;
      // its last value is the later sample's. The columns go as binary arrays: each double
      // arrives with its own bits (-0, subnormals and infinities included).
      await this.db.query(
        `INSERT INTO metric_rollups (series_id, minute, min, max, sum, count, last, last_at)
       SELECT v.id, to_timestamp(v.minute / 1000.0), v.min, v.max, v.sum, v.count, v.last, to_timestamp(v.last_at / 1000.0)
       FROM unnest($1::bigint[], $2::bigint[], $3::float8[], $4::float8[], $5::float8[], $6::int[], $7::float8[], $8::bigint[])
         AS v(id, minute, min, max, sum, count, last, last_at)
       ON CONFLICT (series_id, minute) DO UPDATE SET
         min = LEAST(metric_rollups.min, EXCLUDED.min), max = GREATEST(metric_rollups.max, EXCLUDED.max),
         sum = metric_rollups.sum + EXCLUDED.sum, count = metric_rollups.count + EXCLUDED.count,
         last = CASE WHEN metric_rollups.last_at > EXCLUDED.last_at THEN metric_rollups.last ELSE EXCLUDED.last END,
         last_at = GREATEST(metric_rollups.last_at, EXCLUDED.last_at)`,
        [ids, minutes, mins, maxs, sums, counts, lasts, lastAts].map((a) => a.done()),
      );
    } finally {
      this.spareColumns.push(buffers);
    }
    return n;
  }

  private async resolveIds(rows: RollupBatch): Promise<void> {
    const missing = new Map<string, Series>();
    for (const s of rows.series)
      if (s.storageId === 0) missing.set(`${s.componentId}\u0000${labelsKey(s.labels)}`, s);
    if (missing.size === 0) return;
    const comps: string[] = [],
      keys: string[] = [],
      labels: string[] = [];
    for (const r of missing.values()) {
      comps.push(r.componentId);
      keys.push(labelsKey(r.labels));
      labels.push(JSON.stringify(r.labels));
    }
    // Series of components deleted meanwhile are skipped by the join (no FK failure).
    await this.db.query(
      `INSERT INTO metric_series (component_id, labels_key, labels)
       SELECT v.c, v.k, v.l FROM unnest($1::uuid[], $2::text[], $3::jsonb[]) AS v(c, k, l) JOIN components ON components.id = v.c
       ON CONFLICT (component_id, labels_key) DO NOTHING`,
      [comps, keys, labels],
    );
    const found = await this.db.query<{ id: string; component_id: string; labels_key: string }[]>(
      `SELECT s.id::text AS id, s.component_id, s.labels_key FROM metric_series s JOIN unnest($1::uuid[], $2::text[]) AS v(c, k) ON s.component_id = v.c AND s.labels_key = v.k`,
      [comps, keys],
    );
    const byKey = new Map(found.map((f) => [`${f.component_id}\u0000${f.labels_key}`, f.id]));
    // Every row's series, also a second Series object with the same labels in this chunk.
    for (const s of rows.series)
      if (s.storageId === 0) {
        const id = byKey.get(`${s.componentId}\u0000${labelsKey(s.labels)}`);
        s.storageId = id === undefined ? -1 : Number(id);
      }
  }

  /** The rollups of the recent window, to rebuild the in-memory store after a restart. */
  async recent(sinceMs: number): Promise<RollupSeed[]> {
    const rows = await this.db.query<
      {
        component_id: string;
        labels: Record<string, string>;
        minute: Date;
        last: number;
        last_at: Date | null;
      }[]
    >(
      `SELECT s.component_id, s.labels, r.minute, r.last, r.last_at FROM metric_rollups r JOIN metric_series s ON s.id = r.series_id WHERE r.minute >= $1 ORDER BY r.minute`,
      [new Date(sinceMs).toISOString()],
    );
    return rows.map((r) => ({
      componentId: r.component_id,
      labels: r.labels,
      minuteStartMs: new Date(r.minute).getTime(),
      last: r.last,
      lastTs: r.last_at === null ? null : new Date(r.last_at).getTime(),
    }));
  }

  async purgeOlderThan(cutoff: Date): Promise<number> {
    const res = await this.db.query<[unknown, number] | unknown[]>(
      `DELETE FROM metric_rollups WHERE minute < $1`,
      [cutoff.toISOString()],
    );
    return Array.isArray(res) && typeof res[1] === "number" ? res[1] : 0;
  }

  async touchComponents(seen: Map<string, Date>): Promise<void> {
    if (seen.size === 0) return;
    await this.db.query(
      `UPDATE components SET last_seen_at = GREATEST(COALESCE(components.last_seen_at, v.at), v.at) FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, at) WHERE components.id = v.id`,
      [[...seen.keys()], [...seen.values()].map((d) => d.toISOString())],
    );
  }
}
