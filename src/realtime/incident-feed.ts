// Incident changes across processes on PostgreSQL (decision 0017). Every process that
// commits incident changes NOTIFYs `msp_incident_changes` with `<origin> <version>` inside
// the change's transaction: PostgreSQL delivers it at commit, in commit order, and never
// for a rolled-back change. Every realtime process LISTENs, skips its own origin (those
// changes already reached its sockets through the in-process hub), reads the committed
// rows of the others' versions and emits them to its rooms. After its listening connection
// dropped it catches up from the highest version it has seen, looking back as resync does.
// On the embedded PGlite only one process can open the database: nothing to carry.
import type { Logger } from "pino";
import { Counter, type Registry } from "prom-client";
import { In, type DataSource } from "typeorm";
import { IncidentEntity, IncidentEventEntity } from "../db/entities/index.js";
import { managerOf, type Tx } from "../db/unit-of-work.js";
import type { IncidentChange, IncidentListener } from "../incidents/events.js";
import type { IncidentHub } from "../incidents/hub.js";
import { listenOn } from "../infra/pg-listener.js";
import { feedEvent } from "./delta.js";
import type { IncidentEvent } from "./messages.js";
import { RESYNC_LOOKBACK } from "./resync.js";

export const INCIDENT_CHANNEL = "msp_incident_changes";
/** A catch-up delivers at most this many changes; clients resync for the rest. */
export const CATCH_UP_MAX = 1000;
/** Versions remembered as delivered, below the highest one seen. */
const REMEMBER = 4 * RESYNC_LOOKBACK;

/** The hub listener that announces each change to other processes, inside its transaction. */
export function incidentFeedPublisher(origin: string): IncidentListener {
  if (!/^[\w-]+$/.test(origin)) throw new Error("origin must be a word");
  return {
    name: "cross-process feed",
    inTransaction: async (tx: Tx, change: IncidentChange) => {
      await managerOf(tx).query("SELECT pg_notify($1, $2)", [
        INCIDENT_CHANNEL,
        `${origin} ${change.event.id}`,
      ]);
    },
  };
}

export interface IncidentFeedStats {
  /** Changes of other processes emitted here (catch-ups included). */
  delivered: number;
  /** Of those, delivered by a catch-up after a reconnect. */
  caughtUp: number;
}

export interface IncidentFeed {
  stats: IncidentFeedStats;
  /** Resolves once every notification received so far has been emitted. */
  whenIdle: () => Promise<void>;
  stop: () => Promise<void>;
}

