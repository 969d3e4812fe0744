/**
 * The recording sweep's summary (largest clean N, CPU per stream and its slopes against the bare
 * baseline) and its table.
 */
import { mdTable } from '../lib/results.ts';
import { fmt, linearFit, median, ratio, type Summary } from '../lib/stats.ts';
import type { BareStep, OursStep } from './stepTypes.ts';

export interface StepPair {
  n: number;
  ours: OursStep | undefined;
  /** A contended first attempt, when the step was measured again. */
  oursFirstAttempt?: OursStep;
  bare: BareStep | undefined;
}

export interface SweepSummary {
  maxCleanN: number;
  maxCleanIsLowerBound: boolean;
  stoppedBecause: string;
  contendedN: number[];
  /** At the largest clean N. */
  perStreamPct: number;
  perStreamWithWorkerPct: number;
  barePerStreamPct: number;
  /** Slopes of CPU vs N over clean steps (% of a core per added stream). */
  marginalPct: number;
  marginalWithWorkerPct: number;
  bareMarginalPct: number;
  projectedPerCore: number;
  projectedPerCoreWithWorker: number;
  bareProjectedPerCore: number;
  /** ours/bare per stream, median over matched clean steps. */
  ratioPerStream: number;
  ratioPerStreamWithWorker: number;
  ratioMarginal: number;
}

export function summarizeSweep(pairs: StepPair[], stopped: string): SweepSummary {
  let maxClean = 0;
  let failed = false;
  for (const p of pairs) {
    if (!p.ours || p.ours.contended) continue; // no verdict either way
    if (p.ours.lost.total === 0 && !failed) maxClean = p.n;
    else failed = true;
  }
  const clean = pairs.filter(
    (p) => p.ours && p.n <= maxClean && !p.ours.contended && p.ours.lost.total === 0,
  );
  const at = pairs.find((p) => p.n === maxClean);
  const slope = (xs: number[], ys: number[]): number =>
    xs.length >= 2 ? linearFit(xs, ys).slope : Number.NaN;
  const cn = clean.map((p) => p.n);
  const oursFit = slope(
    cn,
    clean.map((p) => (p.ours ? p.ours.recorderCpuPct + p.ours.nodeCpuPct : NaN)),
  );
  const oursFitW = slope(
    cn,
    clean.map((p) =>
      p.ours ? p.ours.recorderCpuPct + p.ours.nodeCpuPct + p.ours.workerCpuPct : NaN,
    ),
  );
  const bareSteps = pairs.filter((p) => p.bare);
  const bareFit = slope(
    bareSteps.map((p) => p.n),
    bareSteps.map((p) => p.bare?.receiverCpuPct ?? NaN),
  );
  const matched = clean.filter((p) => p.bare);
  const perStream = at?.ours?.perStreamPct ?? NaN;
  const perStreamW = at?.ours?.perStreamWithWorkerPct ?? NaN;
  const proj = (marginal: number, fallback: number): number =>
    100 / (Number.isFinite(marginal) && marginal > 0 ? marginal : fallback);
  return {
    maxCleanN: maxClean,
    maxCleanIsLowerBound: maxClean > 0 && !failed,
    stoppedBecause: stopped,
    contendedN: pairs.filter((p) => p.ours?.contended).map((p) => p.n),
    perStreamPct: perStream,
    perStreamWithWorkerPct: perStreamW,
    barePerStreamPct: at?.bare?.perStreamPct ?? NaN,
    marginalPct: oursFit,
    marginalWithWorkerPct: oursFitW,
    bareMarginalPct: bareFit,
    projectedPerCore: proj(oursFit, perStream),
    projectedPerCoreWithWorker: proj(oursFitW, perStreamW),
    bareProjectedPerCore: proj(bareFit, at?.bare?.perStreamPct ?? NaN),
    ratioPerStream: median(
      matched.map((p) => ratio(p.ours?.perStreamPct ?? NaN, p.bare?.perStreamPct ?? NaN)),
    ),
    ratioPerStreamWithWorker: median(
      matched.map((p) => ratio(p.ours?.perStreamWithWorkerPct ?? NaN, p.bare?.perStreamPct ?? NaN)),
    ),
    ratioMarginal: ratio(oursFit, bareFit),
  };
}

export const ms0 = (v: number): string => fmt(v, 0);
export const pp = (s: Summary, d = 0): string => `${fmt(s.p50, d)} / ${fmt(s.p95, d)}`;

export function oursRow(n: number, o: OursStep): (string | number)[] {
  const l = o.lost;
  const detail = [
    l.seqGaps && `${l.seqGaps} seq gaps`,
    l.holes && `${l.holes} holes`,
    l.restarts && `${l.restarts} restarts`,
    l.missing && `${l.missing} missing`,
    l.offTarget && `${l.offTarget} off 2 s`,
  ].filter(Boolean);
  return [
    n,
    o.attempt > 1 ? 'porchlight (retry)' : 'porchlight',
    fmt(o.recorderCpuPct),
    fmt(o.nodeCpuPct),
    fmt(o.workerCpuPct),
    fmt(o.perStreamPct, 2),
    fmt(o.perStreamWithWorkerPct, 2),
    `${l.total}${detail.length ? ` (${detail.join(', ')})` : ''}; ${o.segmentsInWindow}/${o.expectedInWindow}` +
      (o.rtpLostPackets > 0 ? `; RTP lost ${o.rtpLostPackets}` : '') +
      (o.udpRcvbufErrors > 0 ? `; rcvbuf drops ${o.udpRcvbufErrors}` : ''),
    pp(o.latency.mediaEndToIndexed),
    fmt(o.sourceCpuPct),
    `${fmt(o.machineBusyPct, 0)} / ${fmt(o.otherLoadCorePct, 0)}` +
      (o.contended ? ' ⚠contended' : '') +
      (o.saturated ? ' ⚠saturated' : ''),
  ];
}

export function sweepTable(pairs: StepPair[]): string {
  const rows: (string | number)[][] = [];
  for (const p of pairs) {
    const b = p.bare;
    if (b) {
      rows.push([
        p.n,
        'bare ffmpeg',
        fmt(b.receiverCpuPct),
        '',
        '',
        fmt(b.perStreamPct, 2),
        '',
        `${b.flowing}/${b.n} remuxing`,
        '',
        fmt(b.sourceCpuPct),
        `${fmt(b.machineBusyPct, 0)} / ${fmt(b.otherLoadCorePct, 0)}`,
      ]);
    }
    if (p.oursFirstAttempt) rows.push(oursRow(p.n, p.oursFirstAttempt));
    if (p.ours) rows.push(oursRow(p.n, p.ours));
  }
  return mdTable(
    [
      'N',
      'variant',
      'recorder ffmpegs % core',
      'node %',
      'worker %',
      'per stream % (ffmpeg+node)',
      'per stream % (+worker)',
      'lost segments; in window / expected',
      'media end → indexed p50 / p95 ms',
      'sources %',
      'machine busy % / other load % core',
    ],
    rows,
  );
}
