// ingest.rss_bytes_per_series: RSS growth of a collector process per active series holding
// a 1 h window, fed over HTTP remote_write. A collector (`tsx src/main.ts`, ROLES=collector,
// PostgreSQL) takes 2,400 node_exporter-like components x 100 series (240,000 series) under
// 12 contract tokens, 360 scrapes each at 10 s (an hour of data, time compressed: the
// timestamps are injected, the last ones near now), pushed by keep-alive shards of 2,000
// samples a body as Prometheus sends them. The fill is done in 4 equal parts (RSS_FILLS);
// RSS (/proc VmRSS) is read after each, once every rollup row of the fill is stored (the
// count in PostgreSQL stopped moving) and after a full GC in the collector
// (gc-on-signal.mjs). Value = the least-squares slope of RSS against series over the fills
// after the first (which absorbs start-up garbage and pool growth). The V8 heap, typed-array
// (external) and glibc main-arena slopes are printed beside it, and V8's resident pages by
// space after each fill. Fills of 60,000 series, not 30,000: the few MB the allocators keep or
// return between two points moved the slope of 30,000-series fills by ±500 B a series
// (898-1,594 B for one code, 2026-12-05); 60,000-series fills gave 769, 794 and 1,187.
// RSS_TRIM_PROBE=1 also reads RSS after glibc's malloc_trim(0) (gdb): what stays is live
// memory, what goes was the allocator's free memory.
// Needs PostgreSQL (TEST_DATABASE_URL's server, or a throwaway one from Debian's binaries).
// Run: node --import tsx bench/scaleout/rss-per-series.bench.ts
import { pathToFileURL } from "node:url";
import pg from "pg";
import { freshPostgres } from "../../test/support/platform-processes.js";
import type { BenchLine } from "../ingest/harness.js";
import {
  checkAccepted,
  makeTenants,
  mallocSetting,
  mallocTrim,
  procRssBytes,
  Sender,
  ShardBodies,
  startCollector,
  type Collector,
  type Tenant,
} from "./ingest-load.js";

export interface RssBenchOptions {
  components?: number;
  steps?: number;
}

const STEP_MS = 10_000;

/**
 * Steady state: the rollups the fill produced are all written (the count of stored rows has
 * stopped moving for two polls: with time compressed a fill makes an hour of rows per series
 * in seconds, and a backlog still in memory would be counted as the series' cost), the 10 s
 * flush has run again, then a full GC in the collector.
 */
async function settle(collector: Collector, dbUrl: string) {
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  try {
    const count = async () =>
      Number(
        (await db.query<{ n: string }>("SELECT count(*) AS n FROM metric_rollups")).rows[0]!.n,
      );
    const deadline = Date.now() + 240_000;
    let last = -1;
    for (let still = 0; still < 2 && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 4_000));
      const n = await count();
      still = n === last ? still + 1 : 0;
      last = n;
    }
  } finally {
    await db.end();
  }
  await new Promise((r) => setTimeout(r, 11_000));
  await collector.gcAndMeasure();
  await new Promise((r) => setTimeout(r, 2_000));
  return collector.gcAndMeasure();
}

