// The notification worker (role "notify"): claims due outbox rows in small batches, sends each
// outside any transaction and records its outcome (sent / retry-with-backoff / failed /
// skipped) as soon as that one send ends. It polls on a short interval and is woken
// in-process right after an incident commits.
//
// Killed mid-batch: a claim is a lease of `leaseMs` (30 s), renewed every third of it while the
// send runs, so a dead worker's messages are taken over within ~30 s + one poll. The only
// message sent twice is one whose send completed but whose outcome was not recorded: the
// window is one UPDATE long per message (docs/decisions/0010-*).
import type { Logger } from "pino";
import { nextAttemptAtMs, type BackoffPolicy } from "../domain/notify/backoff.js";
import type { Clock } from "../infra/clock.js";
import { DeliveryError, type DeliveryChannel } from "./channels/channel.js";
import type { NotifyMetrics } from "./metrics.js";
import { fallBackToStaffWebhooks } from "./page-fallback.js";
import type { ClaimedMessage, Outcome, OutboxStore } from "./outbox.store.js";

export interface WorkerOptions {
  batchSize: number;
  pollMs: number;
  /** A `sending` row whose lease is older than this is orphaned (its worker died): reclaimed. */
  leaseMs: number;
  /** A message failing this long after it was queued is `failed` (NOTIFY_RETRY_FOR_HOURS). */
  retryForMs: number;
  /** A page e-mail failing this long also goes by the staff webhooks (page-fallback.ts). */
  pageFallbackMs: number;
  backoff: BackoffPolicy;
}

export const DEFAULT_WORKER_OPTIONS: WorkerOptions = {
  batchSize: 10,
  pollMs: 200,
  leaseMs: 30_000,
  retryForMs: 24 * 3_600_000,
  pageFallbackMs: 5 * 60_000,
  backoff: { baseMs: 2_000, capMs: 5 * 60_000 },
};

export interface WorkerDeps {
  outbox: Pick<OutboxStore, "claimDue" | "settle" | "renewClaims" | "staffWebhookIds" | "enqueue">;
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
    const batch = await this.deps.outbox.claimDue(
      this.deps.clock.now(),
      this.opts.leaseMs,
      this.opts.batchSize,
    );
    if (batch.length === 0) return 0;
    const inFlight = new Set(batch);
    // Real time, not the injected clock: the lease guards a send that is running now.
    const renewal = setInterval(
      () => {
        this.deps.outbox
          .renewClaims([...inFlight], this.deps.clock.now())
          .catch((err: unknown) =>
            this.deps.log.warn({ err }, "could not renew notification leases"),
          );
      },
      Math.max(1_000, Math.floor(this.opts.leaseMs / 3)),
    );
    renewal.unref();
    try {
      await Promise.all(
        batch.map(async (msg) => {
          const outcome = await this.deliver(msg);
          inFlight.delete(msg);
          await this.record(msg, outcome);
        }),
      );
    } finally {
      clearInterval(renewal);
    }
    return batch.length;
  }

  /** Records one outcome right after its send, so a crash can double at most that one. */
  private async record(msg: ClaimedMessage, outcome: Outcome): Promise<void> {
    const now = this.deps.clock.now();
    try {
      const kept = await this.deps.outbox.settle([{ msg, outcome }], now);
      if (!kept.has(msg.id))
        this.deps.log.warn(
          { id: msg.id },
          "notification claim taken over before its outcome was recorded",
        );
    } catch (err) {
      // The row stays `sending`; its lease runs out and another attempt is made.
      this.deps.log.error({ err, id: msg.id }, "could not record a notification outcome");
    }
    if (
      (outcome.state === "queued" || outcome.state === "failed") &&
      msg.event === "page" &&
      msg.channel === "email" &&
      now.getTime() - new Date(msg.queuedAt).getTime() >= this.opts.pageFallbackMs
    ) {
      try {
        const queued = await fallBackToStaffWebhooks(
          this.deps.outbox,
          msg,
          outcome.error,
          now,
          this.deps.log,
        );
        if (queued > 0) this.wake();
      } catch (err) {
        this.deps.log.error({ err, id: msg.id }, "could not queue a failing page's fallback");
      }
    }
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
    if (kind === "permanent") return { state: "failed", error };
    const next = nextAttemptAtMs(
      new Date(msg.queuedAt).getTime(),
      this.deps.clock.now().getTime(),
      this.opts.retryForMs,
      msg.attempts,
      (this.deps.random ?? Math.random)(),
      this.opts.backoff,
    );
    if (next === null)
      return { state: "failed", error: `${error} (retried for ${fmtMs(this.opts.retryForMs)})` };
    // A failing page is tried again when its fallback is due, not a jittered backoff later:
    // the staff webhooks are told at NOTIFY_PAGE_FALLBACK_MINUTES, not minutes after.
    const fallbackAt = new Date(msg.queuedAt).getTime() + this.opts.pageFallbackMs;
    const isPageMail = msg.event === "page" && msg.channel === "email";
    const now = this.deps.clock.now().getTime();
    const at = isPageMail && now < fallbackAt && next > fallbackAt ? fallbackAt : next;
    return { state: "queued", error, nextAttemptAt: new Date(at) };
  }
}

function fmtMs(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : `${Math.round(ms / 1000)} s`;
}
