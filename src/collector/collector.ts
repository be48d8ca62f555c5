import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { DataSource, EntityManager } from "typeorm";
import { recordAudit } from "../audit/audit.js";
import type { CapReachedEvent } from "../ingest/caps.js";
import { RemoteWriteForwarder } from "../ingest/forwarder.js";
import { NOOP_HOOK } from "../ingest/ingest-contract.js";
import { combineHooks, IngestPipeline, type SampleHook } from "../ingest/ingest-pipeline.js";
import { IngestMetrics } from "../ingest/metrics.js";
import { RateLimiter } from "../ingest/rate-limit.js";
import type { Clock } from "../platform/clock.js";
import type { SecurityEvents } from "../platform/security-events.js";
import { collectorRouter } from "./collector.routes.js";
import { IngestAuth } from "./ingest-auth.js";
import { RollupStore } from "./rollup-store.js";

export interface CollectorOptions {
  maxBodyBytes: number;
  samplesPerSecondPerComponent: number;
  flushIntervalMs: number;
  retentionDays: number;
  /** Prometheus-compatible long-term store that receives everything accepted (optional). */
  forward?: { url: string; bearerToken?: string };
}

export const DEFAULT_COLLECTOR_OPTIONS: CollectorOptions = {
  maxBodyBytes: 16 << 20,
  samplesPerSecondPerComponent: 2_000,
  flushIntervalMs: 10_000,
  retentionDays: 35,
};

/** The collector role: ingest endpoints, the in-memory store, and its periodic flushes. */
export async function startCollector(
  deps: {
    db: DataSource;
    clock: Clock;
    log: Logger;
    registry: Registry;
    hook?: SampleHook;
    /** Told once the cap_reached audit row is written (the realtime role publishes it). */
    onCapReached?: (e: CapReachedEvent) => void;
    /** Runs in the audit row's transaction (the outbox queues the customer's notice there). */
    onCapReachedInTx?: (tx: EntityManager, e: CapReachedEvent) => Promise<void>;
    /** Access changes: the agent-token cache is dropped at once. */
    security?: SecurityEvents;
  },
  opts: CollectorOptions = DEFAULT_COLLECTOR_OPTIONS,
) {
  const { db, clock, log } = deps;
  const store = new RollupStore(db);
  const pendingCapEvents: CapReachedEvent[] = [];
  const forwarder = opts.forward
    ? new RemoteWriteForwarder({
        url: opts.forward.url,
        headers: opts.forward.bearerToken
          ? { authorization: `Bearer ${opts.forward.bearerToken}` }
          : {},
      })
    : undefined;
  forwarder?.start(1_000);
  const hooks = [deps.hook, forwarder].filter((h): h is SampleHook => h !== undefined);
  const pipeline = new IngestPipeline({
    hook: hooks.length > 0 ? combineHooks(...hooks) : NOOP_HOOK,
    rateLimiter: new RateLimiter({
      samplesPerS: opts.samplesPerSecondPerComponent,
      burst: opts.samplesPerSecondPerComponent * 30,
    }),
    onCapReached: (e) => pendingCapEvents.push(e), // the hot path only queues; the flush writes
  });
  const metrics = new IngestMetrics(deps.registry, {
    components: () => pipeline.components(),
    ...(forwarder ? { forwarder } : {}),
  });
  const seen = new Map<string, Date>();
  const auth = new IngestAuth(db);
  const unsubscribe =
    deps.security?.subscribe((e) => {
      if (e.kind === "ingest_access_changed") auth.invalidate();
    }) ?? (() => undefined);

  // Rebuild the recent window from rollups: raw points do not survive a restart.
  const windowStart = clock.now().getTime() - 3_600_000;
  const seeded = pipeline.seedFromRollups(await store.recent(windowStart), clock.now().getTime());
  if (seeded > 0) log.info({ seeded }, "recent window rebuilt from rollups");

  const flush = async (all = false) => {
    const now = clock.now();
    pipeline.sweep(now.getTime());
    const rows = pipeline.drainRollups(all ? Number.POSITIVE_INFINITY : now.getTime());
    await store.write(rows);
    const touched = new Map(seen);
    seen.clear();
    await store.touchComponents(touched);
    for (const e of pendingCapEvents.splice(0)) {
      metrics.recordCapReached();
      log.warn({ componentId: e.componentId, cap: e.cap }, "component reached its series cap");
      await db.transaction(async (tx) => {
        await recordAudit(tx, {
          actor: "system",
          at: new Date(e.atMs),
          action: "component.cap_reached",
          entityType: "component",
          entityId: e.componentId,
          contractId: null,
          before: null,
          after: { cap: e.cap, activeSeries: e.activeSeries },
        });
        await deps.onCapReachedInTx?.(tx, e);
      });
      deps.onCapReached?.(e);
    }
  };
  let flushing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    flushing = flushing
      .then(() => flush())
      .catch((err: unknown) => log.error({ err }, "collector flush failed"));
  }, opts.flushIntervalMs);
  timer.unref();

  return {
    pipeline,
    auth,
    store,
    router: collectorRouter({
      pipeline,
      auth,
      metrics,
      clock,
      log,
      maxBodyBytes: opts.maxBodyBytes,
      maxJsonBytes: opts.maxBodyBytes * 8,
      onSeen: (ids, at) => ids.forEach((id) => seen.set(id, at)),
    }),
    flush: () => (flushing = flushing.then(() => flush())),
    purge: (now: Date) =>
      store.purgeOlderThan(new Date(now.getTime() - opts.retentionDays * 86_400_000)),
    stop: async () => {
      clearInterval(timer);
      unsubscribe();
      await forwarder?.stop();
      await flushing.catch(() => undefined);
      await flush(true).catch((err: unknown) => log.error({ err }, "final collector flush failed"));
    },
  };
}

export type Collector = Awaited<ReturnType<typeof startCollector>>;