export async function main(opts: RssBenchOptions = {}): Promise<BenchLine[]> {
  const components = opts.components ?? Number(process.env.RSS_COMPONENTS ?? 2400);
  const steps = opts.steps ?? 360;
  const contracts = 12;
  const perShard = 20; // 2,000 samples a body: Prometheus' max_samples_per_send
  const db = await freshPostgres();
  try {
    const tenants = await makeTenants(db.url, contracts, components / contracts);
    const collector = await startCollector(db.url);
    const sender = new Sender(collector.url);
    try {
      const fill = async (part: Tenant[]) => {
        // Each fill's hour ends near now (the collector refuses samples over 1 h old).
        const t0 = Math.floor(Date.now() / STEP_MS) * STEP_MS - 55 * 60_000;
        const shards: ShardBodies[] = [];
        for (const t of part)
          for (let i = 0; i < t.components.length; i += perShard)
            shards.push(new ShardBodies(t.token, t.components.slice(i, i + perShard)));
        const started = Date.now();
        await Promise.all(
          shards.map(async (s) => {
            for (let k = 0; k < steps; k++)
              checkAccepted(await sender.post(s.token, s.body(t0 + k * STEP_MS)), s.samplesPerBody);
          }),
        );
        const series = shards.reduce((a, s) => a + s.samplesPerBody, 0);
        return { series, samplesPerS: (series * steps) / ((Date.now() - started) / 1000) };
      };
      // Fills of equal size, each settled and measured: the first takes the process through
      // its start-up garbage and pool growth; the value is the least-squares slope of RSS
      // against series over the others (one difference of two fills varied 600-1,500 B a
      // series from run to run: allocator reuse shifts a few MB between two points).
      const fills = Number(process.env.RSS_FILLS ?? 4);
      const perFill = Math.floor(contracts / fills);
      type Point = { series: number } & Awaited<ReturnType<typeof settle>>;
      const points: Point[] = [];
      let total = 0;
      let lastRate = 0;
      const trimmed: number[] = [];
      for (let f = 0; f < fills; f++) {
        const done = await fill(tenants.slice(f * perFill, (f + 1) * perFill));
        total += done.series;
        lastRate = done.samplesPerS;
        points.push({ series: total, ...(await settle(collector, db.url)) });
        // RSS_TRIM_PROBE=1: glibc's free-but-resident memory handed back (malloc_trim through
        // gdb), so what is left is live; it changes the next fill's start, so it is opt-in.
        if (process.env.RSS_TRIM_PROBE === "1" && mallocTrim(collector.pid))
          trimmed.push(Math.round(procRssBytes(collector.pid) / 2 ** 20));
      }
      const fitted = points.slice(1);
      const slope = (k: "procRss" | "brkHeap" | "heapUsed" | "heapTotal" | "external") => {
        const n = fitted.length;
        const mx = fitted.reduce((a, p) => a + p.series, 0) / n;
        const my = fitted.reduce((a, p) => a + p[k], 0) / n;
        let sxy = 0;
        let sxx = 0;
        for (const p of fitted) {
          sxy += (p.series - mx) * (p[k] - my);
          sxx += (p.series - mx) ** 2;
        }
        return Math.round(sxy / sxx);
      };
      const per = slope;
      const series = total - points[0]!.series;
      const first = { series: points[0]!.series };
      const second = { samplesPerS: lastRate };
      const before = points[0]!;
      const after = points[points.length - 1]!;
      return [
        {
          bench: "ingest.rss_bytes_per_series",
          value: per("procRss"),
          unit: "bytes",
          goal: 1024,
          series,
          seriesBefore: first.series,
          fills,
          rssMiBAfterEachFill: points.map((p) => Math.round(p.procRss / 2 ** 20)),
          ...(trimmed.length > 0 ? { rssMiBAfterEachFillTrimmed: trimmed } : {}),
          // V8's resident pages by space after each fill (new_space growing is not per series).
          v8SpacesMiBAfterEachFill: points.map((p) =>
            Object.fromEntries(
              Object.entries(p.spaces ?? {}).map(([k, v]) => [k, Math.round(v / 2 ** 20)]),
            ),
          ),
          samplesPerSeries: steps,
          intervalS: STEP_MS / 1000,
          heapUsedPerSeries: per("heapUsed"),
          heapTotalPerSeries: per("heapTotal"),
          externalPerSeries: per("external"),
          // Of the RSS growth: glibc's main arena (typed arrays, buffers; what it keeps).
          brkHeapPerSeries: per("brkHeap"),
          rssBeforeMiB: Math.round(before.procRss / 2 ** 20),
          rssAfterMiB: Math.round(after.procRss / 2 ** 20),
          fillSamplesPerS: Math.round(second.samplesPerS),
          via: "HTTP remote_write, 1 collector process, PostgreSQL",
          malloc: mallocSetting(),
        },
      ];
    } finally {
      sender.close();
      await collector.stop();
    }
  } finally {
    await db.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const line of await main()) process.stdout.write(JSON.stringify(line) + "\n");
}
