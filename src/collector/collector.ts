import type { Logger } from "pino";
import { Counter, type Registry } from "prom-client";
import type { AuditLog } from "../audit/audit.js";
import type { Tx, UnitOfWork } from "../db/unit-of-work.js";
import type { CapReachedEvent } from "../ingest/caps.js";
import { RemoteWriteForwarder } from "../ingest/forwarder.js";
import { IngestPipeline, type RulesAttachment } from "../ingest/ingest-pipeline.js";
import { IngestMetrics } from "../ingest/metrics.js";
import { RateLimiter } from "../ingest/rate-limit.js";
import { RollupBatch } from "../ingest/rollups.js";
import type { Clock } from "../infra/clock.js";
import type { SecurityEvents } from "../infra/security-events.js";
import { collectorRouter } from "./collector.routes.js";
import type { IngestAuthStore } from "./ingest-auth.store.js";
import { IngestAuth } from "./ingest-auth.js";
import { DEFAULT_JSON_BODY_LIMITS } from "./json-body.js";
import type { PushDiverter } from "./push-forward.js";
import { RollupWriteError, type RollupStore } from "./rollup.store.js";

export interface CollectorOptions {
  maxBodyBytes: number;
  samplesPerSecondPerComponent: number;
  flushIntervalMs: number;
  retentionDays: number;
  /** Prometheus-compatible long-term store that receives everything accepted (optional). */
  forward?: { url: string; bearerToken?: string };
}

/** ~10 minutes of 10,000 components × 100 series would be 10M rows: keep at most 2M. */
const MAX_UNWRITTEN_ROWS = 2_000_000;
/**
 * Series ids whose per-series arrays are reserved at start (≈ 150 MB of address space, none
 * of it resident until series use it): the arrays are never grown by copying below this,
 * and glibc keeps no freed copies resident (decision 0023). A collector past a million
 * active series grows them as before.
 */
const RESERVED_SERIES_IDS = 1 << 20;

export const DEFAULT_COLLECTOR_OPTIONS: CollectorOptions = {
  maxBodyBytes: 16 << 20,
  samplesPerSecondPerComponent: 2_000,
  flushIntervalMs: 10_000,
  retentionDays: 35,
};

/** The rule engine as the collector sees it: attached to the pipeline, told of stalls. */
export interface CollectorRules extends RulesAttachment {
  /** The platform could not take pushes until then: silence before it is not the agent's. */
  platformStalled(atMs: number): void;
}

