// Per-component active-series cap (SPEC section 3). A new or revived series needs a slot;
// existing active series always flow. When a component is full, one `cap_reached` event is
// raised; it re-arms once the component is below its cap again (stale slots freed or a cap
// relaxation). Time is a parameter; freeing stale slots is the caller's `reclaim`.

export interface CapPolicy {
  baseSeries: number; // tariff setting, default 200
  seriesPerStep: number; // per cap relaxation step, default +200
}
export const DEFAULT_CAP_POLICY: CapPolicy = { baseSeries: 200, seriesPerStep: 200 };

export function capFor(relaxationSteps: number, policy: CapPolicy = DEFAULT_CAP_POLICY): number {
  if (!Number.isInteger(relaxationSteps) || relaxationSteps < 0)
    throw new RangeError("relaxationSteps");
  return policy.baseSeries + relaxationSteps * policy.seriesPerStep;
}

/** The counters of one component (ComponentState implements it). */
export interface CapState {
  readonly id: string;
  cap: number;
  active: number;
  armed: boolean;
}

export interface CapReachedEvent {
  componentId: string;
  cap: number;
  activeSeries: number;
  atMs: number;
}

/** A cap event read back from elsewhere (the change feed), or undefined when malformed. */
export function capReachedOf(v: unknown): CapReachedEvent | undefined {
  if (typeof v !== "object" || v === null) return undefined;
  const e = v as Record<string, unknown>;
  const int = (x: unknown) => typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
  if (typeof e.componentId !== "string" || !int(e.cap) || !int(e.activeSeries) || !int(e.atMs))
    return undefined;
  return {
    componentId: e.componentId,
    cap: e.cap as number,
    activeSeries: e.activeSeries as number,
    atMs: e.atMs as number,
  };
}

/** Outcome of one push for one component, as the HTTP answer reports it. */
export interface CapOutcome {
  componentId: string;
  rejectedSeries: number;
  cap: number;
}

export class CapGate {
  constructor(private readonly onCapReached: (event: CapReachedEvent) => void = () => {}) {}

  /**
   * True when `c` may take one more active series. When full, `reclaim` is asked once to free
   * stale slots before refusing.
   */
  admit(c: CapState, nowMs: number, reclaim: (c: CapState, nowMs: number) => void): boolean {
    if (c.active < c.cap) {
      c.armed = true;
      return true;
    }
    reclaim(c, nowMs);
    if (c.active < c.cap) {
      c.armed = true;
      return true;
    }
    if (c.armed) {
      c.armed = false;
      this.onCapReached({ componentId: c.id, cap: c.cap, activeSeries: c.active, atMs: nowMs });
    }
    return false;
  }

  /** After slots were freed: below the cap the event may fire again. */
  settle(c: CapState): void {
    if (c.active < c.cap) c.armed = true;
  }

  setCap(c: CapState, cap: number): void {
    if (c.cap === cap) return;
    c.cap = cap;
    this.settle(c);
  }
}
