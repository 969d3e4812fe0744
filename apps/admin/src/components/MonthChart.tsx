import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface MonthSeries {
  label: string;
  /** CSS colour of the line. */
  stroke: string;
  values: number[];
}

const HEIGHT = 200;
const monthLabel = (seconds: number): string => new Date(seconds * 1000).toISOString().slice(0, 7);

/** A uPlot line chart with one point per month (x = the month's first second, UTC). */
export function MonthChart(props: {
  title: string;
  testId: string;
  /** Unix ms of each month's start. */
  months: number[];
  series: MonthSeries[];
}) {
  const box = useRef<HTMLDivElement>(null);
  const { months, series } = props;
  // Rebuilt when the data changes: a month chart changes on site switch, not per second.
  const key = JSON.stringify([months, series]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const xs = months.map((ms) => ms / 1000);
    const plot = new uPlot(
      {
        width: Math.max(280, el.clientWidth),
        height: HEIGHT,
        scales: {
          x: { time: true },
          y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] },
        },
        axes: [
          {
            splits: () => xs,
            // At most ~6 labels (the newest always): twelve YYYY-MM labels overlap at half width.
            values: (_u, ticks) => {
              const step = Math.ceil(ticks.length / 6);
              return ticks.map((t, i) =>
                (ticks.length - 1 - i) % step === 0 ? monthLabel(t) : '',
              );
            },
          },
          { size: 60 },
        ],
        series: [
          { value: (_u, v) => (v == null ? '' : monthLabel(v)) },
          ...series.map((s) => ({
            label: s.label,
            stroke: s.stroke,
            width: 2,
            points: { show: true, size: 6 },
          })),
        ],
      },
      [xs, ...series.map((s) => s.values)],
      el,
    );
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(280, el.clientWidth), height: HEIGHT }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [key]);

  return (
    <figure className="card month-chart" data-testid={props.testId}>
      <figcaption>{props.title}</figcaption>
      <div ref={box} />
    </figure>
  );
}
