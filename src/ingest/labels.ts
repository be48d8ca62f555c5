// Label validation and canonical form, used only when a series is not known yet (slow path).
// Canonical form: a plain object whose keys are in byte order of the name, with interned
// strings (most names and values repeat across series and components).
import type { RejectReason } from "./errors.js";
import type { Labels } from "./series-store.js";

export interface LabelLimits {
  maxLabels: number;
  maxNameLength: number;
  maxValueLength: number;
}
export const DEFAULT_LABEL_LIMITS: LabelLimits = {
  maxLabels: 64,
  maxNameLength: 256,
  maxValueLength: 2048,
};

/** Shares equal strings between series; cleared when full (it only loses sharing, not data). */
export class StringInterner {
  private readonly map = new Map<string, string>();
  constructor(private readonly limit = 1_000_000) {}
  intern(s: string): string {
    const hit = this.map.get(s);
    if (hit !== undefined) return hit;
    if (this.map.size >= this.limit) this.map.clear();
    this.map.set(s, s);
    return s;
  }
}

/**
 * C0 control characters other than tab, line feed and carriage return, and DEL. U+0000 cannot
 * be stored in PostgreSQL text at all (one such value used to fail the whole rollup flush);
 * the others have no business in a label or an API string either. Shared with the HTTP layer.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * Names that plain objects inherit (`constructor`, `toString`, `__proto__`, …): a label map
 * looked up by such a name without an own-property check answers a function. Refused where a
 * label name is configured (a contract's instance label).
 */
export function isPrototypeName(name: string): boolean {
  return name === "__proto__" || name in Object.prototype;
}

/** The label's value when `labels` has it as an own property (never Object.prototype's). */
export function ownLabel(
  labels: Readonly<Record<string, string>>,
  name: string,
): string | undefined {
  return Object.hasOwn(labels, name) ? labels[name] : undefined;
}

/** `[a-zA-Z_][a-zA-Z0-9_]*`; `__proto__` is refused because it cannot be an object key. */
export function isValidLabelName(s: string): boolean {
  if (s.length === 0 || s === "__proto__") return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
    if (!letter && !(i > 0 && c >= 48 && c <= 57)) return false;
  }
  return true;
}

/** `[a-zA-Z_:][a-zA-Z0-9_:]*` */
export function isValidMetricName(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok =
      (c >= 97 && c <= 122) ||
      (c >= 65 && c <= 90) ||
      c === 95 ||
      c === 58 ||
      (i > 0 && c >= 48 && c <= 57);
    if (!ok) return false;
  }
  return true;
}

/**
 * Validates name/value pairs and builds the canonical labels. Empty values are dropped
 * (Prometheus: a label with an empty value does not exist). Unsorted input is accepted.
 */
export function canonicalLabels(
  names: string[],
  values: string[],
  limits: LabelLimits,
  interner: StringInterner,
): Labels | RejectReason {
  const n = names.length;
  if (n > limits.maxLabels) return "label_limit";
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    const name = names[i]!;
    if (name.length > limits.maxNameLength || values[i]!.length > limits.maxValueLength)
      return "label_limit";
    if (!isValidLabelName(name)) return "invalid_label_name";
    if (CONTROL_CHARACTERS.test(values[i]!)) return "invalid_label_value";
    if (values[i] !== "") order.push(i);
  }
  order.sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0));
  let json = "{";
  let metric: string | undefined;
  for (let j = 0; j < order.length; j++) {
    const i = order[j]!;
    if (j > 0 && names[order[j - 1]!] === names[i]) return "duplicate_label";
    if (names[i] === "__name__") metric = values[i];
    json += `${j > 0 ? "," : ""}${JSON.stringify(names[i])}:${JSON.stringify(values[i])}`;
  }
  // Duplicates with an empty value are duplicates too.
  if (order.length !== n && new Set(names).size !== n) return "duplicate_label";
  if (metric === undefined) return "missing_metric_name";
  if (!isValidMetricName(metric)) return "invalid_metric_name";
  // JSON.parse sizes the object for exactly its properties (measured: 64 bytes for 5 labels,
  // against 96 when properties are added to {} one by one); then values are interned.
  const out = JSON.parse(`${json}}`) as Record<string, string>;
  for (const k in out) out[k] = interner.intern(out[k]!);
  return out;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Decodes one label string from the payload; null when it is not valid UTF-8. */
export function decodeString(buf: Uint8Array, start: number, end: number): string | null {
  let ascii = true;
  for (let i = start; i < end; i++) if (buf[i]! >= 0x80) ascii = false;
  if (ascii) return latin1(buf, start, end);
  try {
    return utf8.decode(buf.subarray(start, end));
  } catch {
    return null;
  }
}

function latin1(buf: Uint8Array, start: number, end: number): string {
  if (end - start < 64) {
    let s = "";
    for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!);
    return s;
  }
  return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString("latin1");
}

/** Counts own keys (labels objects are small). */
export function labelCount(labels: Labels): number {
  let n = 0;
  for (const _ in labels) n++;
  return n;
}
