// Collector ownership (decision 0019): each contract's components are judged by exactly one
// live collector, the holder of the contract's lease in PostgreSQL. The heartbeat renews
// this collector's leases and takes those nobody renews (a collector that died); a push for
// a contract held elsewhere is forwarded to the holder (push-forward.ts).
import type { Logger } from "pino";
import type { OwnershipStore } from "./ownership.store.js";

export interface OwnershipOptions {
  /** Base URL the other collectors reach this one at (COLLECTOR_INTERNAL_URL). */
  internalUrl: string;
  /** A lease nobody renews for this long is free (COLLECTOR_LEASE_S). */
  leaseMs: number;
  /** Leases are renewed, and orphans looked for, this often (COLLECTOR_HEARTBEAT_S). */
  heartbeatMs: number;
}

/** Where a push for a contract goes. */
export type PushRoute =
  | { kind: "local" }
  | { kind: "forward"; ownerId: string; url: string }
  /** Held by a collector this one cannot name yet (a forwarded push, a lease in flux). */
  | { kind: "retry" };

export interface OwnershipDeps {
  store: OwnershipStore;
  log: Logger;
  /** Contracts just taken: rebuild their windows, timers and firing keys before judging. */
  onAcquired: (contractIds: readonly string[], atMs: number) => Promise<void>;
  /** Wall-clock ms, for onAcquired's "watched from". */
  nowMs: () => number;
}

/** Another collector's lease, remembered this long before asking the database again. */
const HOLDER_CACHE_MS = 1_000;

export class CollectorOwnership {
  /** Contracts this collector holds (as of the last renewal). */
  private readonly owned = new Set<string>();
  /** Monotonic time until which the held leases are surely still ours. */
  private validUntil = -Infinity;
  private readonly holders = new Map<string, { ownerId: string; url: string; until: number }>();
  private readonly acquiring = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> = Promise.resolve();
  private failureLoggedAt = -Infinity;

  constructor(
    readonly id: string,
    private readonly deps: OwnershipDeps,
    readonly opts: OwnershipOptions,
  ) {}

  /** Registers and takes orphaned leases; `port`: where HTTP listens (for a configured port 0). */
  async start(port?: number): Promise<void> {
    const url = new URL(this.opts.internalUrl);
    if (port !== undefined && url.port === "0") url.port = String(port);
    await this.deps.store.register(this.id, url.origin);
    await this.heartbeat();
    this.timer = setInterval(() => {
      this.beating = this.beating.then(() => this.heartbeat());
    }, this.opts.heartbeatMs);
    this.timer.unref();
  }

  /** Whether this collector judges the contract now (absence sweeps ask it). */
  owns(contractId: string): boolean {
    return this.owned.has(contractId) && performance.now() < this.validUntil;
  }

  /** Contracts held, for metrics and tests. */
  ownedCount(): number {
    return this.owned.size;
  }

  /**
   * Where a push for `contractId` goes. `forwarded`: it came from another collector, which
   * found this one the holder; it is never forwarded again (no loops).
   */
  async route(contractId: string, forwarded: boolean): Promise<PushRoute> {
    if (this.owns(contractId)) return { kind: "local" };
    const known = this.holders.get(contractId);
    if (!forwarded && known && known.until > performance.now())
      return { kind: "forward", ownerId: known.ownerId, url: known.url };
    let held;
    try {
      held = await this.deps.store.claim(this.id, contractId, this.opts.leaseMs);
    } catch (err) {
      // Without the database nobody can move a lease: the samples are kept here.
      this.logFailure(err, "lease claim failed: push ingested here");
      return { kind: "local" };
    }
    if (held === "ours") {
      await this.acquired([contractId]);
      return { kind: "local" };
    }
    if (forwarded || held.url === null || held.collectorId === this.id) return { kind: "retry" };
    this.holders.set(contractId, {
      ownerId: held.collectorId,
      url: held.url,
      until: performance.now() + HOLDER_CACHE_MS,
    });
    return { kind: "forward", ownerId: held.collectorId, url: held.url };
  }

  /** The holder did not answer: take its lease (only if it still holds it) and ingest here. */
  async takeOver(contractId: string, fromId: string): Promise<boolean> {
    this.holders.delete(contractId);
    const taken = await this.deps.store.takeFrom(this.id, contractId, fromId, this.opts.leaseMs);
    if (taken) {
      this.deps.log.warn(
        { contractId, from: fromId },
        "collector unreachable: contract taken over",
      );
      await this.acquired([contractId]);
    }
    return taken;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
    this.owned.clear();
    this.validUntil = -Infinity;
    await this.deps.store.release(this.id).catch((err: unknown) => {
      this.deps.log.warn({ err }, "collector leases not released: they expire instead");
    });
  }

  private async heartbeat(): Promise<void> {
    const sent = performance.now();
    try {
      const renewed = new Set(await this.deps.store.renew(this.id, this.opts.leaseMs));
      // Half a heartbeat of margin: the database counts the lease from a little later.
      this.validUntil = sent + this.opts.leaseMs - this.opts.heartbeatMs / 2;
      for (const c of this.owned)
        if (!renewed.has(c)) {
          this.owned.delete(c);
          this.deps.log.warn({ contractId: c }, "contract lease lost to another collector");
        }
      const newlyHeld = [...renewed].filter((c) => !this.owned.has(c));
      // A lease nobody renewed for a whole heartbeat more is an orphan: its holder is gone.
      const orphans = await this.deps.store.claimOrphans(
        this.id,
        this.opts.leaseMs,
        this.opts.heartbeatMs,
      );
      const taken = [...newlyHeld, ...orphans.filter((c) => !this.owned.has(c))];
      if (taken.length > 0) {
        this.deps.log.info({ contracts: taken.length }, "contracts taken over");
        await this.acquired(taken);
      }
    } catch (err) {
      this.logFailure(err, "collector heartbeat failed");
    }
  }

  /** Rebuilds the contracts' state once, then judges them. Concurrent pushes wait for it. */
  private async acquired(contractIds: readonly string[]): Promise<void> {
    const fresh = contractIds.filter((c) => !this.owned.has(c) && !this.acquiring.has(c));
    const waits = contractIds.map((c) => this.acquiring.get(c)).filter((p) => p !== undefined);
    if (fresh.length > 0) {
      const rebuild = this.deps
        .onAcquired(fresh, this.deps.nowMs())
        .catch((err: unknown) =>
          this.deps.log.error({ err }, "state of taken contracts not rebuilt: judged from now"),
        )
        .finally(() => {
          for (const c of fresh) {
            this.acquiring.delete(c);
            this.owned.add(c);
          }
        });
      for (const c of fresh) this.acquiring.set(c, rebuild);
      waits.push(rebuild);
    }
    await Promise.all(waits);
  }

  private logFailure(err: unknown, msg: string): void {
    const at = performance.now();
    if (at - this.failureLoggedAt < 10_000) return;
    this.failureLoggedAt = at;
    this.deps.log.warn({ err }, msg);
  }
}
