// Collector ownership (decision 0019): each contract's components are judged by exactly one
// live collector, the holder of the contract's lease in PostgreSQL. The heartbeat renews
// this collector's leases and takes those nobody renews (a collector that died); a push for
// a contract held elsewhere is forwarded to the holder (push-forward.ts). A contract whose
// pushes have all come forwarded by one other live collector for `handOverAfterMs` is handed
// to that collector (decision 0023): a collector added behind a hashing balancer takes the
// contracts hashed to it, instead of forwarding them to the older collector for ever.
import type { Logger } from "pino";
import type { OwnershipStore } from "./ownership.store.js";

export interface OwnershipOptions {
  /** Base URL the other collectors reach this one at (COLLECTOR_INTERNAL_URL). */
  internalUrl: string;
  /** A lease nobody renews for this long is free (COLLECTOR_LEASE_S). */
  leaseMs: number;
  /** Leases are renewed, and orphans looked for, this often (COLLECTOR_HEARTBEAT_S). */
  heartbeatMs: number;
  /**
   * A held contract whose pushes all came forwarded by one other collector for this long is
   * handed to it (COLLECTOR_HANDOFF_S; 0: never).
   */
  handOverAfterMs: number;
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
  /** Wall-clock ms, for onAcquired's "watched from" and the hand-over streaks. */
  nowMs: () => number;
  /** Before contracts are handed over: store what the new holder rebuilds from (rollups). */
  beforeHandOver?: (contractIds: readonly string[]) => Promise<void>;
  /**
   * Contracts no longer held (handed over, or lost to another collector): their state here
   * can go, the holder keeps it; taken again, they are rebuilt as after any takeover.
   */
  onReleased?: (contractIds: readonly string[]) => void;
  /** Counted per contract handed over (metrics). */
  onHandedOver?: (contractId: string, toId: string) => void;
}

/** Since when a held contract's pushes have all come forwarded by `via`. */
interface Streak {
  via: string;
  sinceMs: number;
  lastMs: number;
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
  private readonly streaks = new Map<string, Streak>();
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
   * Where a push for `contractId` goes. `forwardedBy`: the collector it came from, which found
   * this one the holder; it is never forwarded again (no loops).
   */
  async route(contractId: string, forwardedBy?: string): Promise<PushRoute> {
    const forwarded = forwardedBy !== undefined;
    if (this.owns(contractId)) {
      this.notePush(contractId, forwardedBy);
      return { kind: "local" };
    }
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

  /**
   * Hands each held contract whose pushes have all come forwarded by one other collector for
   * `handOverAfterMs` (first to last; the last within two heartbeats) to that collector, if
   * it is alive: the rollups are stored first, then the lease moves in one conditional
   * statement; the new holder rebuilds the contract's state as after a takeover. Returns the
   * contracts moved.
   */
  async rebalance(): Promise<string[]> {
    const after = this.opts.handOverAfterMs;
    if (after <= 0 || this.streaks.size === 0) return [];
    const now = this.deps.nowMs();
    const due = [...this.streaks].filter(
      ([c, s]) => this.owns(c) && s.lastMs - s.sinceMs >= after && this.isRecent(s, now),
    );
    if (due.length === 0) return [];
    await this.deps.beforeHandOver?.(due.map(([c]) => c));
    const moved: string[] = [];
    for (const [contractId, { via }] of due) {
      this.streaks.delete(contractId);
      const handed = await this.deps.store.handOver(this.id, contractId, via, this.opts.leaseMs);
      if (!handed) continue;
      this.owned.delete(contractId);
      moved.push(contractId);
      this.deps.onHandedOver?.(contractId, via);
      this.deps.log.info(
        { contractId, to: via },
        "contract handed to the collector its pushes arrive at",
      );
    }
    this.released(moved);
    return moved;
  }

  private released(contractIds: readonly string[]): void {
    if (contractIds.length === 0) return;
    try {
      this.deps.onReleased?.(contractIds);
    } catch (err) {
      this.deps.log.error({ err }, "state of released contracts not dropped: it expires instead");
    }
  }

  /** A streak is alive while its last forwarded push is within two heartbeats. */
  private isRecent(s: Streak, now: number): boolean {
    return now - s.lastMs <= this.opts.heartbeatMs * 2;
  }

  /** A push ingested here: a direct one breaks the streak, a forwarded one extends it. */
  private notePush(contractId: string, forwardedBy: string | undefined): void {
    if (this.opts.handOverAfterMs <= 0) return;
    if (forwardedBy === undefined) {
      this.streaks.delete(contractId);
      return;
    }
    const now = this.deps.nowMs();
    const s = this.streaks.get(contractId);
    if (s === undefined || s.via !== forwardedBy || !this.isRecent(s, now))
      this.streaks.set(contractId, { via: forwardedBy, sinceMs: now, lastMs: now });
    else s.lastMs = now;
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
      const lost = [...this.owned].filter((c) => !renewed.has(c));
      for (const c of lost) {
        this.owned.delete(c);
        this.streaks.delete(c);
        this.deps.log.warn({ contractId: c }, "contract lease lost to another collector");
      }
      this.released(lost);
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
      await this.rebalance();
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
