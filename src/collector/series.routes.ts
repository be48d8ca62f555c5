import { z } from "zod";
import { scopeOf, USER_ROLES } from "../access/actor.js";
import { defineRoute, IdParams, type RouteDef } from "../http/route.js";
import type { IngestPipeline } from "../ingest/ingest-pipeline.js";
import { REFUSAL_REASONS } from "../ingest/refused-series.js";
import type { Clock } from "../infra/clock.js";
import { AppError, notFound } from "../shared/errors.js";
import { labelsKey } from "./rollup.store.js";
import type { SeriesStore } from "./series.store.js";

const SeriesView = z.object({
  labels: z.record(z.string(), z.string()),
  key: z.string(),
  live: z.boolean(),
});
const PointsQuery = z.strictObject({
  labels: z
    .string()
    .max(4096)
    .transform((s, ctx) => {
      try {
        const v = z.record(z.string(), z.string()).parse(JSON.parse(s));
        if (!v.__name__) throw new Error("missing __name__");
        return v;
      } catch {
        ctx.addIssue({
          code: "custom",
          message: 'must be a JSON object of label strings with "__name__"',
        });
        return z.NEVER;
      }
    }),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  resolution: z.enum(["raw", "1m"]).default("raw"),
});
const Points = z.object({
  resolution: z.enum(["raw", "1m"]),
  points: z.array(
    z.object({
      t: z.iso.datetime(),
      v: z.number().nullable(),
      min: z.number().optional(),
      max: z.number().optional(),
      avg: z.number().optional(),
    }),
  ),
});

const RefusedSeries = z.object({
  componentId: z.string(),
  cap: z.number().int().nullable().describe("null: the collector has not seen the component"),
  activeSeries: z.number().int().nullable(),
  refused: z.array(
    z.object({
      metric: z.string(),
      reason: z
        .enum(REFUSAL_REASONS)
        .describe("cap_exceeded: no slot at the cap; displaced: gave its slot to a rule series"),
      series: z.number().int().describe("distinct label sets refused"),
      refusals: z.number().int().describe("times a series was refused (once per series per push)"),
      firstRefusedAt: z.iso.datetime(),
      lastRefusedAt: z.iso.datetime(),
      exampleLabels: z.record(z.string(), z.string()),
    }),
  ),
});

/** The query API over a component's series: the recent window from memory, rollups from the database. */
export function seriesRoutes(deps: {
  store: SeriesStore;
  clock: Clock;
  pipeline: () => IngestPipeline | undefined;
}): RouteDef[] {
  const { store, clock } = deps;
  return [
    defineRoute({
      method: "get",
      path: "/components/:id/refused-series",
      tag: "metrics",
      roles: USER_ROLES,
      summary: "Series the component's cap refused in the last hour, and why",
      params: IdParams,
      response: RefusedSeries,
      handler: async ({ actor, params }) => {
        const component = await store.component(scopeOf(actor), params.id);
        const pipeline = deps.pipeline();
        const counts = pipeline?.activeSeries(component.id);
        const iso = (ms: number) => new Date(ms).toISOString();
        return {
          componentId: component.id,
          cap: counts?.cap ?? null,
          activeSeries: counts?.active ?? null,
          refused: (pipeline?.refusedSeries(component.id, clock.now().getTime()) ?? []).map(
            (r) => ({
              metric: r.metric,
              reason: r.reason,
              series: r.series,
              refusals: r.refusals,
              firstRefusedAt: iso(r.firstRefusedAtMs),
              lastRefusedAt: iso(r.lastRefusedAtMs),
              exampleLabels: { ...r.exampleLabels },
            }),
          ),
        };
      },
    }),
    defineRoute({
      method: "get",
      path: "/components/:id/series",
      tag: "metrics",
      roles: USER_ROLES,
      summary: "List a component's series",
      params: IdParams,
      response: z.array(SeriesView),
      handler: async ({ actor, params }) => {
        const component = await store.component(scopeOf(actor), params.id);
        const live = new Map(
          (deps.pipeline()?.listSeries(component.id) ?? []).map((s) => [
            labelsKey(s.labels),
            s.labels,
          ]),
        );
        const all = new Map<string, z.infer<typeof SeriesView>>();
        for (const s of await store.storedSeries(component.id))
          all.set(s.labelsKey, { key: s.labelsKey, labels: s.labels, live: live.has(s.labelsKey) });
        for (const [key, labels] of live) all.set(key, { key, labels: { ...labels }, live: true });
        return [...all.values()].sort((a, b) => a.key.localeCompare(b.key));
      },
    }),
    defineRoute({
      method: "get",
      path: "/components/:id/series/points",
      tag: "metrics",
      roles: USER_ROLES,
      summary: "Points (raw) or 1-minute rollups of one series over a range",
      params: IdParams,
      query: PointsQuery,
      response: Points,
      handler: async ({ actor, params, query }) => {
        const component = await store.component(scopeOf(actor), params.id);
        const to = query.to ? new Date(query.to).getTime() : clock.now().getTime();
        const from = query.from ? new Date(query.from).getTime() : to - 3_600_000;
        if (from > to)
          throw new AppError("VALIDATION", "from is after to", [
            { path: "query.from", message: "must not be after `to`" },
          ]);
        if (query.resolution === "raw") {
          const pipeline = deps.pipeline();
          const series = pipeline?.findSeries(component.id, query.labels);
          if (!pipeline || !series) throw notFound("series in the recent window");
          const buf = pipeline.read(series, from, to);
          const points = [];
          for (let i = 0; i < buf.length; i++)
            points.push({
              t: new Date(buf.ts[i]!).toISOString(),
              v: Number.isNaN(buf.values[i]) ? null : buf.values[i]!,
            });
          return { resolution: "raw" as const, points };
        }
        const rows = await store.rollups(component.id, labelsKey(query.labels), from, to);
        return {
          resolution: "1m" as const,
          points: rows.map((r) => ({
            t: new Date(r.minute).toISOString(),
            v: r.last,
            min: r.min,
            max: r.max,
            avg: r.sum / r.count,
          })),
        };
      },
    }),
  ];
}
