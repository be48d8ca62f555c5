// The label identity of an alert: canonical `k=v,…` sorted by name, without __name__ (so a
// ratio's numerator and denominator series share it), and the rule's exact matchers.

export type LabelSet = Readonly<Record<string, string>>;

export function labelsKeyOf(labels: LabelSet): string {
  const names = Object.keys(labels)
    .filter((k) => k !== "__name__")
    .sort();
  return names.map((k) => `${k}=${labels[k]}`).join(",");
}

export function withoutName(labels: LabelSet): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in labels) if (k !== "__name__") out[k] = labels[k]!;
  return out;
}

/** Every matcher equals the series' label (an absent label never matches). */
export function matchesAll(labels: LabelSet, matchers: LabelSet): boolean {
  for (const k in matchers) if (labels[k] !== matchers[k]) return false;
  return true;
}
