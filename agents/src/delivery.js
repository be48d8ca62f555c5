// @ts-check
import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { abortableSleep, backoffDelayMs, parseRetryAfterMs } from "./backoff.js";
import { batchToSeries } from "./buffer.js";
import { silentLogger } from "./log.js";
import { buildPayload } from "./points.js";

/** @typedef {import("./buffer.js").Entry} Entry */
/** @typedef {{ outcome: "empty" | "sent" | "rejected" | "split" | "retry", retryAfterMs?: number | null }} AttemptResult */

/**
 * Moves batches from the buffer to the collector, one request at a time, oldest first.
 * A batch leaves the buffer only on a 2xx (sent) or a permanent 4xx (rejected and counted);
 * anything else releases it for a later retry with backoff.
 */
export class Delivery {
  /**
   * @param {{
   *   buffer: import("./buffer.js").SampleBuffer, transport: import("./transport.js").Transport,
   *   os: import("./points.js").AgentOs, host: string, maxBatchSamples?: number,
   *   backoff?: { baseMs: number, maxMs: number }, maxRetryAfterMs?: number,
   *   random?: () => number, sleep?: (ms: number, signal?: AbortSignal) => Promise<void>,
   *   now?: () => number, log?: import("./log.js").Logger,
   * }} opts
   */
  constructor(opts) {
    this.buffer = opts.buffer;
    this.transport = opts.transport;
    this.os = opts.os;
    this.host = opts.host;
    this.batchLimit = opts.maxBatchSamples ?? 10_000;
    this.backoff = opts.backoff ?? { baseMs: 1_000, maxMs: 300_000 };
    // A misconfigured proxy answering "Retry-After: 86400" must not silence the host for a day.
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? 600_000;
    this.random = opts.random ?? Math.random;
    this.sleep = opts.sleep ?? abortableSleep;
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? silentLogger;
    // Idempotency keys must not repeat across restarts, when buffer ids start again at 1.
    this.nonce = randomBytes(6).toString("hex");
    this.sendFailures = 0;
    this.sentSamples = 0;
    /** @type {(() => void) | null} */
    this.wake = null;
  }

  /** Called after each push so an idle loop sends at once. */
  notify() {
    this.wake?.();
  }

  /** @returns {Promise<AttemptResult>} */
  async attempt() {
    const batch = this.buffer.take(this.batchLimit);
    if (batch.length === 0) return { outcome: "empty" };
    const samples = batch.reduce((n, e) => n + e.values.length, 0);
    const payload = buildPayload({ os: this.os, host: this.host, series: batchToSeries(batch) });
    const body = gzipSync(JSON.stringify(payload));
    // Lets the collector discard a replay whose first response was lost (e.g. a timeout after commit).
    const key = `${this.nonce}-${batch[0]?.id}-${batch[batch.length - 1]?.id}`;
    /** @type {import("./transport.js").PostResult} */
    let res;
    try {
      res = await this.transport.post(body, { "idempotency-key": key });
    } catch (err) {
      return this.failed(batch, { error: String(err) }, null);
    }
    const { status } = res;
    if (status >= 200 && status < 300) {
      this.buffer.ack(batch);
      this.sentSamples += samples;
      return { outcome: "sent" };
    }
    if (status === 413 && batch.length > 1) {
      // Too large for the collector's body limit, not wrong: send smaller batches from now on.
      this.batchLimit = Math.max(1, Math.floor(samples / 2));
      this.sendFailures++;
      this.buffer.release(batch);
      return { outcome: "split" };
    }
    if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
      this.sendFailures++;
      this.buffer.reject(batch);
      this.log.error("collector rejected batch; dropped", {
        status,
        samples,
        body: res.body.slice(0, 500),
      });
      return { outcome: "rejected" };
    }
    const retryAfterMs =
      status === 429 || status === 503 ? parseRetryAfterMs(res.retryAfter, this.now()) : null;
    return this.failed(batch, { status, body: res.body.slice(0, 200) }, retryAfterMs);
  }

  /** @param {Entry[]} batch @param {Record<string, unknown>} why @param {number | null} retryAfterMs @returns {AttemptResult} */
  failed(batch, why, retryAfterMs) {
    this.sendFailures++;
    this.buffer.release(batch);
    this.log.warn("send failed; will retry", { ...why, buffered: this.buffer.size });
    return { outcome: "retry", retryAfterMs };
  }

  /** Sends until aborted, waiting for data when idle and backing off after failures. @param {AbortSignal} signal */
  async run(signal) {
    let failures = 0;
    while (!signal.aborted) {
      const r = await this.attempt();
      if (r.outcome === "empty") await this.waitForData(signal);
      else if (r.outcome !== "retry") failures = 0;
      else if (r.retryAfterMs != null)
        await this.sleep(Math.min(r.retryAfterMs, this.maxRetryAfterMs), signal);
      else await this.sleep(backoffDelayMs(failures++, this.backoff, this.random), signal);
    }
  }

  /** @param {AbortSignal} signal @returns {Promise<void>} */
  waitForData(signal) {
    return new Promise((resolve) => {
      // A push may have landed between take() and here: do not sleep on it.
      if (this.buffer.entries.length > 0 || signal.aborted) return resolve();
      const done = () => {
        this.wake = null;
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.wake = done;
      signal.addEventListener("abort", done, { once: true });
    });
  }

  /**
   * Shutdown: send what is buffered without backoff until empty, the first retryable failure,
   * or the deadline; what remains stays in the spool for the next start.
   * @param {number} timeoutMs @returns {Promise<boolean>} true when everything was delivered
   */
  async flush(timeoutMs) {
    const deadline = this.now() + timeoutMs;
    while (this.now() < deadline) {
      const r = await this.attempt();
      if (r.outcome === "empty") return true;
      if (r.outcome === "retry") return false;
    }
    return this.buffer.entries.length === 0;
  }
}
