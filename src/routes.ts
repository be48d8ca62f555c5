import type { DataSource } from "typeorm";
import { accountsRoutes } from "./accounts/accounts.routes.js";
import { auditRoutes } from "./audit/audit.routes.js";
import { billingRoutes } from "./billing/billing.routes.js";
import { invoicesRoutes } from "./billing/invoices.routes.js";
import { outagesRoutes } from "./billing/outages.routes.js";
import { billingRecordsRoutes } from "./billing/records.routes.js";
import type { Seller } from "./billing/export/invoice-html.js";
import { seriesRoutes } from "./collector/series.routes.js";
import { contractsRoutes } from "./contracts/contracts.routes.js";
import type { IngestPipeline } from "./ingest/ingest-pipeline.js";
import type { RouteDef } from "./http/route.js";
import type { Clock } from "./platform/clock.js";
import { loadConfig } from "./platform/config.js";

export interface RouteDeps {
  db: DataSource;
  clock: Clock;
  sessionTtlMs: number;
  /** Printed on invoices; the config defaults when not given. */
  seller?: Seller;
  /** The collector's in-memory store, when this process runs the collector role. */
  pipeline?: () => IngestPipeline | undefined;
}

/** Every /api/v1 route of the platform; the OpenAPI document is generated from this list. */
export function allRoutes(deps: RouteDeps): RouteDef[] {
  const seller = deps.seller ?? loadConfig({}).billing;
  return [
    ...accountsRoutes(deps),
    ...contractsRoutes(deps),
    ...auditRoutes(deps),
    ...billingRoutes(),
    ...outagesRoutes(deps),
    ...invoicesRoutes({ ...deps, seller }),
    ...billingRecordsRoutes(deps),
    ...seriesRoutes({ ...deps, pipeline: deps.pipeline ?? (() => undefined) }),
  ];
}
