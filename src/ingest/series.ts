// The objects a series is known by outside the store: its component's counters and the
// Series handle (labels decoded once, a slot for the rule engine's state).

export type Labels = Readonly<Record<string, string>>;

/** What counts against a component's cap; see caps.ts. */
export class ComponentState {
  readonly series: Series[] = [];
  active = 0;
  armed = true;
  removed = false;
  sweptAtMs = -Infinity;
  /** The last request that accepted a sample of this component (for "last seen"). */
  seenInRequest = 0;
  constructor(
    readonly id: string,
    readonly seed: number, // scope seed of the series hash
    public cap: number,
    public contractId: string | undefined,
  ) {}
}

export class Series {
  /** Free slot for the rule engine's per-series state (saves it a map lookup per sample). */
  ruleState: unknown = undefined;
  /** The rollup writer's id of this series in storage (0 = not resolved yet, -1 = none). */
  storageId = 0;
  constructor(
    readonly id: number,
    readonly component: ComponentState,
    readonly labels: Labels,
  ) {}
  get componentId(): string {
    return this.component.id;
  }
}
