// The transaction shape every incident use case shares: the use case records its changes
// (timeline rows) through `changes.record`; once it is done, still inside the transaction,
// the hub publishes them to the in-transaction listeners (the outbox commits with them), and
// after the commit to the after-commit listeners (never for a rolled-back transaction).
import type { Tx, UnitOfWork } from "../db/unit-of-work.js";
import type { IncidentEntity } from "../db/entities/index.js";
import type { Clock } from "../infra/clock.js";
import type { AlertIntakeStore } from "./alert-intake.store.js";
import type { IncidentChange, TimelineEntry } from "./events.js";
import type { IncidentHub } from "./hub.js";
import type { IncidentStore } from "./incident.store.js";
import type { QuotaStore } from "./quota.store.js";
import type { RoutingStore } from "./routing.store.js";
import type { TimelineStore } from "./timeline.store.js";

export interface IncidentSettings {
  /** A paged incident not acknowledged this long escalates (SPEC 4 default 15 min). */
  escalationAfterMs: number;
  /** A fire within this long after auto-resolution reopens the incident. */
  reopenWindowMs: number;
  /** Alert storms: a new key joins its contract's incident of the rule opened this recently. */
  groupWindowMs: number;
  /** From this many members an incident stays a group for later members. */
  groupMinMembers: number;
  /** A grouped incident's customer follow-up e-mail at most this often. */
  followupEveryMs: number;
  /** More than this share of a contract's components silent together: contract unreachable. */
  unreachableRatio: number;
}

/** What the incident use cases are given: stores, the unit of work, the hub, clock, settings. */
export interface IncidentDeps {
  uow: UnitOfWork;
  incidents: IncidentStore;
  timeline: TimelineStore;
  quota: QuotaStore;
  routing: RoutingStore;
  clock: Clock;
  hub: IncidentHub;
  settings: IncidentSettings;
}

/** The alert path also needs its set-based store (decision 0014). */
export interface AlertIntakeDeps extends IncidentDeps {
  intake: AlertIntakeStore;
}

/** The changes one transaction records, in order; published by `incidentTx`. */
export class Changes {
  readonly recorded: IncidentChange[] = [];
  constructor(
    readonly tx: Tx,
    private readonly timeline: TimelineStore,
  ) {}

  /** Appends the timeline entry: the change listeners are told about once this use case ends. */
  async record(incident: IncidentEntity, entry: TimelineEntry): Promise<void> {
    this.recorded.push(await this.timeline.append(this.tx, incident, entry));
  }
}

export async function incidentTx<T>(
  deps: Pick<IncidentDeps, "uow" | "timeline" | "hub">,
  fn: (tx: Tx, changes: Changes) => Promise<T>,
): Promise<T> {
  let changes: Changes | undefined;
  const result = await deps.uow.transaction(async (tx) => {
    changes = new Changes(tx, deps.timeline);
    const out = await fn(tx, changes);
    await deps.hub.inTransaction(tx, changes.recorded);
    return out;
  });
  deps.hub.afterCommit(changes?.recorded ?? []);
  return result;
}
