// The realtime role's reads (#17 store pattern): who a socket's secret belongs to, which
// component a socket may watch, and the incident change feed a reconnecting client resumes
// from. The handlers see `RealtimeStore`, never TypeORM.
import { In, type DataSource } from "typeorm";
import type { ContractScope } from "../access/actor.js";
import { createCredentialStore } from "../accounts/account.store.js";
import { authenticate, type Authenticated } from "../accounts/authenticate.js";
import { getComponent } from "../contracts/scoped.js";
import { ComponentEntity, IncidentEntity } from "../db/entities/index.js";

/** The latest change of one incident in the feed (incident_events identity = version). */
export interface ChangedIncident {
  incidentId: string;
  version: string;
}

export interface RealtimeStore {
  /** The actor behind a session token or API key, or null when not valid at `now`. */
  authenticate(secret: string, now: Date): Promise<Authenticated | null>;
  /** The component's contract; NOT_FOUND when it is outside `scope` (or does not exist). */
  componentContract(scope: ContractScope, componentId: string): Promise<string>;
  /** The component's contract, or null when the component is gone. */
  contractOfComponent(componentId: string): Promise<string | null>;
  /** The latest version of the feed in scope ("0" when empty). */
  latestVersion(scope: ContractScope): Promise<string>;
  /** Incidents changed in (from, to], in scope, by their latest version; at most `limit`. */
  changedIncidents(
    scope: ContractScope,
    from: string,
    to: string,
    limit: number,
  ): Promise<ChangedIncident[]>;
  incidents(ids: readonly string[]): Promise<IncidentEntity[]>;
  componentNames(ids: readonly string[]): Promise<Map<string, string>>;
}

export function createRealtimeStore(db: DataSource): RealtimeStore {
  // A customer sees the customer-visible changes of its own contract only.
  const scoped = (scope: ContractScope, n: number) =>
    scope.kind === "contract"
      ? { sql: `AND contract_id = $${n} AND customer_visible`, args: [scope.contractId] }
      : { sql: "", args: [] };
  const credentials = createCredentialStore(db);
  return {
    authenticate: (secret, now) => authenticate(credentials, secret, now),
    componentContract: async (scope, componentId) =>
      (await getComponent(db.manager, scope, componentId)).contractId,
    contractOfComponent: async (componentId) =>
      (await db.getRepository(ComponentEntity).findOneBy({ id: componentId }))?.contractId ?? null,
    latestVersion: async (scope) => {
      const s = scoped(scope, 1);
      const [latest] = await db.query<{ version: string }[]>(
        `SELECT coalesce(max(id), 0)::text AS version FROM incident_events WHERE true ${s.sql}`,
        s.args,
      );
      return latest?.version ?? "0";
    },
    changedIncidents: async (scope, from, to, limit) => {
      const s = scoped(scope, 3);
      const rows = await db.query<{ incident_id: string; version: string }[]>(
        `SELECT incident_id, max(id)::text AS version FROM incident_events
          WHERE id > $1 AND id <= $2 ${s.sql}
          GROUP BY incident_id ORDER BY max(id) LIMIT ${Math.floor(limit)}`,
        [from, to, ...s.args],
      );
      return rows.map((r) => ({ incidentId: r.incident_id, version: r.version }));
    },
    incidents: (ids) =>
      ids.length === 0
        ? Promise.resolve([])
        : db.getRepository(IncidentEntity).findBy({ id: In([...ids]) }),
    componentNames: async (ids) =>
      new Map(
        (ids.length === 0
          ? []
          : await db.getRepository(ComponentEntity).findBy({ id: In([...ids]) })
        ).map((c) => [c.id, c.name]),
      ),
  };
}
