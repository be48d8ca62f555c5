// The incident feed's reads (decision 0017): the timeline rows of some versions, their
// incidents and component names, in one round trip of latency.
import { In, type DataSource } from "typeorm";
import { IncidentEntity, IncidentEventEntity } from "../db/entities/index.js";

export interface FeedRows {
  events: IncidentEventEntity[];
  incidents: IncidentEntity[];
  /** component id → name */
  names: Map<string, string>;
}

export interface IncidentFeedStore {
  /** The committed timeline rows of `versions` (missing ones left out) and what they show. */
  rowsOf: (versions: readonly bigint[]) => Promise<FeedRows>;
}

export function createIncidentFeedStore(db: DataSource): IncidentFeedStore {
  return {
    rowsOf: async (versions) => {
      const ids = versions.map(String);
      // Three queries at once: rows, their incidents, names.
      const [events, incidents, components] = await Promise.all([
        db.getRepository(IncidentEventEntity).findBy({ id: In(ids) }),
        db
          .getRepository(IncidentEntity)
          .createQueryBuilder("i")
          .where(
            "i.id IN (SELECT incident_id FROM incident_events WHERE id = ANY(:ids::bigint[]))",
            { ids },
          )
          .getMany(),
        db.query<{ id: string; name: string }[]>(
          `SELECT c.id, c.name FROM components c JOIN incidents i ON i.component_id = c.id
            WHERE i.id IN (SELECT incident_id FROM incident_events WHERE id = ANY($1::bigint[]))`,
          [ids],
        ),
      ]);
      return { events, incidents, names: new Map(components.map((c) => [c.id, c.name])) };
    },
  };
}
