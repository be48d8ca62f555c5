// A component: live charts of its series (the recent window, streamed over socket.io), 1 m
// rollups for longer ranges, a series picker with search, cap usage and when its agent was
// last seen. The series the default rules read are charted first (not the alphabetically
// first ones: a node_exporter VM sorts eight `go_gc_*` series before anything useful).
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { DEFAULT_PACK } from "../../../src/domain/rules/default-pack.js";
import { api } from "../api.js";
import { formatTime, label, language, useT } from "../i18n.js";
import { live } from "../live-incidents.js";
import { listSeries, loadPoints, seriesTitle, type Points, type SeriesInfo } from "../series.js";
import { useStore } from "../store.js";
import { Chart } from "../ui/chart.js";
import { appendPoints, unitOf } from "../ui/chart-data.js";
import { Status } from "../ui/layout.js";

interface Cap {
  cap: number;
  capRelaxations: number;
  seriesPerStep: number;
  activeSeries: number | null;
  storedSeries: number;
  lastSeenAt: string | null;
  lastCapReachedAt: string | null;
}
/** GET /components/:id/refused-series: what the cap refused, by metric, and why. */
interface Refused {
  cap: number | null;
  activeSeries: number | null;
  refused: {
    metric: string;
    reason: string;
    series: number;
    refusals: number;
    lastRefusedAt: string;
    exampleLabels: Record<string, string>;
  }[];
}
interface SeriesEvent {
  componentId: string;
  series: { key: string; points: [number, number | null][] }[];
}

const RANGES = { "15m": 15, "1h": 60, "6h": 360, "24h": 1440, "7d": 10_080 } as const;
type Range = keyof typeof RANGES;
/** Charts shown at once (each is a request and a canvas); the picker chooses which. */
export const MAX_CHARTS = 12;
const DEFAULT_CHARTS = 6;

/** Metrics the default rules read, plus `up`: what an operator looks at first. */
const RULE_METRICS = new Set([
  "up",
  ...DEFAULT_PACK.flatMap((r) => [r.metric, r.divideBy].filter((m): m is string => !!m)),
]);

/** Rule metrics first, then the rest by name. */
export function defaultSelection(all: SeriesInfo[]): string[] {
  const first = all.filter((s) => RULE_METRICS.has(s.labels.__name__ ?? ""));
  const rest = all.filter((s) => !RULE_METRICS.has(s.labels.__name__ ?? ""));
  return [...first, ...rest].slice(0, DEFAULT_CHARTS).map((s) => s.key);
}

export function ComponentPage(p: { id: string }) {
  useEffect(() => live.connect(), []);
  const t = useT();
  const lang = useStore(language);
  const [name, setName] = useState("");
  const [cap, setCap] = useState<Cap | null>(null);
  const [all, setAll] = useState<SeriesInfo[]>([]);
  const [selected, setSelected] = useState<string[]>([]);
  const [range, setRange] = useState<Range>("15m");
  const [data, setData] = useState<Record<string, Points>>({});
  const [error, setError] = useState<unknown>(null);
  const [refused, setRefused] = useState<Refused | null>(null);

  useEffect(() => {
    // Older platforms have no such endpoint: the section is then left out.
    api<Refused>("GET", `/components/${p.id}/refused-series`).then(setRefused, () =>
      setRefused(null),
    );
    void Promise.all([
      api<{ name: string }>("GET", `/components/${p.id}`),
      api<Cap>("GET", `/components/${p.id}/cap`),
      listSeries(p.id),
    ]).then(([c, capInfo, s]) => {
      setName(c.name);
      setCap(capInfo);
      setAll(s);
      setSelected(defaultSelection(s));
    }, setError);
  }, [p.id]);
  const byKey = useMemo(() => new Map(all.map((s) => [s.key, s])), [all]);
  const charted = selected.flatMap((k) => byKey.get(k) ?? []);
  // Loads the charted series not loaded yet; a new range starts over (older answers dropped).
  const loaded = useRef<{ range: Range; gen: number }>({ range, gen: 0 });
  useEffect(() => {
    const reset = loaded.current.range !== range;
    if (reset) loaded.current = { range, gen: loaded.current.gen + 1 };
    const gen = loaded.current.gen;
    const to = Date.now();
    const from = to - RANGES[range] * 60_000;
    const missing = charted.filter((s) => reset || !data[s.key]);
    if (reset) setData({});
    void Promise.all(
      missing.map(
        async (s) => [s.key, await loadPoints(p.id, s.labels, from, to).catch(() => null)] as const,
      ),
    ).then((pairs) => {
      if (gen !== loaded.current.gen) return;
      setData((d) => ({
        ...d,
        ...(Object.fromEntries(pairs.filter((x) => x[1] !== null)) as Record<string, Points>),
      }));
    });
  }, [selected, all, range]);
  useLiveSeries(p.id, range === "15m" || range === "1h", RANGES[range] * 60_000, setData);

  if (error) return <Status error={error} />;
  if (!cap) return <Status loading />;
  const used = cap.activeSeries ?? cap.storedSeries;
  return (
    <div class="component" data-testid="component-page">
      <h1>{name}</h1>
      <dl class="facts">
        <dt>{t("capUsage")}</dt>
        <dd>
          <meter min={0} max={cap.cap} value={used} high={cap.cap * 0.9} /> {used} / {cap.cap}
        </dd>
        <dt>{t("relaxations")}</dt>
        <dd>
          {cap.capRelaxations} (+{cap.seriesPerStep})
        </dd>
        <dt>{t("lastSeen")}</dt>
        <dd data-testid="last-seen">
          {cap.lastSeenAt ? formatTime(cap.lastSeenAt, lang) : t("never")}
        </dd>
      </dl>
      {refused && <RefusedSeries r={refused} />}
      <div class="chart-layout">
        <SeriesPicker all={all} selected={selected} onChange={setSelected} />
        <div class="charts">
          <label>
            {t("range")}{" "}
            <select
              value={range}
              onChange={(e) => setRange(e.currentTarget.value as Range)}
              data-testid="range"
            >
              {Object.keys(RANGES).map((r) => (
                <option value={r}>{label(t, "range", r)}</option>
              ))}
            </select>
          </label>
          {all.length === 0 && <p class="muted">{t("noSeries")}</p>}
          {charted.map((s) => {
            const d = data[s.key];
            return d ? (
              <Chart
                key={s.key}
                title={seriesTitle(s)}
                xs={d.xs}
                ys={d.ys}
                unit={unitOf(s.labels.__name__)}
                height={180}
                testId="series-chart"
              />
            ) : null;
          })}
        </div>
      </div>
    </div>
  );
}

