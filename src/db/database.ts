import type { DataSource } from "typeorm";
import { createDataSource } from "./data-source.js";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded-postgres.js";

export interface Database {
  dataSource: DataSource;
  /** "postgres" when DATABASE_URL was given, "pglite" for the embedded default. */
  kind: "postgres" | "pglite";
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  url: string | undefined;
  dataDir: string;
  poolSize: number;
  migrate: boolean;
  /** Connection errors (PostgreSQL gone): logged by the caller, never fatal. */
  onPoolError?: (err: Error) => void;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let url = options.url;
  if (!url) {
    // One extra connection beyond the pool for ad-hoc tools (migrate, psql while running).
    embedded = await startEmbeddedPostgres(options.dataDir, options.poolSize + 1);
    url = embedded.url;
  }
  const dataSource = createDataSource({
    url,
    poolSize: options.poolSize,
    ...(options.onPoolError ? { onPoolError: options.onPoolError } : {}),
  });
  try {
    await dataSource.initialize();
    if (options.migrate) await dataSource.runMigrations({ transaction: "each" });
  } catch (err) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw err;
  }
  return {
    dataSource,
    kind: embedded ? "pglite" : "postgres",
    close: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}
