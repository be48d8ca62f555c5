import { fileURLToPath } from "node:url";
import type { Point } from "../src/points.js";

export const FIXTURE_PROC = fileURLToPath(new URL("./fixtures/proc/", import.meta.url));

/** The value of the one point with this name and exactly these labels; fails loudly otherwise. */
export function valueOf(
  points: Point[],
  name: string,
  labels: Record<string, string> = {},
): number {
  const want = JSON.stringify(Object.entries(labels).sort());
  const hits = points.filter(
    (p) => p.name === name && JSON.stringify(Object.entries(p.labels).sort()) === want,
  );
  if (hits.length !== 1) throw new Error(`expected one ${name}${want}, found ${hits.length}`);
  return hits[0]!.value;
}

export function labelValues(points: Point[], name: string, label: string): string[] {
  return [...new Set(points.filter((p) => p.name === name).map((p) => p.labels[label] ?? ""))];
}
