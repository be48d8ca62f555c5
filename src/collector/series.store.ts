// What the series query API reads from the database: the component (tenant-scoped), the
// label sets ever stored for it, and the 1-minute rollups of one series over a range.
import type { DataSource } from "typeorm";
import type { ContractScope } from "../access/actor.js";
import { createComponentStore } from "../contracts/component.store.js";
import type { ComponentEntity } from "../db/entities/index.js";

export interface StoredSeries {
  labelsKey: string;
  labels: Record<string, string>;
}

export interface RollupPoint {
  minute: Date;
  min: number;
  max: number;
  sum: number;
  count: number;
  last: number;
}

export interface SeriesStore {
  /** Fetch-or-throw in the tenant's scope: another contract's component is NOT_FOUND. */
  component(scope: ContractScope, id: string): Promise<ComponentEntity>;
  storedSeries(componentId: string): Promise<StoredSeries[]>;
  rollups(
    componentId: string,
    labelsKey: string,
    fromMs: number,
    toMs: number,
  ): Promise<RollupPoint[]>;
}

export function createSeriesStore(db: DataSource): SeriesStore {
  const components = createComponentStore(db);
  return {
    component: (scope, id) => components.get(scope, id),
    storedSeries: async (componentId) => {
      const rows = await db.query<{ labels_key: string; labels: Record<string, string> }[]>(
        `SELECT labels_key, labels FROM metric_series WHERE component_id = $1`,
        [componentId],
      );
      return rows.map((r) => ({ labelsKey: r.labels_key, labels: r.labels }));
    },
    rollups: (componentId, labelsKey, fromMs, toMs) =>
      db.query<RollupPoint[]>(
        `SELECT r.minute, r.min, r.max, r.sum, r.count, r.last FROM metric_rollups r JOIN metric_series s ON s.id = r.series_id
          WHERE s.component_id = $1 AND s.labels_key = $2 AND r.minute >= $3 AND r.minute <= $4 ORDER BY r.minute`,
        [componentId, labelsKey, new Date(fromMs).toISOString(), new Date(toMs).toISOString()],
      ),
  };
}
