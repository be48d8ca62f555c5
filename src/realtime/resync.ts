// Resume after a reconnect: every incident changed after the client's last version, in its
// scope, read from the change feed (incident_events, whose identity id is the version).
import { In, type DataSource } from "typeorm";
import type { ContractScope } from "../access/actor.js";
import { ComponentEntity, IncidentEntity } from "../db/entities/index.js";
import { incidentDelta, customerDelta } from "./delta.js";
import type { ResyncReply } from "./messages.js";

/** More changed incidents than this and the client reloads the list over REST instead. */
export const RESYNC_MAX_INCIDENTS = 1000;
/**
 * Identity values are taken at INSERT, so a transaction holding a lower id can commit after
 * the client saw a higher one. Looking back this many versions re-sends those incidents
 * (replacing an incident with its current state is idempotent on the client).
 */
export const RESYNC_LOOKBACK = 64;

export async function resync(
  db: DataSource,
  scope: ContractScope,
  since: string,
  opts: { maxIncidents?: number } = {},
): Promise<ResyncReply> {
  const max = opts.maxIncidents ?? RESYNC_MAX_INCIDENTS;
  const customer = scope.kind === "contract";
  const scoped = (n: number) => (customer ? `AND contract_id = $${n} AND customer_visible` : "");
  const scopeArgs = customer ? [scope.contractId] : [];
  // The latest version in scope, not "latest after since": a late commit below `since` counts.
  const [latest] = await db.query<{ version: string }[]>(
    `SELECT coalesce(max(id), 0)::text AS version FROM incident_events WHERE true ${scoped(1)}`,
    scopeArgs,
  );
  const version = latest?.version ?? "0";
  const lookedBack = BigInt(since) - BigInt(RESYNC_LOOKBACK);
  const from = (lookedBack > 0n ? lookedBack : 0n).toString();
  const changed = await db.query<{ incident_id: string; version: string }[]>(
    `SELECT incident_id, max(id)::text AS version FROM incident_events
      WHERE id > $1 AND id <= $2 ${scoped(3)}
      GROUP BY incident_id ORDER BY max(id) LIMIT ${max + 1}`,
    [from, version, ...scopeArgs],
  );
  // A client ahead of the feed holds state from another database: it must reload.
  if (BigInt(since) > BigInt(version)) return { version, truncated: true, incidents: [] };
  if (changed.length > max) return { version, truncated: true, incidents: [] };
  const incidents = await db
    .getRepository(IncidentEntity)
    .findBy({ id: In(changed.map((c) => c.incident_id)) });
  const componentIds = incidents.flatMap((i) => (i.componentId ? [i.componentId] : []));
  const names = new Map(
    (componentIds.length
      ? await db.getRepository(ComponentEntity).findBy({ id: In(componentIds) })
      : []
    ).map((c) => [c.id, c.name]),
  );
  const byId = new Map(incidents.map((i) => [i.id, i]));
  return {
    version,
    truncated: false,
    incidents: changed.flatMap((c) => {
      const i = byId.get(c.incident_id);
      if (!i || (customer && i.contractId !== scope.contractId)) return [];
      const delta = incidentDelta(i, names.get(i.componentId ?? "") ?? null);
      return [{ version: c.version, incident: customer ? customerDelta(delta) : delta }];
    }),
  };
}