/** The collector role: ingest endpoints, the in-memory store, and its periodic flushes. */
export async function startCollector(
  deps: {
    /** The rollup flush's writes (on a small pool of its own: decision 0014). */
    rollups: RollupStore;
    /** Agent tokens and their components, for the ingest token check. */
    tokens: IngestAuthStore;
    /** The cap_reached audit row and its notice commit together. */
    uow: UnitOfWork;
    audit: AuditLog;
    clock: Clock;
    log: Logger;
    registry: Registry;
    /** The rule engine: sees every sample, ranks cap slots, adopts the rebuilt window. */
    rules?: CollectorRules;
    /** Told once the cap_reached audit row is written (the realtime role publishes it). */
    onCapReached?: (e: CapReachedEvent) => void;
    /** Runs in the audit row's transaction (the outbox queues the customer's notice there). */
    onCapReachedInTx?: (tx: Tx, e: CapReachedEvent) => Promise<void>;
    /** Access changes: the agent-token cache is dropped at once. */
    security?: SecurityEvents;
    /** Several collectors: pushes of contracts held elsewhere are forwarded (0019). */
    divert?: PushDiverter;
  },
  opts: CollectorOptions = DEFAULT_COLLECTOR_OPTIONS,
) {
  const { uow, clock, log } = deps;
  const store = deps.rollups;
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
  const hookErrors = new Counter({
    name: "msp_ingest_hook_errors_total",
    help: "Samples whose rule/forwarder hook threw (the samples were stored; the push was answered)",
    registers: [deps.registry],
  });
  let hookErrorLoggedAt = -Infinity;
  const onHookError = (err: unknown) => {
    hookErrors.inc();
    // At most one line a minute: a hook that throws for every sample must not flood the log.
    const at = performance.now();
    if (at - hookErrorLoggedAt < 60_000) return;
    hookErrorLoggedAt = at;
    log.error(
      { err },
      "ingest hook threw (further errors counted in msp_ingest_hook_errors_total)",
    );
  };
  // The per-sample path is composed in IngestPipeline (decision 0022): rules, then forwarder.
  const pipeline = new IngestPipeline({
    store: { reserveSeries: RESERVED_SERIES_IDS },
    ...(deps.rules ? { rules: deps.rules } : {}),
    ...(forwarder ? { listeners: [forwarder] } : {}),
    onHookError,
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
  const auth = new IngestAuth(deps.tokens);
  const unsubscribe =
    deps.security?.subscribe((e) => {
      if (e.kind === "ingest_access_changed") auth.invalidate();
    }) ?? (() => undefined);

  // Rebuild the recent window from rollups (raw points do not survive a restart); the rules
  // adopt its series there, so their absence timers start from the last stored sample.
  // Several collectors (leases, decision 0019): nothing here; each contract is rebuilt when
  // this collector takes its lease (a restarted one finds its own at its first heartbeat), so
  // it never holds the series of contracts other collectors judge. Measured: seeding every
  // contract's hour at start made a collector behind a balancer 6-8x slower per sample once
  // the database held a few hundred thousand other series (decision 0023).
  if (deps.divert === undefined) {
    const windowStart = clock.now().getTime() - 3_600_000;
    const rows = await store.recent(windowStart);
    const seeded = pipeline.seedFromRollups(rows, clock.now().getTime());
    if (seeded > 0) log.info({ seeded }, "recent window rebuilt from rollups");
  }

  // Rows a flush could not write because the database was unreachable: written first at the
  // next flush. Bounded (oldest dropped, logged) so a long outage cannot exhaust memory.
  let unwritten = RollupBatch.of([]);
  const flush = async (all = false) => {
    const now = clock.now();
    pipeline.sweep(now.getTime());
    const drained = pipeline.drainRollups(all ? Number.POSITIVE_INFINITY : now.getTime());
    let rows = unwritten.concat(drained);
    unwritten = RollupBatch.of([]);
    if (rows.length > MAX_UNWRITTEN_ROWS) {
      log.error(
        { dropped: rows.length - MAX_UNWRITTEN_ROWS },
        "rollups dropped: the database has been unreachable for too long",
      );
      rows = rows.slice(rows.length - MAX_UNWRITTEN_ROWS);
    }
    let failure: Error | undefined;
    try {
      await store.write(rows, (row, err) =>
        log.error(
          { err, componentId: row.componentId, labels: row.labels, minute: row.minuteStartMs },
          "rollup row refused by the database: dropped, the rest of the flush saved",
        ),
      );
    } catch (err) {
      if (err instanceof RollupWriteError) unwritten = err.unwritten;
      failure = err instanceof Error ? err : new Error(String(err));
    }
    // Last-seen times do not wait for the rollups: each is saved on its own.
    const touched = new Map(seen);
    seen.clear();
    try {
      await store.touchComponents(touched);
    } catch (err) {
      for (const [id, at] of touched) {
        const later = seen.get(id);
        if (later === undefined || later < at) seen.set(id, at);
      }
      failure ??= err instanceof Error ? err : new Error(String(err));
    }
    if (failure !== undefined) throw failure;
    // One at a time, removed once written: a failed write leaves the rest for the next flush.
    for (let e = pendingCapEvents[0]; e !== undefined; e = pendingCapEvents[0]) {
      await uow.transaction(async (tx) => {
        await deps.audit.record(tx, {
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
      pendingCapEvents.shift();
      metrics.recordCapReached();
      log.warn({ componentId: e.componentId, cap: e.cap }, "component reached its series cap");
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
      json: DEFAULT_JSON_BODY_LIMITS,
      onSeen: (ids, at) => ids.forEach((id) => seen.set(id, at)),
      ...(deps.rules ? { onPlatformStall: (at: number) => deps.rules?.platformStalled(at) } : {}),
      ...(deps.divert ? { divert: deps.divert } : {}),
    }),
    /** Runs a flush after any in progress; its failure is the caller's, not the next flush's. */
    flush: (): Promise<void> => {
      const run = flushing.then(() => flush());
      flushing = run.catch(() => undefined);
      return run;
    },
    purge: (now: Date) =>
      store.purgeOlderThan(new Date(now.getTime() - opts.retentionDays * 86_400_000)),
    stop: async () => {
      clearInterval(timer);
      unsubscribe();
      deps.divert?.close();
      await forwarder?.stop();
      await flushing.catch(() => undefined);
      await flush(true).catch((err: unknown) => log.error({ err }, "final collector flush failed"));
    },
  };
}

export type Collector = Awaited<ReturnType<typeof startCollector>>;
