// The main thread's side of clients.worker.ts: start the clients, then wait for "every
// client received version v".
import { Worker } from "node:worker_threads";

export interface Receipt {
  version: string;
  first: number;
  last: number;
}

export class ClientPool {
  readonly leaks: string[] = [];
  private readonly receipts = new Map<string, Receipt>();
  private readonly waiters = new Map<string, (r: Receipt) => void>();
  private constructor(private readonly worker: Worker) {}

  static async start(url: string, tokens: string[], decoys: string[] = []): Promise<ClientPool> {
    // Node 20 resolves a worker's entry before --import hooks run there: register tsx first.
    const entry = JSON.stringify(new URL("./clients.worker.ts", import.meta.url).href);
    const worker = new Worker(
      `import("tsx/esm/api").then(({ register }) => { register(); return import(${entry}); })`,
      { eval: true, workerData: { url, tokens, decoys } },
    );
    const pool = new ClientPool(worker);
    await new Promise<void>((resolve, reject) => {
      worker.once("error", reject);
      worker.on("message", (m: { type: string } & Receipt) => {
        if (m.type === "ready") resolve();
        else if (m.type === "leak") pool.leaks.push(m.version);
        else if (m.type === "all") pool.received(m);
      });
    });
    return pool;
  }

  /** Resolves when every client has `version`; rejects after `timeoutMs`. */
  whenAll(version: string, timeoutMs = 10_000): Promise<Receipt> {
    const got = this.receipts.get(version);
    if (got) return Promise.resolve(got);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`version ${version} not received by all clients`)),
        timeoutMs,
      );
      this.waiters.set(version, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
  }

  async close(): Promise<void> {
    this.worker.postMessage({ type: "close" });
    await new Promise((r) => setTimeout(r, 200));
    await this.worker.terminate();
  }

  private received(r: Receipt): void {
    this.receipts.set(r.version, r);
    this.waiters.get(r.version)?.(r);
    this.waiters.delete(r.version);
  }
}
