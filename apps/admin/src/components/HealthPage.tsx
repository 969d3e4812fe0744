import { useEffect } from 'react';
import type { HealthSeries } from '@porchlight/sdk/rest';
import { formatBitrate } from '@porchlight/web-ui';
import { useStore } from '../store/index.ts';
import { HealthChart } from './HealthChart.tsx';

/** Worker lines, by index; more workers than colours reuse them. */
const WORKER_COLOURS = ['#2a7de1', '#e1562a', '#2aa84a', '#9b2ae1', '#e1b12a', '#2ac2e1'];
const COLOURS = {
  in: '#2a7de1',
  out: '#e1562a',
  sockets: '#2aa84a',
  recorders: '#9b2ae1',
  lag: '#e1b12a',
} as const;

/**
 * Server health, live: CPU per mediasoup worker, RTP bitrate in and out of the SFU, open sockets,
 * active recorders and event-loop lag, as uPlot charts of the server's samples (the last hour),
 * polled at the sampler's own interval. The newest values are shown in figures above the charts.
 */
export function HealthPage() {
  const health = useStore((s) => s.health);
  const loadHealth = useStore((s) => s.loadHealth);
  const intervalMs = health?.intervalMs ?? 5_000;

  useEffect(() => {
    void loadHealth();
    const timer = setInterval(() => void loadHealth(), intervalMs);
    return () => clearInterval(timer);
  }, [loadHealth, intervalMs]);

  return (
    <section className="page" data-testid="admin-health">
      <h1>Server health</h1>
      {!health || health.t.length === 0 ? (
        <p className="muted">Waiting for the first sample…</p>
      ) : (
        <>
          <Latest health={health} />
          <div className="health-charts">
            <HealthChart
              title="CPU per media worker (% of a core)"
              testId="health-chart-cpu"
              t={health.t}
              series={health.cpuPercent.map((values, w) => ({
                label: `worker ${w}`,
                stroke: WORKER_COLOURS[w % WORKER_COLOURS.length]!,
                values,
              }))}
              format={(v) => `${v.toFixed(v < 10 ? 1 : 0)} %`}
              floor={10}
            />
            <HealthChart
              title="Bitrate"
              testId="health-chart-bitrate"
              t={health.t}
              series={[
                { label: 'in (cameras)', stroke: COLOURS.in, values: health.bitrateInBps },
                { label: 'out (viewers)', stroke: COLOURS.out, values: health.bitrateOutBps },
              ]}
              format={formatBitrate}
              floor={1_000_000}
            />
            <HealthChart
              title="Open sockets"
              testId="health-chart-sockets"
              t={health.t}
              series={[{ label: 'sockets', stroke: COLOURS.sockets, values: health.sockets }]}
            />
            <HealthChart
              title="Active recorders"
              testId="health-chart-recorders"
              t={health.t}
              series={[
                { label: 'recorders', stroke: COLOURS.recorders, values: health.activeRecorders },
              ]}
            />
            <HealthChart
              title="Event-loop lag (ms, p99)"
              testId="health-chart-lag"
              t={health.t}
              series={[{ label: 'lag', stroke: COLOURS.lag, values: health.eventLoopLagMs }]}
              format={(v) => `${v.toFixed(1)} ms`}
              floor={10}
            />
          </div>
        </>
      )}
    </section>
  );
}

/** The newest sample in figures; `data-t` names it so a reader can match it to the API. */
function Latest({ health }: { health: HealthSeries }) {
  const i = health.t.length - 1;
  const t = health.t[i]!;
  const cpu = health.cpuPercent.map((s) => s[i] ?? null);
  const figure = (label: string, testId: string, value: number | null, text: string) => (
    <div className="health-figure">
      <span className="muted">{label}</span>
      <strong data-testid={testId} data-value={value ?? ''}>
        {text}
      </strong>
    </div>
  );
  const inBps = health.bitrateInBps[i] ?? null;
  const outBps = health.bitrateOutBps[i] ?? null;
  return (
    <div className="card health-latest" data-testid="health-latest" data-t={t}>
      {figure('Sockets', 'health-now-sockets', health.sockets[i]!, String(health.sockets[i]))}
      {figure(
        'Recorders',
        'health-now-recorders',
        health.activeRecorders[i]!,
        String(health.activeRecorders[i]),
      )}
      {figure('In', 'health-now-in', inBps, inBps === null ? '–' : formatBitrate(inBps))}
      {figure('Out', 'health-now-out', outBps, outBps === null ? '–' : formatBitrate(outBps))}
      {figure(
        'Worker CPU',
        'health-now-cpu',
        cpu[0] ?? null,
        cpu.map((c) => (c === null ? '–' : `${c.toFixed(0)} %`)).join(' · '),
      )}
      {figure(
        'Event-loop lag',
        'health-now-lag',
        health.eventLoopLagMs[i]!,
        `${health.eventLoopLagMs[i]!.toFixed(1)} ms`,
      )}
      <span className="muted health-time">as of {new Date(t).toLocaleTimeString()}</span>
    </div>
  );
}
