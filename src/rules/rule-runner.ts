// Runs the rule engine in the collector role: loads rules and the component directory,
// rebuilds timers from state at start, sweeps for absence every second and reloads rules
// every 30 s (other instances' changes) or at once when this process changed them. Where
// several collectors share PostgreSQL, it also reads the last-seen times they flushed, so a
// component pushing to another collector is not declared silent here (decision 0017).
import type { Logger } from "pino";
import { Counter, Gauge, type Registry } from "prom-client";
import type { DataSource } from "typeorm";
import type { AlertSink } from "../incidents/alerts.js";
import type { IngestPipeline } from "../ingest/ingest-pipeline.js";
import type { Clock } from "../infra/clock.js";
import { RuleEngine } from "./rule-engine.js";
import { loadDirectory, loadFiringKeys, loadLastSeen, loadRuleSpecs } from "./rule-store.js";

export interface RuleRunnerOptions {
  sweepIntervalMs: number;
  reloadIntervalMs: number;
  /** An unknown component triggers a reload at most this often. */
  unknownReloadMs: number;
  /** Other collectors' last-seen times are read this often (0: this is the only collector). */
  sharedLastSeenMs: number;
}
export const DEFAULT_RULE_RUNNER_OPTIONS: RuleRunnerOptions = {
  sweepIntervalMs: 1_000,
  reloadIntervalMs: 30_000,
  unknownReloadMs: 5_000,
  sharedLastSeenMs: 0,
};
/** Components seen longer ago than this are not re-read: their time no longer moves. */
const SHARED_LAST_SEEN_HORIZON_MS = 10 * 60_000;

/** A sweep tick this much later than due counts as a stall of the whole process. */
const STALL_SLACK_MS = 2_000;

export interface RuleRunner {
  engine: RuleEngine;
  /** Re-reads rules and components; resolves once the engine has them. */
  reload: () => Promise<void>;
  /** Reads the last-seen times other collectors flushed (components.last_seen_at). */
  refreshLastSeen: () => Promise<void>;
  /** Takes last-seen times from the collector's rebuilt window (after its start). */
  adopt: (pipeline: IngestPipeline, componentIds?: Iterable<string>) => void;
  stop: () => Promise<void>;
}

export async function startRuleRunner(
  deps: { db: DataSource; clock: Clock; log: Logger; sink: AlertSink; registry?: Registry },
  opts: RuleRunnerOptions = DEFAULT_RULE_RUNNER_OPTIONS,
): Promise<RuleRunner> {
  const { db, clock, log } = deps;
  const metrics = ruleMetrics(deps.registry);
  let lastUnknownReload = -Infinity;
  const engine = new RuleEngine({
    sink: deps.sink,
    onAlert: (action) => metrics?.alerts.inc({ kind: action }),
    onUnknownComponent: () => {
      const now = clock.now().getTime();
      if (now - lastUnknownReload < opts.unknownReloadMs) return;
      lastUnknownReload = now;
      void reload();
    },
  });
  let fingerprint = "";
  const load = async () => {
    const now = clock.now();
    const [rules, directory] = await Promise.all([
      loadRuleSpecs(db.manager),
      loadDirectory(db, now),
    ]);
    const print = JSON.stringify([rules, [...directory]]);
    if (print === fingerprint) return;
    fingerprint = print;
    engine.load(rules, directory, now.getTime());
    metrics?.rules.set(rules.filter((r) => r.enabled).length);
  };
  // Single flight: a reload asked for while one runs waits for a fresh one after it.
  let running: Promise<void> = Promise.resolve();
  const reload = (): Promise<void> =>
    (running = running
      .catch(() => undefined)
      .then(load)
      .catch((err: unknown) => log.error({ err }, "rule reload failed")));

  // Timers survive a restart: last-seen times and the keys with an unresolved incident.
  engine.restore(await loadLastSeen(db), await loadFiringKeys(db));
  await reload();
  // Nobody could push while this process was down: silence counts from its start.
  engine.platformStalled(clock.now().getTime());

  let lastTick = performance.now();
  const sweepTimer = setInterval(() => {
    try {
      // A late tick means the event loop was blocked: pushes waited too, silence is not theirs.
      const tick = performance.now();
      if (tick - lastTick > opts.sweepIntervalMs + STALL_SLACK_MS) {
        log.warn({ lateMs: Math.round(tick - lastTick) }, "event loop stalled: absence held");
        engine.platformStalled(clock.now().getTime());
      }
      lastTick = tick;
      engine.sweep(clock.now().getTime());
    } catch (err) {
      log.error({ err }, "rule sweep failed");
    }
  }, opts.sweepIntervalMs);
  const reloadTimer = setInterval(() => void reload(), opts.reloadIntervalMs);
  sweepTimer.unref();
  reloadTimer.unref();
  // Pushes may reach another collector (several behind one address): their last-seen times,
  // flushed every 10 s, hold off absence here and end a silence declared here. Raising a
  // time only: never a false silence.
  const refreshLastSeen = async () => {
    const since = new Date(clock.now().getTime() - SHARED_LAST_SEEN_HORIZON_MS);
    for (const [id, ms] of await loadLastSeen(db, since)) engine.seenElsewhere(id, ms);
  };
  let refreshing: Promise<void> | undefined;
  const sharedTimer =
    opts.sharedLastSeenMs > 0
      ? setInterval(() => {
          refreshing ??= refreshLastSeen()
            .catch((err: unknown) => log.warn({ err }, "shared last-seen not read"))
            .finally(() => (refreshing = undefined));
        }, opts.sharedLastSeenMs)
      : undefined;
  sharedTimer?.unref();

  return {
    engine,
    reload,
    refreshLastSeen,
    adopt: (pipeline, componentIds) => {
      for (const id of componentIds ?? [...pipeline.components()].map((c) => c.id))
        for (const s of pipeline.listSeries(id))
          engine.adoptSeries(s, pipeline.core.store.lastTimestamp(s));
    },
    stop: async () => {
      clearInterval(sweepTimer);
      clearInterval(reloadTimer);
      clearInterval(sharedTimer);
      await running;
      await refreshing;
    },
  };
}

function ruleMetrics(registry: Registry | undefined) {
  if (registry === undefined) return undefined;
  return {
    alerts: new Counter({
      name: "rule_engine_alerts_total",
      help: "Alerts the rule engine sent to the incident engine, by kind (fire, repeat, clear)",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    rules: new Gauge({
      name: "rule_engine_rules",
      help: "Enabled rules loaded by the rule engine",
      registers: [registry],
    }),
  };
}
