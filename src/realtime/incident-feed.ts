// Incident changes across processes on PostgreSQL (decisions 0017, 0020). A statement
// trigger on `incident_events` writes one `change_log` row per INSERT statement (the new
// timeline ids, and the writing process's origin) in the change's transaction; the change
// feed NOTIFYs once per transaction and every process reads, by snapshot, every row
// committed since its previous read (src/infra/change-feed.ts), so nothing is skipped
// whatever order versions were taken and committed in, and a reconnect catches up exactly.
// This listener skips its own origin (those changes already reached its sockets through the
// in-process hub), reads the others' timeline rows and emits them to its rooms.
// On the embedded PGlite only one process can open the database: nothing to carry.
import type { Logger } from "pino";
import { Counter, type Registry } from "prom-client";
import type { ChangeFeed, ChangeRecord } from "../infra/change-feed.js";
import { feedEvent } from "./delta.js";
import type { IncidentFeedStore } from "./incident-feed.store.js";
import type { IncidentEvent } from "./messages.js";

export interface IncidentFeedStats {
  /** Changes of other processes emitted here (catch-ups included). */
  delivered: number;
  /** Of those, delivered by the first read after a reconnect. */
  caughtUp: number;
}

export interface IncidentFeed {
  stats: IncidentFeedStats;
  /** Resolves once every change read so far has been emitted. */
  whenIdle: () => Promise<void>;
  stop: () => Promise<void>;
}

/** The timeline ids of one change_log row of topic incident_events, or [] if unreadable. */
function idsOf(r: ChangeRecord): bigint[] {
  const ids = (r.payload as { ids?: unknown } | null)?.ids;
  if (!Array.isArray(ids)) return [];
  return ids.filter((v): v is string => typeof v === "string" && /^\d{1,19}$/.test(v)).map(BigInt);
}

export function startIncidentFeed(deps: {
  changes: ChangeFeed;
  store: IncidentFeedStore;
  log: Logger;
  /** This process's origin (its connections' application_name): its rows are skipped. */
  origin: string;
  emit: (event: IncidentEvent) => void;
  registry?: Registry;
}): IncidentFeed {
  const { log, origin } = deps;
  const stats: IncidentFeedStats = { delivered: 0, caughtUp: 0 };
  const counter = deps.registry
    ? new Counter({
        name: "realtime_feed_changes_total",
        help: "Other processes' incident changes emitted to this process's sockets, by path (notify, catch_up)",
        labelNames: ["via"] as const,
        registers: [deps.registry],
      })
    : undefined;

  // Batches in arrival order (commit order across reads; version order within one).
  const queue: { versions: bigint[]; catchUp: boolean }[] = [];
  let running: Promise<void> | undefined;
  const drain = async () => {
    for (let b = queue.shift(); b !== undefined; b = queue.shift()) {
      const n = await deliver(b.versions);
      if (b.catchUp) stats.caughtUp += n;
      counter?.inc({ via: b.catchUp ? "catch_up" : "notify" }, n);
    }
  };
  const kick = () => {
    running ??= drain()
      .catch((err: unknown) => log.error({ err }, "incident feed delivery failed; clients resync"))
      .finally(() => {
        running = undefined;
        if (queue.length > 0) kick();
      });
  };

  /** Reads the committed rows of `versions` and emits them in that order. */
  const deliver = async (versions: bigint[]): Promise<number> => {
    if (versions.length === 0) return 0;
    const { events, incidents, names } = await deps.store.rowsOf(versions);
    const byVersion = new Map(events.map((e) => [BigInt(e.id), e]));
    const byId = new Map(incidents.map((i) => [i.id, i]));
    let n = 0;
    for (const v of versions) {
      const e = byVersion.get(v);
      const incident = e && byId.get(e.incidentId);
      if (!e || !incident) continue; // a purged contract: nothing to show
      deps.emit(feedEvent(e, incident, names.get(incident.componentId ?? "") ?? null));
      stats.delivered++;
      n++;
    }
    return n;
  };

  const unsubscribe = deps.changes.subscribe(["incident_events"], {
    onChanges: (rows, read) => {
      const versions = rows.filter((r) => r.origin !== origin).flatMap(idsOf);
      if (versions.length === 0) return;
      queue.push({ versions, catchUp: read.catchUp });
      kick();
    },
    onReset: () => log.warn("incident feed may have missed changes; clients resync"),
  });

  return {
    stats,
    whenIdle: async () => {
      await deps.changes.whenIdle();
      while (running) await running;
    },
    stop: async () => {
      unsubscribe();
      while (running) await running;
    },
  };
}
