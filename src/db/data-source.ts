import "reflect-metadata";
import type pg from "pg";
import { DataSource, type MigrationInterface } from "typeorm";
import { ENTITIES } from "./entities/index.js";
import { MIGRATIONS } from "./migrations/index.js";
import { SnakeNamingStrategy } from "./naming.js";

export interface DataSourceOptions {
  url: string;
  poolSize: number;
  migrations?: (new () => MigrationInterface)[];
  /** Told about connection errors (a server that went away); they are never fatal. */
  onPoolError?: (err: Error) => void;
  /** How long a query may wait for a connection before it fails (so callers answer 503). */
  connectTimeoutMs?: number;
  /** The connections' application_name: change_log rows carry it as their origin (0020). */
  applicationName?: string;
}

/**
 * A pg client emits 'error' when its server goes away. pg-pool listens only while the client
 * is idle and TypeORM only while a query runner holds it; between the two (and for a client
 * still connecting) an 'error' event had no listener and stopped the process. Every client
 * gets a listener of its own for its whole life, before pg-pool hands it to anyone; the
 * client is then unusable, and the pool drops it on release and connects a new one next time,
 * so the pool recovers by itself once PostgreSQL is back.
 */
export function guardPoolClient(onError: (err: Error) => void) {
  return (client: pg.PoolClient): void => {
    client.on("error", onError);
  };
}

export function createDataSource(options: DataSourceOptions): DataSource {
  const onError = options.onPoolError ?? (() => undefined);
  return new DataSource({
    type: "postgres",
    url: options.url,
    entities: ENTITIES,
    migrations: options.migrations ?? MIGRATIONS,
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: "each",
    // PGlite has no extension install at run time; gen_random_uuid() is core since PG 13.
    uuidExtension: "pgcrypto",
    installExtensions: false,
    logging: false,
    poolErrorHandler: onError,
    extra: {
      max: options.poolSize,
      application_name: options.applicationName ?? "msp-platform",
      connectionTimeoutMillis: options.connectTimeoutMs ?? 30_000,
      onConnect: guardPoolClient(onError) as (client: unknown) => void,
    },
  });
}
