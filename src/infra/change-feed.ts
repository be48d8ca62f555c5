// Changes other processes must hear about (decision 0020): token, rule, contract and
// component changes (their caches drop or reload), revoked credentials (their sockets close)
// and events such as cap_reached (sockets).
// Rows of `change_log` are written in the change's transaction; each transaction NOTIFYs
// `msp_changes` once. A process LISTENs and, on each notification, reads every row committed
// since its previous read — by snapshot, not by version, so a transaction that took a lower
// version but committed later is never skipped — and hands them to subscribers in version
// order. After its listening connection dropped it reads the same way on reconnect: the
// catch-up is exact. Only a read too large to hand over tells subscribers to `reset`.
import type { Logger } from "pino";
import { Counter, type Registry } from "prom-client";
import { listenOn } from "./pg-listener.js";

export const CHANGE_CHANNEL = "msp_changes";

/** What changed: a watched table's name, or an event recorded by code. */
export type ChangeTopic =
  | "agent_tokens"
  | "rules"
  | "contracts"
  | "components"
  | "incident_events"
  | "cap_reached"
  /** A credential revoked or deleted (a row trigger): `{ userId, credentialId }`. */
  | "credentials_revoked";

export interface ChangeRecord {
  /** Increasing in the order versions were taken (commit order may differ). */
  version: bigint;
  topic: ChangeTopic;
  contractId: string | null;
  payload: unknown;
  /** The writing connection's application_name: a platform process's origin. */
  origin: string;
}

/** A PostgreSQL snapshot as text (`xmin:xmax:xip,…`), opaque here. */
export type Snapshot = string;

/** The reads and writes of `change_log` (src/db/change-log.store.ts). */
export interface ChangeLogStore {
  /** The current snapshot: rows committed later are read by the next `since`. */
  snapshot(): Promise<Snapshot>;
  /** Rows committed after `prev` was taken (and visible now), in version order, and the snapshot of that read. */
  since(prev: Snapshot, limit: number): Promise<{ rows: ChangeRecord[]; snapshot: Snapshot }>;
}

export interface ChangeSubscriber {
  /** Committed changes of these topics, in version order within one read; `catchUp` on the first read after a reconnect. */
  onChanges: (changes: ChangeRecord[], read: { catchUp: boolean }) => void;
  /** Changes were too many to hand over (a long disconnect): drop every cached thing. */
  onReset?: () => void;
}

export interface ChangeFeed {
  subscribe: (topics: readonly ChangeTopic[], subscriber: ChangeSubscriber) => () => void;
  stats: { delivered: number; reads: number; resets: number };
  /** Resolves once every notification received so far has been read and delivered. */
  whenIdle: () => Promise<void>;
  stop: () => Promise<void>;
}

/** A read returns at most this many rows; beyond it subscribers are reset. */
export const CHANGE_READ_MAX = 10_000;

export async function startChangeFeed(deps: {
  url: string;
  store: ChangeLogStore;
  log: Logger;
  registry?: Registry;
  retryMs?: number;
}): Promise<ChangeFeed> {
  const { store, log } = deps;
  const stats = { delivered: 0, reads: 0, resets: 0 };
  const counter = deps.registry
    ? new Counter({
        name: "change_feed_changes_total",
        help: "Committed changes read from change_log and handed to this process's caches, by topic",
        labelNames: ["topic"] as const,
        registers: [deps.registry],
      })
    : undefined;
  const subs = new Set<{ topics: ReadonlySet<ChangeTopic>; sub: ChangeSubscriber }>();

  let prev: Snapshot | undefined;
  let wanted = false;
  let reset = false;
  let catchUp = false;
  let running: Promise<void> | undefined;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const call = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      log.error({ err, what }, "change feed subscriber failed");
    }
  };
  const read = async () => {
    while ((wanted || reset) && !stopped) {
      wanted = false;
      if (reset) {
        reset = false;
        stats.resets++;
        for (const s of subs) if (s.sub.onReset) call("reset", s.sub.onReset);
      }
      if (prev === undefined) {
        prev = await store.snapshot();
        continue;
      }
      const { rows, snapshot } = await store.since(prev, CHANGE_READ_MAX);
      stats.reads++;
      if (rows.length >= CHANGE_READ_MAX) {
        // Too much at once: caches start over rather than replay a backlog.
        log.warn({ rows: rows.length }, "change feed read truncated; caches reset");
        prev = await store.snapshot();
        reset = true;
        continue;
      }
      prev = snapshot;
      const info = { catchUp };
      catchUp = false;
      for (const s of subs) {
        const mine = rows.filter((r) => s.topics.has(r.topic));
        if (mine.length > 0) call("changes", () => s.sub.onChanges(mine, info));
      }
      stats.delivered += rows.length;
      for (const r of rows) counter?.inc({ topic: r.topic });
    }
  };
  const kick = () => {
    running ??= read()
      .catch((err: unknown) => {
        // The snapshot is kept: the read is tried again from it.
        log.error({ err }, "change feed read failed; retrying");
        if (stopped || retry) return;
        retry = setTimeout(() => {
          retry = undefined;
          wanted = true;
          kick();
        }, deps.retryMs ?? 1_000);
        retry.unref();
      })
      .finally(() => {
        running = undefined;
        if ((wanted || reset) && !stopped) kick();
      });
  };

  // Listen first, then take the snapshot: nothing committed in between is lost.
  const listener = await listenOn({
    url: deps.url,
    channel: CHANGE_CHANNEL,
    log,
    ...(deps.retryMs !== undefined ? { retryMs: deps.retryMs } : {}),
    onNotification: () => {
      wanted = true;
      kick();
    },
    onReconnect: () => {
      wanted = true;
      catchUp = true;
      kick();
    },
  });
  prev = await store.snapshot();

  return {
    stats,
    subscribe: (topics, sub) => {
      const entry = { topics: new Set(topics), sub };
      subs.add(entry);
      return () => void subs.delete(entry);
    },
    whenIdle: async () => {
      while (running) await running;
    },
    stop: async () => {
      stopped = true;
      clearTimeout(retry);
      await listener.stop();
      while (running) await running;
      subs.clear();
    },
  };
}
