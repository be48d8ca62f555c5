import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

/**
 * A fresh, empty database for one test file, of the kind the project runs against:
 * a new database on the PostgreSQL server, or a copy of the PGlite template directory.
 * `url` is set for PostgreSQL; `dataDir` for PGlite (the platform serves it itself).
 */
export interface TestDatabase {
  kind: "postgres" | "pglite";
  url: string | undefined;
  dataDir: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const kind = inject("dbKind");
  if (kind === "pglite") {
    const dataDir = mkdtempSync(join(tmpdir(), "msp-pglite-"));
    cpSync(join(inject("pgliteTemplateDir"), "pgdata"), join(dataDir, "pgdata"), {
      recursive: true,
    });
    return {
      kind,
      url: undefined,
      dataDir,
      drop: () => {
        rmSync(dataDir, { recursive: true, force: true });
        return Promise.resolve();
      },
    };
  }
  const adminUrl = inject("postgresAdminUrl");
  const name = `msp_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  // The platform still wants a DATA_DIR (unused with DATABASE_URL); removed with the database.
  const dataDir = mkdtempSync(join(tmpdir(), "msp-unused-"));
  return {
    kind,
    url: url.toString(),
    dataDir,
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
