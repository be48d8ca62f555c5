import { PGlite } from "@electric-sql/pglite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { findPostgresBinDir, startThrowawayPostgres } from "./throwaway-postgres.js";

declare module "vitest" {
  export interface ProvidedContext {
    dbKind: "postgres" | "pglite";
    postgresAdminUrl: string;
    pgliteTemplateDir: string;
  }
}

// Runs once per integration project. PostgreSQL: TEST_DATABASE_URL when given, otherwise
// a throwaway server from the installed binaries; never a silent skip. PGlite: one
// template data directory (initdb costs seconds) copied by each test file.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const kind = project.config.env?.TEST_DB_KIND === "pglite" ? "pglite" : "postgres";
  project.provide("dbKind", kind);
  if (kind === "pglite") {
    const dir = mkdtempSync(join(tmpdir(), "msp-pglite-template-"));
    const db = await PGlite.create(join(dir, "pgdata"));
    await db.close();
    project.provide("pgliteTemplateDir", dir);
    project.provide("postgresAdminUrl", "");
    return () => {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    };
  }
  project.provide("pgliteTemplateDir", "");
  if (process.env.TEST_DATABASE_URL) {
    project.provide("postgresAdminUrl", process.env.TEST_DATABASE_URL);
    return () => Promise.resolve();
  }
  const binDir = findPostgresBinDir();
  if (!binDir) {
    throw new Error(
      "PostgreSQL tests need a server: set TEST_DATABASE_URL or install Debian's `postgresql` package " +
        "(its binaries are used to start a throwaway server). Refusing to skip.",
    );
  }
  const server = await startThrowawayPostgres(binDir);
  project.provide("postgresAdminUrl", server.url);
  return () => server.stop();
}
