// Generates a migration from the difference between the entities and the migrated schema,
// using TypeORM's own schema builder (what `typeorm migration:generate` runs), against a
// throwaway embedded PGlite so no server is needed. Review the file before committing.
import "reflect-metadata";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDataSource } from "../src/db/data-source.js";
import { startEmbeddedPostgres } from "../src/db/embedded-postgres.js";

const name = process.argv[2];
if (!name || !/^[A-Za-z][A-Za-z0-9]*$/.test(name)) {
  console.error("usage: npm run migration:generate -- <PascalCaseName>");
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), "msp-migration-"));
const pg = await startEmbeddedPostgres(dir, 3);
const ds = createDataSource({ url: pg.url, poolSize: 2 });
try {
  await ds.initialize();
  await ds.runMigrations();
  const sql = await ds.driver.createSchemaBuilder().log();
  if (sql.upQueries.length === 0) {
    console.log("no changes: entities match the migrations");
  } else {
    const ts = Date.now();
    const cls = `${name}${ts}`;
    const q = (s: string) => JSON.stringify(s);
    const up = sql.upQueries.map((x) => `    await queryRunner.query(${q(x.query)});`).join("\n");
    const down = [...sql.downQueries]
      .reverse()
      .map((x) => `    await queryRunner.query(${q(x.query)});`)
      .join("\n");
    const file = `src/db/migrations/${ts}-${name}.ts`;
    writeFileSync(
      file,
      `import type { MigrationInterface, QueryRunner } from "typeorm";\n\n` +
        `export class ${cls} implements MigrationInterface {\n  name = "${cls}";\n\n` +
        `  async up(queryRunner: QueryRunner): Promise<void> {\n${up}\n  }\n\n` +
        `  async down(queryRunner: QueryRunner): Promise<void> {\n${down}\n  }\n}\n`,
    );
    console.log(`wrote ${file}; add ${cls} to src/db/migrations/index.ts`);
  }
} finally {
  if (ds.isInitialized) await ds.destroy();
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
}
