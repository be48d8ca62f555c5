// A uPlot line chart. uPlot draws on canvas and takes columnar data, so thousands of points
// and frequent appends stay cheap; the component only rebuilds the plot when its shape changes.
import { useEffect, useRef } from "preact/hooks";
import type uPlot from "uplot";

interface Props {
  title: string;
  /** Seconds since epoch, ascending. */
  xs: number[];
  ys: (number | null)[];
  threshold?: number | null;
  /** A vertical marker (seconds), e.g. when the incident opened. */
  marker?: number | null;
  height?: number;
}

export function Chart(p: Props) {
  const el = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(p); // uPlot loads asynchronously: mount with the newest data
  latest.current = p;
  const withThreshold = p.threshold !== null && p.threshold !== undefined;

  function mount(UPlot: typeof uPlot, target: HTMLDivElement): () => void {
    const width = target.clientWidth || 600;
    const series: uPlot.Series[] = [{}, { label: p.title, stroke: "#4ea1ff", width: 2 }];
    if (withThreshold) series.push({ label: "threshold", stroke: "#ff5d5d", dash: [6, 4] });
    const marker = p.marker;
    plot.current = new UPlot(
      {
        width,
        height: p.height ?? 220,
        series,
        axes: [{ stroke: "#aab" }, { stroke: "#aab" }],
        hooks: marker ? { draw: [(u) => drawMarker(u, marker)] } : {},
      },
      dataOf(latest.current),
      target,
    );
    const onResize = () =>
      plot.current?.setSize({ width: target.clientWidth || width, height: p.height ?? 220 });
    addEventListener("resize", onResize);
    return () => {
      removeEventListener("resize", onResize);
      plot.current?.destroy();
      plot.current = null;
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
  }, [p.title, withThreshold, p.marker, p.height]);

  useEffect(() => {
    plot.current?.setData(dataOf(p));
  }, [p.xs, p.ys, p.threshold]);

  return <div class="chart" ref={el} aria-label={p.title} role="img" />;
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
  const data: (number | null)[][] = [p.xs, p.ys];
  if (p.threshold !== null && p.threshold !== undefined) data.push(p.xs.map(() => p.threshold!));
  return data as uPlot.AlignedData;
}
