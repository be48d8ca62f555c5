// Aggregation across the series of one component (sum, avg, max, min), grouped by labels.
// A group keeps each member's latest value; a member not updated within `staleMs` of the
// newest update (a CPU taken offline, a filesystem unmounted) no longer counts.

export const AGGREGATES = ["sum", "avg", "max", "min"] as const;
export type Aggregate = (typeof AGGREGATES)[number];

export class AggregateGroup {
  private readonly values: number[] = [];
  private readonly at: number[] = [];

  constructor(
    readonly fn: Aggregate,
    readonly staleMs: number,
  ) {}

  /** A new member slot (one per series feeding the group). */
  join(): number {
    this.values.push(NaN);
    this.at.push(-Infinity);
    return this.values.length - 1;
  }

  /** Sets a member's value and returns the aggregate at `tsMs` (NaN when no member has data). */
  update(member: number, tsMs: number, value: number): number {
    this.values[member] = value;
    this.at[member] = tsMs;
    return this.value(tsMs);
  }

  value(tsMs: number): number {
    const horizon = tsMs - this.staleMs;
    let n = 0;
    let acc = this.fn === "max" ? -Infinity : this.fn === "min" ? Infinity : 0;
    for (let i = 0; i < this.values.length; i++) {
      const v = this.values[i]!;
      if (v !== v || this.at[i]! < horizon) continue;
      n++;
      if (this.fn === "max") acc = v > acc ? v : acc;
      else if (this.fn === "min") acc = v < acc ? v : acc;
      else acc += v;
    }
    if (n === 0) return NaN;
    return this.fn === "avg" ? acc / n : acc;
  }
}

/** The group a series belongs to: the values of the `by` labels, in the order given. */
export function groupKeyOf(
  labels: Readonly<Record<string, string>>,
  by: readonly string[],
): string {
  let key = "";
  for (let i = 0; i < by.length; i++) {
    const v = labels[by[i]!];
    if (v === undefined) continue;
    key += `${key === "" ? "" : ","}${by[i]}=${v}`;
  }
  return key;
}
