// Optional forwarding of accepted samples, by Prometheus remote_write, to a long-term store
// (Prometheus, VictoriaMetrics, Mimir, Thanos). It is a SampleHook: onSample only copies
// into a bounded ring (oldest dropped and counted when full); sending happens off the ingest
// pass, one batch at a time, retried with exponential backoff and full jitter on network
// errors, 5xx and 429 (honouring Retry-After), dropped without retry on other 4xx.
import type { SampleHook } from "./ingest-contract.js";
import { WriteRequestEncoder, type EncodableSeries } from "./remote-write-encoder.js";
import type { Labels, Series } from "./series-store.js";
import { snappyCompress } from "./snappy.js";

export interface ForwarderOptions {
  url: string;
  headers?: Record<string, string>; // e.g. authorization
  fetch?: typeof fetch;
  maxQueueSamples?: number; // default 200,000
  maxBatchSamples?: number; // default 2,000 (Prometheus' max_samples_per_send)
  maxAttempts?: number; // per batch, default 10
  minBackoffMs?: number; // default 500
  maxBackoffMs?: number; // default 30,000
  timeoutMs?: number; // per request, default 10,000
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface ForwarderStats {
  sentSamples: number;
  requests: number;
  retries: number;
  droppedQueueFull: number;
  droppedRejected: number; // 4xx other than 429
  droppedRetriesExhausted: number;
}

type Outcome = "sent" | "rejected" | "exhausted";

/** Labels only the platform sets on forwarded series. */
export const PLATFORM_LABELS: ReadonlySet<string> = new Set(["contract_id", "component_id"]);

export class RemoteWriteForwarder implements SampleHook {
  readonly stats: ForwarderStats = {
    sentSamples: 0,
    requests: 0,
    retries: 0,
    droppedQueueFull: 0,
    droppedRejected: 0,
    droppedRetriesExhausted: 0,
  };
  private readonly o: Required<Omit<ForwarderOptions, "headers">> & {
    headers: Record<string, string>;
  };
  private readonly series: (Series | undefined)[];
  private readonly ts: Float64Array;
  private readonly values: Float64Array;
  private head = 0;
  private size = 0;
  private readonly encoder = new WriteRequestEncoder({ cacheLabels: true });
  private readonly labelled = new WeakMap<Series, Labels>();
  private flushing: Promise<void> | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(opts: ForwarderOptions) {
    this.o = {
      fetch: globalThis.fetch.bind(globalThis),
      maxQueueSamples: 200_000,
      maxBatchSamples: 2_000,
      maxAttempts: 10,
      minBackoffMs: 500,
      maxBackoffMs: 30_000,
      timeoutMs: 10_000,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      random: Math.random,
      ...opts,
      headers: opts.headers ?? {},
    };
    this.series = new Array<Series | undefined>(this.o.maxQueueSamples);
    this.ts = new Float64Array(this.o.maxQueueSamples);
    this.values = new Float64Array(this.o.maxQueueSamples);
  }

  get depth(): number {
    return this.size;
  }

  onSample(
    _componentId: string,
    series: Series,
    _labels: Labels,
    tsMs: number,
    value: number,
  ): void {
    const cap = this.series.length;
    if (this.size === cap) {
      this.head = (this.head + 1) % cap; // drop the oldest
      this.size--;
      this.stats.droppedQueueFull++;
    }
    const at = (this.head + this.size) % cap;
    this.series[at] = series;
    this.ts[at] = tsMs;
    this.values[at] = value;
    this.size++;
  }

  /** Sends everything queued now; concurrent calls share one flush. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  start(intervalMs: number): void {
    this.timer ??= setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private async drain(): Promise<void> {
    while (this.size > 0) {
      const n = Math.min(this.size, this.o.maxBatchSamples);
      const { body, samples } = this.takeBatch(n);
      const outcome = await this.send(body);
      if (outcome === "sent") this.stats.sentSamples += samples;
      else if (outcome === "rejected") this.stats.droppedRejected += samples;
      else this.stats.droppedRetriesExhausted += samples;
    }
  }

  // Moves n samples out of the ring (new samples may arrive while the batch is in flight).
  private takeBatch(n: number): { body: Uint8Array; samples: number } {
    const bySeries = new Map<Series, number[]>();
    const ts = new Float64Array(n);
    const values = new Float64Array(n);
    const cap = this.series.length;
    for (let i = 0; i < n; i++) {
      const at = (this.head + i) % cap;
      const s = this.series[at]!;
      this.series[at] = undefined;
      ts[i] = this.ts[at]!;
      values[i] = this.values[at]!;
      const list = bySeries.get(s);
      if (list) list.push(i);
      else bySeries.set(s, [i]);
    }
    this.head = (this.head + n) % cap;
    this.size -= n;
    const series: EncodableSeries[] = [...bySeries].map(([s, samples]) => ({
      labels: this.platformLabels(s),
      samples,
    }));
    return { body: snappyCompress(this.encoder.encode(series, ts, values)), samples: n };
  }

  /**
   * The series' labels with the tenant identity the platform vouches for: `contract_id` and
   * `component_id` come from the pushing token, replacing any labels of those names the
   * tenant sent. Built once per series (off the ingest pass) and kept with it, so the
   * encoder's per-labels cache still applies.
   */
  private platformLabels(s: Series): Labels {
    let labels = this.labelled.get(s);
    if (labels === undefined) {
      const entries: [string, string][] = [["component_id", s.component.id]];
      if (s.component.contractId !== undefined)
        entries.push(["contract_id", s.component.contractId]);
      for (const k in s.labels) if (!PLATFORM_LABELS.has(k)) entries.push([k, s.labels[k]!]);
      // remote_write wants labels sorted by name
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      labels = Object.fromEntries(entries);
      this.labelled.set(s, labels);
    }
    return labels;
  }

  private async send(body: Uint8Array): Promise<Outcome> {
    for (let attempt = 0; ; attempt++) {
      let retryAfterMs = 0;
      try {
        this.stats.requests++;
        const res = await this.o.fetch(this.o.url, {
          method: "POST",
          body: body as Uint8Array<ArrayBuffer>, // snappy output is never a SharedArrayBuffer
          headers: {
            "content-type": "application/x-protobuf",
            "content-encoding": "snappy",
            "x-prometheus-remote-write-version": "0.1.0",
            "user-agent": "msp-collector",
            ...this.o.headers,
          },
          signal: AbortSignal.timeout(this.o.timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined); // frees the connection
        if (res.ok) return "sent";
        if (res.status !== 429 && res.status < 500) return "rejected";
        retryAfterMs = 1000 * (Number(res.headers.get("retry-after")) || 0);
      } catch {
        // network error or timeout: retry
      }
      if (attempt + 1 >= this.o.maxAttempts) return "exhausted";
      this.stats.retries++;
      const ceiling = Math.min(this.o.maxBackoffMs, this.o.minBackoffMs * 2 ** attempt);
      await this.o.sleep(Math.max(retryAfterMs, this.o.random() * ceiling));
    }
  }
}
