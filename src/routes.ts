import type { DataSource } from "typeorm";
import { accountsRoutes } from "./accounts/accounts.routes.js";
import { auditRoutes } from "./audit/audit.routes.js";
import { billingRoutes } from "./billing/billing.routes.js";
import { contractsRoutes } from "./contracts/contracts.routes.js";
import type { RouteDef } from "./http/route.js";
import type { Clock } from "./platform/clock.js";

export interface RouteDeps {
  db: DataSource;
  clock: Clock;
  sessionTtlMs: number;
}

/** Every /api/v1 route of the platform; the OpenAPI document is generated from this list. */
export function allRoutes(deps: RouteDeps): RouteDef[] {
  return [...accountsRoutes(deps), ...contractsRoutes(deps), ...auditRoutes(deps), ...billingRoutes()];
}
