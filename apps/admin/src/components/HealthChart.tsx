import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  /** CSS colour of the line. */
  stroke: string;
  values: (number | null)[];
}

const HEIGHT = 180;

/**
 * One live uPlot line chart over time. The plot is built once per set of series and fed new
 * data with setData (no re-creation per poll); it follows its container's width.
 */
export function HealthChart(props: {
  title: string;
  testId: string;
  /** Unix ms of each point. */
  t: number[];
  series: ChartSeries[];
  /** Formats axis values (bits, percent...). */
  format?: (value: number) => string;
  /** The y axis reaches at least this high (an idle server's flat line stays at the bottom). */
  floor?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const { t, series, format } = props;
  const floor = props.floor ?? 1;
  const shape = series.map((s) => `${s.label}:${s.stroke}`).join('|');
  const data: uPlot.AlignedData = [t.map((ms) => ms / 1000), ...series.map((s) => s.values)];

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const made = new uPlot(
      {
        width: Math.max(240, el.clientWidth),
        height: HEIGHT,
        legend: { show: true },
        scales: {
          y: { range: (_u, min, max) => [Math.min(0, min), Math.max(floor, max * 1.1)] },
        },
        axes: [
          {},
          {
            size: 86,
            ...(format ? { values: (_u, ticks) => ticks.map((v) => format(v)) } : {}),
          },
        ],
        series: [
          {},
          ...series.map((s) => ({ label: s.label, stroke: s.stroke, width: 2, spanGaps: false })),
        ],
      },
      data,
      el,
    );
    plot.current = made;
    const resize = new ResizeObserver(() =>
      made.setSize({ width: Math.max(240, el.clientWidth), height: HEIGHT }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      made.destroy();
      plot.current = null;
    };
    // Re-created only when the set of series changes; new points go through setData below.
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  return (
    <figure className="card health-chart" data-testid={props.testId}>
      <figcaption>{props.title}</figcaption>
      <div ref={box} />
    </figure>
  );
}
