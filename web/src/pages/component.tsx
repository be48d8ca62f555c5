// A component: live charts of its series (the recent window, streamed over socket.io), 1 m
// rollups for longer ranges, cap usage and when its agent was last seen.
import { useEffect, useState } from "preact/hooks";
import { api } from "../api.js";
import { formatTime, language, useT } from "../i18n.js";
import { live } from "../live-incidents.js";
import { listSeries, loadPoints, seriesTitle, type Points, type SeriesInfo } from "../series.js";
import { useStore } from "../store.js";
import { Chart } from "../ui/chart.js";
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
interface SeriesEvent {
  componentId: string;
  series: { key: string; points: [number, number | null][] }[];
}

const RANGES = { "15m": 15, "1h": 60, "6h": 360, "24h": 1440, "7d": 10_080 } as const;
type Range = keyof typeof RANGES;
const MAX_CHARTS = 8;

export function ComponentPage(p: { id: string }) {
  useEffect(() => live.connect(), []);
  const t = useT();
  const lang = useStore(language);
  const [name, setName] = useState("");
  const [cap, setCap] = useState<Cap | null>(null);
  const [series, setSeries] = useState<SeriesInfo[]>([]);
  const [range, setRange] = useState<Range>("15m");
  const [data, setData] = useState<Record<string, Points>>({});
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    void Promise.all([
      api<{ name: string }>("GET", `/components/${p.id}`),
      api<Cap>("GET", `/components/${p.id}/cap`),
      listSeries(p.id),
    ]).then(([c, capInfo, s]) => {
      setName(c.name);
      setCap(capInfo);
      setSeries(s.slice(0, MAX_CHARTS));
    }, setError);
  }, [p.id]);
  useEffect(() => {
    const to = Date.now();
    const from = to - RANGES[range] * 60_000;
    void Promise.all(
      series.map(
        async (s) => [s.key, await loadPoints(p.id, s.labels, from, to).catch(() => null)] as const,
      ),
    ).then((pairs) =>
      setData(Object.fromEntries(pairs.filter((x) => x[1] !== null)) as Record<string, Points>),
    );
  }, [series, range]);
  useLiveSeries(p.id, range === "15m" || range === "1h", setData);

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
        <dd>{cap.lastSeenAt ? formatTime(cap.lastSeenAt, lang) : t("never")}</dd>
      </dl>
      <label>
        {t("range")}{" "}
        <select value={range} onChange={(e) => setRange(e.currentTarget.value as Range)}>
          {Object.keys(RANGES).map((r) => (
            <option value={r}>{r}</option>
          ))}
        </select>
      </label>
      {series.map((s) => {
        const d = data[s.key];
        return d ? (
          <Chart key={s.key} title={seriesTitle(s)} xs={d.xs} ys={d.ys} height={180} />
        ) : null;
      })}
    </div>
  );
}

/** Appends streamed points to the charts while a recent-window range is shown. */
function useLiveSeries(
  componentId: string,
  on: boolean,
  setData: (f: (d: Record<string, Points>) => Record<string, Points>) => void,
) {
  useEffect(() => {
    const socket = live.rawSocket;
    if (!on || !socket) return;
    const onSeries = (e: SeriesEvent) => {
      if (e.componentId !== componentId) return;
      setData((d) => {
        const next = { ...d };
        for (const s of e.series) {
          const cur = next[s.key];
          if (!cur) continue;
          next[s.key] = {
            ...cur,
            xs: [...cur.xs, ...s.points.map((x) => x[0] / 1000)],
            ys: [...cur.ys, ...s.points.map((x) => x[1])],
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
  }, [componentId, on]);
}
