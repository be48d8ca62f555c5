// Resume after a reconnect: every incident changed after the client's last version, in its
// scope, read from the change feed (incident_events, whose identity id is the version).
import type { ContractScope } from "../access/actor.js";
import { incidentDelta, customerDelta } from "./delta.js";
import type { ResyncReply } from "./messages.js";
import type { RealtimeStore } from "./realtime.store.js";

/** More changed incidents than this and the client reloads the list over REST instead. */
export const RESYNC_MAX_INCIDENTS = 1000;
/**
 * Identity values are taken at INSERT, so a transaction holding a lower id can commit after
 * the client saw a higher one. Looking back this many versions re-sends those incidents
 * (replacing an incident with its current state is idempotent on the client).
 */
export const RESYNC_LOOKBACK = 64;

export async function resync(
  store: RealtimeStore,
  scope: ContractScope,
  since: string,
  opts: { maxIncidents?: number } = {},
): Promise<ResyncReply> {
  const max = opts.maxIncidents ?? RESYNC_MAX_INCIDENTS;
  const customer = scope.kind === "contract";
  // The latest version in scope, not "latest after since": a late commit below `since` counts.
  const version = await store.latestVersion(scope);
  const lookedBack = BigInt(since) - BigInt(RESYNC_LOOKBACK);
  const from = (lookedBack > 0n ? lookedBack : 0n).toString();
  const changed = await store.changedIncidents(scope, from, version, max + 1);
  // A client ahead of the feed holds state from another database: it must reload.
  if (BigInt(since) > BigInt(version)) return { version, truncated: true, incidents: [] };
  if (changed.length > max) return { version, truncated: true, incidents: [] };
  const incidents = await store.incidents(changed.map((c) => c.incidentId));
  const names = await store.componentNames(
    incidents.flatMap((i) => (i.componentId ? [i.componentId] : [])),
  );
  const byId = new Map(incidents.map((i) => [i.id, i]));
  return {
    version,
    truncated: false,
    incidents: changed.flatMap((c) => {
      const i = byId.get(c.incidentId);
      if (!i || (customer && i.contractId !== scope.contractId)) return [];
      const delta = incidentDelta(i, names.get(i.componentId ?? "") ?? null);
      return [{ version: c.version, incident: customer ? customerDelta(delta) : delta }];
    }),
  };
}
