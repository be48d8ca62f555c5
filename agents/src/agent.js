// @ts-check
import { silentLogger } from "./log.js";

/** @typedef {import("./points.js").Point} Point */

/**
 * The collect loop: every interval, collect, add the agent's own counters, buffer, and wake
 * the delivery loop. Collection and delivery are decoupled so a slow or dead collector
 * never delays or skips a collection.
 */
export class Agent {
  /**
   * @param {{
   *   collector: import("./points.js").Collector, buffer: import("./buffer.js").SampleBuffer,
   *   delivery: import("./delivery.js").Delivery, intervalMs: number,
   *   now?: () => number, log?: import("./log.js").Logger,
   * }} opts
   */
  constructor(opts) {
    this.collector = opts.collector;
    this.buffer = opts.buffer;
    this.delivery = opts.delivery;
    this.intervalMs = opts.intervalMs;
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? silentLogger;
    this.abort = new AbortController();
    /** @type {Promise<void>} */
    this.sending = Promise.resolve();
    /** @type {Promise<void>} */
    this.collecting = Promise.resolve();
    /** @type {NodeJS.Timeout | undefined} */
    this.timer = undefined;
    this.stopped = false;
  }

  start() {
    this.sending = this.delivery.run(this.abort.signal);
    const t0 = this.now();
    const tick = () => {
      this.collecting = this.collectOnce().finally(() => {
        if (this.stopped) return;
        // Stay on the t0 + k·interval grid; an overrun skips ticks instead of bunching them.
        const elapsed = this.now() - t0;
        const next = (Math.floor(elapsed / this.intervalMs) + 1) * this.intervalMs - elapsed;
        this.timer = setTimeout(tick, next);
      });
    };
    tick();
  }

  async collectOnce() {
    const ts = this.now();
    try {
      const points = await this.collector.collect();
      points.push(...this.selfMetrics());
      this.buffer.push(ts, points);
      this.delivery.notify();
    } catch (err) {
      this.log.error("collection failed", { error: String(err) });
    }
  }

  /** The agent's own health, sent with every collection so rules can watch the pipe itself. @returns {Point[]} */
  selfMetrics() {
    const { dropped } = this.buffer;
    return [
      {
        name: "msp_agent_dropped_samples_total",
        labels: { reason: "buffer_full" },
        value: dropped.buffer_full,
      },
      {
        name: "msp_agent_dropped_samples_total",
        labels: { reason: "rejected" },
        value: dropped.rejected,
      },
      { name: "msp_agent_send_failures_total", labels: {}, value: this.delivery.sendFailures },
      { name: "msp_agent_sent_samples_total", labels: {}, value: this.delivery.sentSamples },
      { name: "msp_agent_buffered_samples", labels: {}, value: this.buffer.size },
    ];
  }

  /**
   * Stops collecting, lets the send loop finish its current request, then makes one flush
   * attempt bounded by flushTimeoutMs. Unsent samples remain in the spool, if any.
   * @param {number} flushTimeoutMs @returns {Promise<boolean>} true when nothing is left unsent
   */
  async stop(flushTimeoutMs) {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.collecting;
    this.abort.abort();
    await this.sending;
    const flushed = await this.delivery.flush(flushTimeoutMs);
    this.collector.close?.();
    return flushed;
  }
}
