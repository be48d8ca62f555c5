import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded-postgres.js";

// Many pooled connections sending parameterised queries at once must each get their own
// statement's answer (pglite-socket's own queue interleaves their protocol messages).
describe(startEmbeddedPostgres.name, () => {
  let dir: string;
  let server: EmbeddedPostgres;
  let pool: pg.Pool;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "msp-embedded-"));
    server = await startEmbeddedPostgres(dir, 10);
    pool = new pg.Pool({ connectionString: server.url, max: 8 });
  }, 60_000);
  afterAll(async () => {
    await pool?.end();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps each connection's parameterised queries apart under concurrency", async () => {
    const one = (n: number) =>
      pool.query<{ v: number }>("SELECT $1::int AS v", [n]).then((r) => r.rows[0]!.v);
    const three = (n: number) =>
      pool
        .query<{ v: number }>("SELECT $1::int + $2::int + $3::int AS v", [n, n, n])
        .then((r) => r.rows[0]!.v);
    const ns = Array.from({ length: 300 }, (_, i) => i);
    const results = await Promise.all(ns.map((n) => (n % 2 ? one(n) : three(n))));
    expect(results).toEqual(ns.map((n) => (n % 2 ? n : 3 * n)));
  });

  it("keeps a transaction's statements on its connection while others query", async () => {
    await pool.query("CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY, v int)");
    const tx = async (id: number) => {
      const c = await pool.connect();
      try {
        await c.query("BEGIN");
        await c.query("INSERT INTO t (id, v) VALUES ($1, $2)", [id, id * 10]);
        const { rows } = await c.query<{ v: number }>("SELECT v FROM t WHERE id = $1", [id]);
        await c.query(id % 3 === 0 ? "ROLLBACK" : "COMMIT");
        return rows[0]!.v;
      } finally {
        c.release();
      }
    };
    const ids = Array.from({ length: 60 }, (_, i) => i + 1);
    const reads = ids.map((id) => pool.query("SELECT count(*) FROM t WHERE id <= $1", [id]));
    expect(await Promise.all(ids.map(tx))).toEqual(ids.map((id) => id * 10));
    await Promise.all(reads);
    const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM t");
    expect(rows[0]!.n).toBe(ids.filter((id) => id % 3 !== 0).length);
  });
});
