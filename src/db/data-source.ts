import "reflect-metadata";
import { DataSource, type MigrationInterface } from "typeorm";
import { ENTITIES } from "./entities/index.js";
import { MIGRATIONS } from "./migrations/index.js";
import { SnakeNamingStrategy } from "./naming.js";

export interface DataSourceOptions {
  url: string;
  poolSize: number;
  migrations?: (new () => MigrationInterface)[];
}

export function createDataSource(options: DataSourceOptions): DataSource {
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
    extra: { max: options.poolSize, application_name: "msp-platform" },
  });
}