export async function startIncidentFeed(deps: {
  url: string;
  db: DataSource;
  hub: IncidentHub;
  log: Logger;
  origin: string;
  emit: (event: IncidentEvent) => void;
  registry?: Registry;
}): Promise<IncidentFeed> {
  const { db, log, origin } = deps;
  const stats: IncidentFeedStats = { delivered: 0, caughtUp: 0 };
  const counter = deps.registry
    ? new Counter({
        name: "realtime_feed_changes_total",
        help: "Other processes' incident changes emitted to this process's sockets, by path (notify, catch_up)",
        labelNames: ["via"] as const,
        registers: [deps.registry],
      })
    : undefined;
  // Versions already on this process's sockets (own through the hub, others' through here).
  const seen = new Set<bigint>();
  let highest = 0n;
  /** The latest version when this process started: earlier ones are resync's business. */
  let startedAt = 0n;
  const markSeen = (v: bigint) => {
    seen.add(v);
    if (v > highest) highest = v;
    if (seen.size > 2 * REMEMBER) {
      const floor = highest - BigInt(REMEMBER);
      for (const s of seen) if (s < floor) seen.delete(s);
    }
  };
  const removeHubListener = deps.hub.addListener({
    name: "cross-process feed (own versions)",
    afterCommit: (change) => markSeen(BigInt(change.event.id)),
  });

  let pending: bigint[] = [];
  let catchUp = false;
  let running: Promise<void> | undefined;
  const drain = async (): Promise<void> => {
    while (pending.length > 0 || catchUp) {
      if (catchUp) {
        catchUp = false;
        const back = highest - BigInt(RESYNC_LOOKBACK);
        const from = back > startedAt ? back : startedAt;
        const rows = await db.query<{ id: string }[]>(
          `SELECT id::text AS id FROM incident_events WHERE id > $1 ORDER BY id LIMIT ${CATCH_UP_MAX + REMEMBER}`,
          [from.toString()],
        );
        const missed = rows.map((r) => BigInt(r.id)).filter((v) => !seen.has(v));
        const n = await deliver(missed.slice(0, CATCH_UP_MAX));
        stats.caughtUp += n;
        counter?.inc({ via: "catch_up" }, n);
        if (missed.length > CATCH_UP_MAX)
          log.warn({ missed: missed.length }, "incident feed catch-up truncated; clients resync");
      }
      const batch = pending.filter((v) => !seen.has(v));
      pending = [];
      counter?.inc({ via: "notify" }, await deliver(batch));
    }
  };
  const kick = () => {
    running ??= drain()
      .catch((err: unknown) => log.error({ err }, "incident feed delivery failed"))
      .finally(() => {
        running = undefined;
        if (pending.length > 0 || catchUp) kick();
      });
  };

  /** Reads the committed rows of `versions` and emits them in that order. */
  const deliver = async (versions: bigint[]): Promise<number> => {
    if (versions.length === 0) return 0;
    // Three queries at once (one round trip of latency): rows, their incidents, names.
    const ids = versions.map(String);
    const [events, incidents, components] = await Promise.all([
      db.getRepository(IncidentEventEntity).findBy({ id: In(ids) }),
      db
        .getRepository(IncidentEntity)
        .createQueryBuilder("i")
        .where("i.id IN (SELECT incident_id FROM incident_events WHERE id = ANY(:ids::bigint[]))", {
          ids,
        })
        .getMany(),
      db.query<{ id: string; name: string }[]>(
        `SELECT c.id, c.name FROM components c JOIN incidents i ON i.component_id = c.id
          WHERE i.id IN (SELECT incident_id FROM incident_events WHERE id = ANY($1::bigint[]))`,
        [ids],
      ),
    ]);
    const names = new Map(components.map((c) => [c.id, c.name]));
    const byVersion = new Map(events.map((e) => [BigInt(e.id), e]));
    const byId = new Map(incidents.map((i) => [i.id, i]));
    let n = 0;
    for (const v of versions) {
      const e = byVersion.get(v);
      const incident = e && byId.get(e.incidentId);
      if (!e || !incident || seen.has(v)) continue; // a purged contract: nothing to show
      markSeen(v);
      deps.emit(feedEvent(e, incident, names.get(incident.componentId ?? "") ?? null));
      stats.delivered++;
      n++;
    }
    return n;
  };

  const listener = await listenOn({
    url: deps.url,
    channel: INCIDENT_CHANNEL,
    log,
    onNotification: (payload) => {
      const [from, version] = payload.split(" ");
      if (!from || !version || !/^\d{1,19}$/.test(version)) {
        log.warn({ payload }, "unreadable incident feed notification ignored");
        return;
      }
      const v = BigInt(version);
      if (from === origin) return; // already on this process's sockets through the hub
      pending.push(v);
      kick();
    },
    onReconnect: () => {
      catchUp = true;
      kick();
    },
  });
  // Start from the present: clients of a fresh process resync what came before.
  const [latest] = await db.query<{ v: string }[]>(
    "SELECT coalesce(max(id), 0)::text AS v FROM incident_events",
  );
  startedAt = BigInt(latest?.v ?? "0");
  if (startedAt > highest) highest = startedAt;

  return {
    stats,
    whenIdle: async () => {
      while (running) await running;
    },
    stop: async () => {
      removeHubListener();
      await listener.stop();
      while (running) await running;
    },
  };
}
