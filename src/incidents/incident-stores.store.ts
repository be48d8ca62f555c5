// The TypeORM stores of the incident engine over one data source (composition roots use it).
import type { DataSource } from "typeorm";
import { typeormUnitOfWork } from "../db/unit-of-work.js";
import { createAlertIntakeStore } from "./alert-intake.store.js";
import { createIncidentStore } from "./incident.store.js";
import type { AlertIntakeDeps } from "./incident-tx.js";
import { createQuotaStore } from "./quota.store.js";
import { createRoutingStore } from "./routing.store.js";
import { createTimelineStore } from "./timeline.store.js";

export type IncidentStores = Pick<
  AlertIntakeDeps,
  "uow" | "incidents" | "timeline" | "quota" | "routing" | "intake"
>;

export function typeormIncidentStores(db: DataSource): IncidentStores {
  return {
    uow: typeormUnitOfWork(db),
    incidents: createIncidentStore(db),
    timeline: createTimelineStore(),
    quota: createQuotaStore(db),
    routing: createRoutingStore(db),
    intake: createAlertIntakeStore(),
  };
}
