// Who is on call (SPEC 4, issue 5): a rotation hands `shiftHours` shifts to its members in
// order from `startsAt`; an override puts someone else on a rotation for a period. Pure:
// the instant is a parameter.
import { HOUR_MS } from "../time/jst.js";

export const ONCALL_LINES = ["first", "second"] as const;
export type OncallLine = (typeof ONCALL_LINES)[number];

export interface Rotation {
  id: string;
  line: OncallLine;
  memberIds: readonly string[];
  startsAtMs: number;
  shiftHours: number;
  createdAtMs: number;
}

export interface RotationOverride {
  rotationId: string;
  userId: string;
  startsAtMs: number;
  endsAtMs: number;
}

export interface OnCall {
  userId: string;
  rotationId: string;
  overridden: boolean;
}

/** Oldest first; the id breaks ties so the choice never depends on input order. */
function byCreation(a: Rotation, b: Rotation): number {
  return a.createdAtMs - b.createdAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function lineRotations(rotations: readonly Rotation[], line: OncallLine): Rotation[] {
  return rotations.filter((r) => r.line === line).sort(byCreation);
}

/** Index into memberIds of the scheduled member; before the first shift, the first member. */
export function scheduledIndex(rotation: Rotation, atMs: number): number {
  const n = rotation.memberIds.length;
  const shiftMs = rotation.shiftHours * HOUR_MS;
  if (n === 0 || shiftMs <= 0 || atMs < rotation.startsAtMs) return 0;
  return Math.floor((atMs - rotation.startsAtMs) / shiftMs) % n;
}

/**
 * The override in force: among overrides of the line's rotations covering atMs (half-open
 * [startsAt, endsAt)), the one on the earliest-created rotation, then the latest-starting
 * (the most specific cover wins).
 */
function overrideAt(
  ordered: readonly Rotation[],
  overrides: readonly RotationOverride[],
  atMs: number,
): { override: RotationOverride; rotation: Rotation } | null {
  for (const rotation of ordered) {
    let best: RotationOverride | null = null;
    for (const o of overrides) {
      if (o.rotationId !== rotation.id || atMs < o.startsAtMs || atMs >= o.endsAtMs) continue;
      if (!best || o.startsAtMs > best.startsAtMs) best = o;
    }
    if (best) return { override: best, rotation };
  }
  return null;
}

/** Who is on call for a line at a time: overrides win; among several rotations of the line the earliest-created with members wins. */
export function onCallAt(
  rotations: readonly Rotation[],
  overrides: readonly RotationOverride[],
  line: OncallLine,
  atMs: number,
): OnCall | null {
  const ordered = lineRotations(rotations, line);
  const cover = overrideAt(ordered, overrides, atMs);
  if (cover)
    return { userId: cover.override.userId, rotationId: cover.rotation.id, overridden: true };
  const rotation = ordered.find((r) => r.memberIds.length > 0 && atMs >= r.startsAtMs);
  if (!rotation) return null;
  const userId = rotation.memberIds[scheduledIndex(rotation, atMs)];
  return userId === undefined ? null : { userId, rotationId: rotation.id, overridden: false };
}

/**
 * The order in which a line's people are paged at atMs: the one on call, then the rotation's
 * members after the scheduled one (wrapping), each person once. When an override covers the
 * shift, the scheduled member was not paged yet, so the walk starts at them.
 */
export function pageOrderAt(
  rotations: readonly Rotation[],
  overrides: readonly RotationOverride[],
  line: OncallLine,
  atMs: number,
): string[] {
  const now = onCallAt(rotations, overrides, line, atMs);
  if (!now) return [];
  const rotation = rotations.find((r) => r.id === now.rotationId);
  const members = rotation?.memberIds ?? [];
  const n = members.length;
  const first = rotation ? scheduledIndex(rotation, atMs) + (now.overridden ? 0 : 1) : 0;
  const order = [now.userId];
  for (let i = 0; i < n; i++) {
    const next = members[(first + i) % n];
    if (next !== undefined && !order.includes(next)) order.push(next);
  }
  return order;
}

/** The person to page at escalation step `step` of a line: step 0 = on call now, step k = the k-th next distinct member of that rotation after them (wrapping), null once every member was tried. */
export function pageTargetAt(
  rotations: readonly Rotation[],
  overrides: readonly RotationOverride[],
  line: OncallLine,
  atMs: number,
  step: number,
): string | null {
  if (!Number.isInteger(step) || step < 0) return null;
  return pageOrderAt(rotations, overrides, line, atMs)[step] ?? null;
}
