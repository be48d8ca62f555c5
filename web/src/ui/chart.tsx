// A uPlot line chart. uPlot draws on canvas and takes columnar data, so thousands of points
// and frequent appends stay cheap; the component only rebuilds the plot when its shape changes.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

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
  const withThreshold = p.threshold !== null && p.threshold !== undefined;

  useEffect(() => {
    if (!el.current) return;
    const width = el.current.clientWidth || 600;
    const series: uPlot.Series[] = [{}, { label: p.title, stroke: "#4ea1ff", width: 2 }];
    if (withThreshold) series.push({ label: "threshold", stroke: "#ff5d5d", dash: [6, 4] });
    const marker = p.marker;
    plot.current = new uPlot(
      {
        width,
        height: p.height ?? 220,
        series,
        axes: [{ stroke: "#aab" }, { stroke: "#aab" }],
        hooks: marker
          ? {
              draw: [
                (u) => {
                  const x = u.valToPos(marker, "x", true);
                  u.ctx.save();
                  u.ctx.strokeStyle = "#ffb020";
                  u.ctx.beginPath();
                  u.ctx.moveTo(x, u.bbox.top);
                  u.ctx.lineTo(x, u.bbox.top + u.bbox.height);
                  u.ctx.stroke();
                  u.ctx.restore();
                },
              ],
            }
          : {},
      },
      dataOf(p),
      el.current,
    );
    const onResize = () => plot.current?.setSize({ width: el.current?.clientWidth ?? width, height: p.height ?? 220 });
    addEventListener("resize", onResize);
    return () => {
      removeEventListener("resize", onResize);
      plot.current?.destroy();
      plot.current = null;
    };
  }, [p.title, withThreshold, p.marker, p.height]);

  useEffect(() => {
    plot.current?.setData(dataOf(p));
  }, [p.xs, p.ys, p.threshold]);

  return <div class="chart" ref={el} aria-label={p.title} role="img" />;
}

function dataOf(p: Props): uPlot.AlignedData {
  const data: (number | null)[][] = [p.xs, p.ys];
  if (p.threshold !== null && p.threshold !== undefined) data.push(p.xs.map(() => p.threshold!));
  return data as uPlot.AlignedData;
}