/** Which series the cap refused and why, so a customer can relabel its exporter. */
function RefusedSeries(p: { r: Refused }) {
  const t = useT();
  const lang = useStore(language);
  return (
    <section data-testid="refused-series">
      <h2>{t("refusedSeries")}</h2>
      {p.r.refused.length === 0 ? (
        <p class="muted">{t("noRefused")}</p>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>{t("metric")}</th>
              <th>{t("refusedReason")}</th>
              <th>{t("series")}</th>
              <th>{t("refusals")}</th>
              <th>{t("lastRefused")}</th>
            </tr>
          </thead>
          <tbody>
            {p.r.refused.map((x) => (
              <tr key={`${x.metric}|${x.reason}`}>
                <td title={JSON.stringify(x.exampleLabels)}>{x.metric}</td>
                <td>{label(t, "refused", x.reason)}</td>
                <td>{x.series}</td>
                <td>{x.refusals}</td>
                <td>{formatTime(x.lastRefusedAt, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Search by name or label; tick up to MAX_CHARTS series to chart. */
function SeriesPicker(p: {
  all: SeriesInfo[];
  selected: string[];
  onChange: (keys: string[]) => void;
}) {
  const t = useT();
  const [needle, setNeedle] = useState("");
  const words = needle.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = p.all.filter((s) => {
    const text = seriesTitle(s).toLowerCase();
    return words.every((w) => text.includes(w));
  });
  const chosen = new Set(p.selected);
  const toggle = (key: string, on: boolean) =>
    p.onChange(on ? [...p.selected, key].slice(-MAX_CHARTS) : p.selected.filter((k) => k !== key));
  return (
    <aside class="picker" data-testid="series-picker">
      <label>
        {t("series")}
        <input
          type="search"
          value={needle}
          placeholder={t("searchSeries")}
          aria-label={t("searchSeries")}
          onInput={(e) => setNeedle(e.currentTarget.value)}
          data-testid="series-search"
        />
      </label>
      <p class="muted">
        {t("seriesShown", { shown: p.selected.length, total: p.all.length, max: MAX_CHARTS })}
      </p>
      <ul>
        {shown.slice(0, 300).map((s) => (
          <li key={s.key}>
            <label title={seriesTitle(s)}>
              <input
                type="checkbox"
                checked={chosen.has(s.key)}
                onChange={(e) => toggle(s.key, e.currentTarget.checked)}
                data-key={s.key}
              />{" "}
              {seriesTitle(s)}
            </label>
          </li>
        ))}
      </ul>
      {shown.length === 0 && <p class="muted">{t("noMatch")}</p>}
    </aside>
  );
}

/** Appends streamed points to the charts while a recent-window range is shown. */
function useLiveSeries(
  componentId: string,
  on: boolean,
  rangeMs: number,
  setData: (f: (d: Record<string, Points>) => Record<string, Points>) => void,
) {
  useEffect(() => {
    const socket = live.rawSocket;
    if (!on || !socket) return;
    const onSeries = (e: SeriesEvent) => {
      if (e.componentId !== componentId) return;
      setData((d) => {
        const next = { ...d };
        const from = (Date.now() - rangeMs) / 1000;
        for (const s of e.series) {
          const cur = next[s.key];
          if (!cur) continue;
          // The first event of a subscription repeats the last minutes already loaded:
          // only newer points are appended (out-of-order points would draw a line back).
          const merged = appendPoints(cur, {
            xs: s.points.map((x) => x[0] / 1000),
            ys: s.points.map((x) => x[1]),
          });
          const keep = merged.xs.findIndex((x) => x >= from);
          next[s.key] = {
            ...cur,
            xs: keep > 0 ? merged.xs.slice(keep) : merged.xs,
            ys: keep > 0 ? merged.ys.slice(keep) : merged.ys,
          };
        }
        return next;
      });
    };
    socket.emit("subscribe:series", { componentId });
    socket.on("series", onSeries);
    return () => {
      socket.off("series", onSeries);
      socket.emit("unsubscribe:series", { componentId });
    };
  }, [componentId, on, rangeMs]);
}
