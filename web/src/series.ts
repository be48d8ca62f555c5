// Reading a component's series: the recent window (raw points, in the collector's memory)
// for short ranges, 1-minute rollups from the database for longer ones or older times.
import { api, ApiError } from "./api.js";

export interface SeriesInfo {
  key: string;
  labels: Record<string, string>;
  live: boolean;
}
export interface Points {
  xs: number[];
  ys: (number | null)[];
  resolution: "raw" | "1m";
}

/** The recent window the collector keeps raw points for. */
export const RAW_WINDOW_MS = 3_600_000;

export function listSeries(componentId: string): Promise<SeriesInfo[]> {
  return api<SeriesInfo[]>("GET", `/components/${componentId}/series`);
}

export async function loadPoints(
  componentId: string,
  labels: Record<string, string>,
  fromMs: number,
  toMs: number,
): Promise<Points> {
  const raw = Date.now() - fromMs <= RAW_WINDOW_MS;
  const get = (resolution: "raw" | "1m") =>
    api<{ points: { t: string; v: number | null }[] }>(
      "GET",
      `/components/${componentId}/series/points?labels=${encodeURIComponent(JSON.stringify(labels))}` +
        `&from=${new Date(fromMs).toISOString()}&to=${new Date(toMs).toISOString()}&resolution=${resolution}`,
    );
  let res;
  let resolution: "raw" | "1m" = raw ? "raw" : "1m";
  try {
    res = await get(resolution);
  } catch (err) {
    // Not in the recent window (e.g. after a restart): fall back to the rollups.
    if (!(err instanceof ApiError) || err.status !== 404 || resolution === "1m") throw err;
    resolution = "1m";
    res = await get(resolution);
  }
  return {
    xs: res.points.map((p) => Date.parse(p.t) / 1000),
    ys: res.points.map((p) => p.v),
    resolution,
  };
}

/** The series an incident fired on: its metric name and labels. */
export function matchSeries(
  all: SeriesInfo[],
  metric: string | null,
  labels: Record<string, string>,
): SeriesInfo | undefined {
  if (!metric) return undefined;
  return all.find(
    (s) =>
      s.labels.__name__ === metric &&
      Object.entries(labels).every(([k, v]) => k === "__name__" || s.labels[k] === v),
  );
}

export const seriesTitle = (s: SeriesInfo) => {
  const { __name__: name, ...rest } = s.labels;
  const extra = Object.entries(rest)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
  return extra ? `${name ?? "?"} {${extra}}` : (name ?? s.key);
};
