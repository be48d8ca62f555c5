import type { DataSource } from "typeorm";
import { createDataSource } from "./data-source.js";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded-postgres.js";

export interface Database {
  dataSource: DataSource;
  /**
   * A small pool of its own for the collector's rollup flush: ingest never queues behind the
   * incident engine, the API or the notifier for a connection (decision 0014).
   */
  flushDataSource: DataSource;
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
  /** application_name of every connection: this process's origin in change_log (0020). */
  applicationName?: string;
}

const FLUSH_POOL = 2;

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let url = options.url;
  if (!url) {
    // Beyond the pool: the flush pool, and one for ad-hoc tools (migrate, psql while running).
    embedded = await startEmbeddedPostgres(options.dataDir, options.poolSize + FLUSH_POOL + 1);
    url = embedded.url;
  }
  const poolError = {
    ...(options.onPoolError ? { onPoolError: options.onPoolError } : {}),
    ...(options.applicationName ? { applicationName: options.applicationName } : {}),
  };
  const dataSource = createDataSource({ url, poolSize: options.poolSize, ...poolError });
  const flushDataSource = createDataSource({ url, poolSize: FLUSH_POOL, ...poolError });
  try {
    await dataSource.initialize();
    if (options.migrate) await dataSource.runMigrations({ transaction: "each" });
    await flushDataSource.initialize();
  } catch (err) {
    if (flushDataSource.isInitialized) await flushDataSource.destroy();
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw err;
  }
  return {
    dataSource,
    flushDataSource,
    kind: embedded ? "pglite" : "postgres",
    close: async () => {
      if (flushDataSource.isInitialized) await flushDataSource.destroy();
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}
