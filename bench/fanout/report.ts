/**
 * Markdown tables and summary lines of the fan-out bench.
 */
import { mdTable } from '../lib/results.ts';
import { fmt, ratio } from '../lib/stats.ts';
import { isClean } from './options.ts';
import type { StepResult } from './measure.ts';
import type { SweepResult, VariantSummary } from './sweep.ts';

export const lb = (s: VariantSummary): string =>
  `${s.maxCleanN}${s.maxCleanNIsLowerBound ? '+' : ''}`;

export function stepRows(sw: SweepResult): (string | number)[][] {
  return stepRowsOf([...sw.steps.bare, ...sw.steps.porchlight]);
}

/** One table row per step, by N then variant. */
export function stepRowsOf(steps: StepResult[]): (string | number)[][] {
  return [...steps]
    .sort((a, b) => a.n - b.n || a.variant.localeCompare(b.variant))
    .map((r) => [
      r.n,
      r.variant,
      fmt(r.workerCpuPct),
      fmt(r.cpuPerConsumerPct, 3),
      fmt(r.usPerForwardedPacket, 2),
      fmt(r.lossPct, 2) +
        (r.sinkSideLossPct >= 0.01 ? ` (sink ${fmt(r.sinkSideLossPct, 2)})` : '') +
        (r.starvedConsumers ? ` ⚠${r.starvedConsumers} starved` : ''),
      fmt(r.sinkMbps),
      fmt(r.sinkCpuPct),
      fmt(r.producerMbps, 2) +
        (r.ingestLossPct > 0 ? ` (loss ${fmt(r.ingestLossPct, 2)})` : '') +
        (r.ingestAbnormal ? ' ⚠' : ''),
      fmt(r.otherLoadPct, 0) + (r.contended ? ' ⚠contended' : ''),
    ]);
}

export const STEP_HEADERS = [
  'N',
  'variant',
  'worker CPU %',
  'CPU/consumer (% core)',
  'µs/pkt',
  'loss % (sink-side)',
  'sink Mbps',
  'sink CPU %',
  'ingest Mbps (loss %)',
  'other load (% core)',
];

export function summaryTable(sw: SweepResult): string {
  return mdTable(
    [
      'variant',
      'max N (<1% loss)',
      'CPU/consumer at max N',
      'marginal CPU/consumer',
      'µs/pkt',
      'projected consumers/core',
      'stopped',
    ],
    [sw.summary.bare, sw.summary.porchlight].map((s) => [
      s.variant,
      lb(s),
      fmt(s.cpuPerConsumerPct, 3),
      fmt(s.marginalCpuPerConsumerPct, 3),
      fmt(s.usPerForwardedPacket, 2),
      fmt(s.projectedConsumersPerCore, 0),
      s.stoppedBecause + (s.contendedN.length ? `; N=${s.contendedN.join(',')} contended` : ''),
    ]),
  );
}

export function ratioLine(sw: SweepResult): string {
  const r = sw.ratios;
  return (
    `PORCHLIGHT/BARE: CPU per consumer ×${fmt(r.cpuPerConsumerMedianOfMatchedSteps, 2)} (median of ${r.matchedSteps} ` +
    `matched N), marginal ×${fmt(r.marginalCpuPerConsumer, 2)}, µs/pkt ×${fmt(r.usPerForwardedPacket, 2)}, ` +
    `max N ×${fmt(r.maxCleanN, 2)}${sw.summary.bare.maxCleanNIsLowerBound || sw.summary.porchlight.maxCleanNIsLowerBound ? ' (a "+" limit is only a lower bound)' : ''}`
  );
}

/** SRTP cost relative to plain RTP at the same N and variant (worker CPU ratio). */
export function srtpOverPlain(
  plain: SweepResult,
  srtp: SweepResult,
): { n: number; variant: string; ratio: number }[] {
  const out: { n: number; variant: string; ratio: number }[] = [];
  for (const variant of ['bare', 'porchlight'] as const) {
    for (const s of srtp.steps[variant]) {
      const p = plain.steps[variant].find((x) => x.n === s.n);
      if (p && isClean(p) && isClean(s))
        out.push({ n: s.n, variant, ratio: ratio(s.usPerForwardedPacket, p.usPerForwardedPacket) });
    }
  }
  return out;
}
