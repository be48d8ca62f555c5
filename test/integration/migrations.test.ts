import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/database.js";
import { MIGRATIONS } from "../../src/db/migrations/index.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

const tables = async (db: Database) =>
  (
    await db.dataSource.query<{ table_name: string }[]>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    )
  ).map((r) => r.table_name);

describe("migrations", () => {
  let testDb: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = await openDatabase({
      url: testDb.url,
      dataDir: testDb.dataDir,
      poolSize: 3,
      migrate: true,
    });
  });
  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it("creates every table on the way up", async () => {
    expect(await tables(db)).toEqual(
      expect.arrayContaining([
        "agent_tokens",
        "audit_log",
        "components",
        "contacts",
        "contracts",
        "credentials",
        "runbooks",
        "users",
        "migrations",
      ]),
    );
    expect(await db.dataSource.showMigrations()).toBe(false);
  });

  it("removes them again on the way down, and re-applies cleanly", async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) await db.dataSource.undoLastMigration();
    expect(await tables(db)).toEqual(["migrations"]);
    await db.dataSource.runMigrations();
    expect(await tables(db)).toContain("contracts");
  });

  it("matches the entities exactly (no pending schema change)", async () => {
    const pending = await db.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });
});
