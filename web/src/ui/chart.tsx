// A uPlot line chart. uPlot draws on canvas and takes columnar data, so thousands of points
// and frequent appends stay cheap; the component only rebuilds the plot when its shape changes.
// Honest by construction: points sorted and de-duplicated with gaps kept (chart-data.ts),
// the time axis and legend in Japan time (24-hour), y labels in SI units and sized to fit.
import { useEffect, useRef } from "preact/hooks";
import type uPlot from "uplot";
import { useT } from "../i18n.js";
import { drawable, formatValue, jstFull, jstTicks, type Unit } from "./chart-data.js";

interface Props {
  title: string;
  /** Seconds since epoch. */
  xs: number[];
  ys: (number | null)[];
  unit?: Unit;
  threshold?: number | null;
  /** A vertical marker (seconds), e.g. when the incident opened. */
  marker?: number | null;
  height?: number;
  testId?: string;
}

/** The plot on its element, for the browser tests (`el.uplot.data`, axis labels). */
export type ChartElement = HTMLDivElement & { uplot?: uPlot };

const FONT = "12px system-ui, sans-serif";

export function Chart(p: Props) {
  const t = useT();
  const el = useRef<ChartElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(p); // uPlot loads asynchronously: mount with the newest data
  latest.current = p;
  const withThreshold = p.threshold !== null && p.threshold !== undefined;
  const unit = p.unit ?? "none";

  function mount(UPlot: typeof uPlot, target: ChartElement): () => void {
    const width = target.clientWidth || 600;
    const fmt = (v: number | null) => formatValue(v, unit);
    const series: uPlot.Series[] = [
      { label: t("timeAxisJst"), value: (_u, v) => (v === null ? "—" : jstFull(v)) },
      { label: p.title, stroke: "#4ea1ff", width: 2, value: (_u, v) => fmt(v) },
    ];
    if (withThreshold)
      series.push({
        label: t("threshold"),
        stroke: "#ff5d5d",
        dash: [6, 4],
        value: (_u, v) => fmt(v),
      });
    const marker = p.marker;
    plot.current = new UPlot(
      {
        width,
        height: p.height ?? 220,
        series,
        // Ticks fall on Japan-time boundaries (whole hours in JST, not UTC).
        tzDate: (ts) => UPlot.tzDate(new Date(ts * 1000), "Asia/Tokyo"),
        axes: [
          {
            stroke: "#aab",
            font: FONT,
            size: 44,
            values: (_u, splits, _axis, _space, incr) => jstTicks(splits, incr),
          },
          {
            stroke: "#aab",
            font: FONT,
            values: (_u, splits) => splits.map((v) => fmt(v)),
            // Wide enough for the longest label: no "0,000" cut at the left edge.
            size: (u, values) => {
              if (!values) return 50;
              u.ctx.font = FONT;
              const widest = Math.max(...values.map((v) => u.ctx.measureText(String(v)).width));
              return Math.ceil(widest) + 24;
            },
          },
        ],
        hooks: marker ? { draw: [(u) => drawMarker(u, marker)] } : {},
      },
      dataOf(latest.current),
      target,
    );
    target.uplot = plot.current;
    const onResize = () =>
      plot.current?.setSize({ width: target.clientWidth || width, height: p.height ?? 220 });
    addEventListener("resize", onResize);
    return () => {
      removeEventListener("resize", onResize);
      plot.current?.destroy();
      plot.current = null;
      delete target.uplot;
    };
  }

  useEffect(() => {
    let cancelled = false;
    let cleanup = () => undefined as void;
    void import("./uplot-loader.js").then(({ default: UPlot }) => {
      if (cancelled || !el.current) return;
      cleanup = mount(UPlot, el.current);
    });
    return () => {
      cancelled = true;
      cleanup();
    };
  }, [p.title, withThreshold, p.marker, p.height, unit, t]);

  useEffect(() => {
    plot.current?.setData(dataOf(p));
  }, [p.xs, p.ys, p.threshold]);

  return <div class="chart" ref={el} aria-label={p.title} role="img" data-testid={p.testId} />;
}

function drawMarker(u: uPlot, at: number): void {
  const x = u.valToPos(at, "x", true);
  u.ctx.save();
  u.ctx.strokeStyle = "#ffb020";
  u.ctx.beginPath();
  u.ctx.moveTo(x, u.bbox.top);
  u.ctx.lineTo(x, u.bbox.top + u.bbox.height);
  u.ctx.stroke();
  u.ctx.restore();
}

function dataOf(p: Props): uPlot.AlignedData {
  const { xs, ys } = drawable(p);
  const data: (number | null)[][] = [xs, ys];
  if (p.threshold !== null && p.threshold !== undefined) data.push(xs.map(() => p.threshold!));
  return data as uPlot.AlignedData;
}
