// Pure helpers for the charts (no DOM, unit-tested in test/unit/chart-data.test.ts): the unit
// a metric's name implies, values in SI units, JST time labels, and points made safe to draw.

export type Unit = "bytes" | "percent" | "ratio" | "seconds" | "none";

/** The unit by Prometheus naming conventions (`_bytes`, `_ratio`, `_seconds`, `_percent`). */
export function unitOf(metric: string | null | undefined): Unit {
  if (!metric) return "none";
  if (/_bytes(_total)?$/.test(metric)) return "bytes";
  if (/_ratio$/.test(metric)) return "ratio";
  if (/_percent$/.test(metric)) return "percent";
  if (/_seconds(_total)?$/.test(metric)) return "seconds";
  return "none";
}

const SI = [
  [1e12, "T"],
  [1e9, "G"],
  [1e6, "M"],
  [1e3, "k"],
] as const;

function trim(n: number, digits: number): string {
  // At most `digits` significant decimals, no trailing zeros ("1.50" → "1.5").
  return String(Number(n.toFixed(digits)));
}

/** A number with an SI prefix and a unit: (1234567, "B") → "1.23 MB", (0.5, "") → "0.5". */
export function si(v: number, unit = "", digits = 2): string {
  const a = Math.abs(v);
  const sep = unit ? " " : "";
  for (const [f, p] of SI) if (a >= f) return `${trim(v / f, digits)}${sep}${p}${unit}`;
  const n = a !== 0 && a < 0.01 ? v.toExponential(1) : trim(v, digits);
  return `${n}${sep}${unit}`;
}

/** A value as a reader expects it: "1.5 GB", "93%", "2.5 s", "1.2k". */
export function formatValue(v: number | null | undefined, unit: Unit, digits = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  switch (unit) {
    case "bytes":
      return si(v, "B", digits);
    case "ratio":
      return `${trim(v * 100, Math.max(0, digits - 1))}%`;
    case "percent":
      return `${trim(v, Math.max(0, digits - 1))}%`;
    case "seconds":
      return si(v, "s", digits);
    case "none":
      return si(v, "", digits);
  }
}

const TZ = "Asia/Tokyo";
const hm = new Intl.DateTimeFormat("en-GB", {
  timeZone: TZ,
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
const hms = new Intl.DateTimeFormat("en-GB", {
  timeZone: TZ,
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});
const md = new Intl.DateTimeFormat("en-GB", { timeZone: TZ, month: "2-digit", day: "2-digit" });
const parts = (f: Intl.DateTimeFormat, ms: number) =>
  Object.fromEntries(f.formatToParts(ms).map((p) => [p.type, p.value]));

/** "MM/DD" in Japan time. */
function monthDay(ms: number): string {
  const p = parts(md, ms);
  return `${p.month}/${p.day}`;
}

/**
 * Time-axis labels in Japan time, 24-hour: "HH:mm" ("HH:mm:ss" when ticks are less than a
 * minute apart), the date added on the first tick and wherever the day changes, dates only
 * when ticks are a day or more apart. `xs` and `stepS` (the tick spacing) are seconds.
 */
export function jstTicks(xs: readonly number[], stepS: number): string[] {
  let day = "";
  return xs.map((x) => {
    const ms = x * 1000;
    const d = monthDay(ms);
    const newDay = d !== day;
    day = d;
    if (stepS >= 86_400) return d;
    const time = stepS < 60 ? hms.format(ms) : hm.format(ms);
    return newDay ? `${time}\n${d}` : time;
  });
}

/** "2026/12/05 09:20:00 JST" for the legend and hover. */
export function jstFull(seconds: number): string {
  const p = parts(
    new Intl.DateTimeFormat("en-GB", {
      timeZone: TZ,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    }),
    seconds * 1000,
  );
  return `${p.year}/${p.month}/${p.day} ${p.hour}:${p.minute}:${p.second} JST`;
}

export interface XY {
  xs: number[];
  ys: (number | null)[];
}

/**
 * Points ready for a line chart: ascending, one per timestamp (the later one wins), and a
 * null inserted where the data stops for much longer than its usual interval, so a gap is
 * drawn as a gap, not as a straight line across it. uPlot joins points in array order: an
 * out-of-order point (e.g. a live batch overlapping what was loaded) draws a line back.
 */
export function drawable(p: XY): XY {
  const idx = p.xs.map((_, i) => i).sort((a, b) => p.xs[a]! - p.xs[b]! || a - b);
  const xs: number[] = [];
  const ys: (number | null)[] = [];
  for (const i of idx) {
    const x = p.xs[i]!;
    if (!Number.isFinite(x)) continue;
    if (xs.length > 0 && xs[xs.length - 1] === x) ys[ys.length - 1] = p.ys[i] ?? null;
    else {
      xs.push(x);
      ys.push(p.ys[i] ?? null);
    }
  }
  const steps = xs
    .slice(1)
    .map((x, i) => x - xs[i]!)
    .sort((a, b) => a - b);
  const typical = steps[Math.floor(steps.length / 2)];
  if (typical === undefined || typical <= 0) return { xs, ys };
  const outX: number[] = [];
  const outY: (number | null)[] = [];
  for (let i = 0; i < xs.length; i++) {
    if (i > 0 && xs[i]! - xs[i - 1]! > typical * 5) {
      outX.push((xs[i]! + xs[i - 1]!) / 2);
      outY.push(null);
    }
    outX.push(xs[i]!);
    outY.push(ys[i]!);
  }
  return { xs: outX, ys: outY };
}

/** Appends live points to loaded ones, keeping only those newer than the last loaded. */
export function appendPoints(cur: XY, more: XY): XY {
  const last = cur.xs.length ? cur.xs[cur.xs.length - 1]! : -Infinity;
  const xs = [...cur.xs];
  const ys = [...cur.ys];
  more.xs.forEach((x, i) => {
    if (x > last) {
      xs.push(x);
      ys.push(more.ys[i] ?? null);
    }
  });
  return drawable({ xs, ys });
}
