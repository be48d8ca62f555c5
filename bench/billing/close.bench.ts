// billing.close_s: the monthly close of 10,000 contracts (8 components and 1 outage each on
// average), timed on a fresh embedded PGlite and, when one is reachable, on a real PostgreSQL
// server (TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres) in a scratch
// database. Prints one JSON line per database: the median of the runs, in seconds.
// Run: npx tsx bench/billing/close.bench.ts
import "reflect-metadata";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { closeDeps } from "../../src/billing/close/close.store.js";
import { runMonthlyClose } from "../../src/billing/close/run-close.js";
import { noUsage } from "../../src/billing/close/usage-source.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import { seedCloseBench } from "./seed.js";

export interface BenchLine {
  bench: string;
  value: number;
  unit: string;
  [extra: string]: unknown;
}

const MONTH = "2026-11";
const CLOSE_AT = new Date("2026-12-01T00:05:00+09:00");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function benchOn(db: Database, contracts: number, runs: number): Promise<BenchLine> {
  const seeded = await seedCloseBench(db.dataSource, contracts);
  const seconds: number[] = [];
  let issued = 0;
  for (let run = 0; run < runs; run++) {
    // Invoices are immutable to UPDATE, not to DELETE: each run closes the month from scratch.
    await db.dataSource.query(`DELETE FROM audit_log WHERE action = 'invoice.issue'`);
    await db.dataSource.query(`DELETE FROM invoices`);
    const started = performance.now();
    const result = await runMonthlyClose({
      deps: closeDeps(db.dataSource, noUsage),
      month: MONTH,
      now: CLOSE_AT,
    });
    seconds.push((performance.now() - started) / 1000);
    issued = result.issued;
    if (result.failed.length > 0)
      throw new Error(
        `close failed for ${result.failed.length} contracts: ${JSON.stringify(result.failed[0])}`,
      );
  }
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    bench: "billing.close_s",
    value: round(median(seconds)),
    unit: "s",
    db: db.kind,
    contracts,
    runs,
    runsS: seconds.map(round),
    invoices: issued,
    components: seeded.components,
    outages: seeded.outages,
    goalS: 60,
  };
}

async function onPglite(contracts: number, runs: number): Promise<BenchLine> {
  const dir = mkdtempSync(join(tmpdir(), "msp-bench-close-"));
  const db = await openDatabase({ url: undefined, dataDir: dir, poolSize: 4, migrate: true });
  try {
    return await benchOn(db, contracts, runs);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function onPostgres(adminUrl: string, contracts: number, runs: number): Promise<BenchLine> {
  const name = `msp_bench_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    const db = await openDatabase({
      url: url.toString(),
      dataDir: tmpdir(),
      poolSize: 4,
      migrate: true,
    });
    try {
      return await benchOn(db, contracts, runs);
    } finally {
      await db.close();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

export async function main(opts: { contracts?: number; runs?: number } = {}): Promise<BenchLine[]> {
  const contracts = opts.contracts ?? 10_000;
  const runs = opts.runs ?? 3;
  const lines = [await onPglite(contracts, runs)];
  const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  if (await reachable(adminUrl)) lines.push(await onPostgres(adminUrl, contracts, runs));
  return lines;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of await main()) console.log(JSON.stringify(line));
}
