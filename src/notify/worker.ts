// The notification worker (role "notify"): claims due outbox rows in batches, sends each
// outside any transaction, then records sent / retry-with-backoff / failed / skipped. It
// polls on a short interval and is woken in-process right after an incident commits.
import type { Logger } from "pino";
import { isExhausted, retryDelayMs, type BackoffPolicy } from "../domain/notify/backoff.js";
import type { Clock } from "../platform/clock.js";
import { DeliveryError, type DeliveryChannel } from "./channels/channel.js";
import type { NotifyMetrics } from "./metrics.js";
import {
  claimDue,
  settle,
  type ClaimedMessage,
  type Outcome,
  type Queryable,
} from "./outbox.store.js";

export interface WorkerOptions {
  batchSize: number;
  pollMs: number;
  /** A `sending` row older than this is assumed orphaned by a dead worker and reclaimed. */
  leaseMs: number;
  maxAttempts: number;
  backoff: BackoffPolicy;
}

export const DEFAULT_WORKER_OPTIONS: WorkerOptions = {
  batchSize: 50,
  pollMs: 200,
  leaseMs: 5 * 60_000,
  maxAttempts: 8,
  backoff: { baseMs: 2_000, capMs: 10 * 60_000 },
};

export interface WorkerDeps {
  db: Queryable;
  clock: Clock;
  log: Logger;
  channels: Record<string, DeliveryChannel>;
  metrics?: NotifyMetrics;
  random?: () => number;
}

export class NotifyWorker {
  private running: Promise<void> | null = null;
  private stopped = false;
  private woken = false;
  private wakeSleeper: (() => void) | null = null;

  constructor(
    private readonly deps: WorkerDeps,
    private readonly opts: WorkerOptions = DEFAULT_WORKER_OPTIONS,
  ) {}

  start(): void {
    if (this.running) return;
    this.stopped = false;
    this.running = this.loop();
  }

  /** Called after a commit that queued messages: skip the rest of the poll interval. */
  wake(): void {
    this.woken = true;
    this.wakeSleeper?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.running;
    this.running = null;
  }

  /** Claims and processes one batch; returns how many messages it claimed. */
  async runOnce(): Promise<number> {
    const batch = await claimDue(
      this.deps.db,
      this.deps.clock.now(),
      this.opts.leaseMs,
      this.opts.batchSize,
    );
    const results = await Promise.all(
      batch.map(async (msg) => ({ msg, outcome: await this.deliver(msg) })),
    );
    try {
      const kept = await settle(this.deps.db, results, this.deps.clock.now());
      const lost = results.filter((r) => !kept.has(r.msg.id)).map((r) => r.msg.id);
      if (lost.length > 0)
        this.deps.log.warn(
          { lost },
          "notification claims taken over before their outcome was recorded",
        );
    } catch (err) {
      // The rows stay `sending`; their lease runs out and another attempt is made.
      this.deps.log.error({ err }, "could not record notification outcomes");
    }
    return batch.length;
  }

  /** Runs batches until nothing is due (tests and the bench). */
  async drain(): Promise<number> {
    let total = 0;
    for (let n = await this.runOnce(); n > 0; n = await this.runOnce()) total += n;
    return total;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let claimed = 0;
      try {
        claimed = await this.runOnce();
      } catch (err) {
        this.deps.log.error({ err }, "notify worker batch failed");
      }
      if (claimed < this.opts.batchSize && !this.stopped) await this.sleep(this.opts.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeSleeper = null;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeSleeper = done;
    });
  }

  private async deliver(msg: ClaimedMessage): Promise<Outcome> {
    const { metrics, log } = this.deps;
    const channel = this.deps.channels[msg.channel];
    const started = performance.now();
    let outcome: Outcome;
    try {
      if (!channel) throw new DeliveryError("no_channel", `no channel ${msg.channel}`, "permanent");
      const result = await channel.send(msg);
      outcome = { state: "sent", providerId: result.providerId };
    } catch (err) {
      outcome = this.failureOutcome(msg, err);
      const reason = err instanceof DeliveryError ? err.reason : "error";
      metrics?.failures.inc({ channel: msg.channel, reason });
      log.warn(
        { id: msg.id, channel: msg.channel, reason, attempts: msg.attempts, err },
        "notification attempt failed",
      );
    }
    metrics?.sendSeconds.observe({ channel: msg.channel }, (performance.now() - started) / 1000);
    return outcome;
  }

  private failureOutcome(msg: ClaimedMessage, err: unknown): Outcome {
    const error = err instanceof Error ? err.message : String(err);
    const kind = err instanceof DeliveryError ? err.kind : "retry";
    if (kind === "skip") return { state: "skipped", error };
    if (kind === "permanent" || isExhausted(msg.attempts, this.opts.maxAttempts))
      return { state: "failed", error };
    const delay = retryDelayMs(
      msg.attempts,
      (this.deps.random ?? Math.random)(),
      this.opts.backoff,
    );
    return {
      state: "queued",
      error,
      nextAttemptAt: new Date(this.deps.clock.now().getTime() + delay),
    };
  }
}
