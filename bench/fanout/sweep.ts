/**
 * A fan-out sweep: both variants step through N alternately until a stop condition, then their
 * summaries and ratios.
 */
import type { ChildRpc } from '../lib/ipc.ts';
import { sleep } from '../lib/resources.ts';
import { fmt, linearFit, median, ratio } from '../lib/stats.ts';
import { measure, stepLine, type StepResult } from './measure.ts';
import { isClean, STOP_LOSS_PCT, STOP_WORKER_CPU_PCT } from './options.ts';
import { bareVariant, porchlightVariant, type Variant } from './variants.ts';

export interface VariantSummary {
  variant: string;
  /** Largest N measured with < 1% loss (and every smaller N clean too). */
  maxCleanN: number;
  /** No failure above maxCleanN except contended steps: the real limit lies beyond it. */
  maxCleanNIsLowerBound: boolean;
  /** Worker CPU / N at maxCleanN (% of one core per consumer). */
  cpuPerConsumerPct: number;
  /** Slope of worker CPU vs N over clean steps (% of one core per extra consumer). */
  marginalCpuPerConsumerPct: number;
  /** Worker CPU with no consumers (fit intercept), % of one core. */
  fixedCpuPct: number;
  /** Median worker CPU per forwarded packet over clean steps with N >= 100 (µs). */
  usPerForwardedPacket: number;
  /** 100 / marginal: consumers one fully busy worker core could feed at this bitrate. */
  projectedConsumersPerCore: number;
  stoppedBecause: string;
  /** N values whose measurement was spoilt by other load (after one retry). */
  contendedN: number[];
}

export interface SweepResult {
  label: string;
  srtp: boolean;
  steps: { bare: StepResult[]; porchlight: StepResult[] };
  summary: { bare: VariantSummary; porchlight: VariantSummary };
  ratios: {
    /** PORCHLIGHT/BARE worker CPU at the same N, median over N where both were clean. */
    cpuPerConsumerMedianOfMatchedSteps: number;
    matchedSteps: number;
    marginalCpuPerConsumer: number;
    usPerForwardedPacket: number;
    maxCleanN: number;
  };
}

export function summarizeVariant(v: Variant): VariantSummary {
  const sorted = [...v.steps].sort((a, b) => a.n - b.n);
  let maxClean = 0;
  for (const s of sorted) {
    if (s.contended) continue; // says nothing about the SFU either way
    if (isClean(s)) maxClean = s.n;
    else break;
  }
  const clean = sorted.filter((s) => s.n <= maxClean && !s.contended);
  const at = clean[clean.length - 1];
  const fit =
    clean.length >= 2
      ? linearFit(
          clean.map((s) => s.n),
          clean.map((s) => s.workerCpuPct),
        )
      : { slope: at?.cpuPerConsumerPct ?? Number.NaN, intercept: 0 };
  return {
    variant: v.name,
    maxCleanN: maxClean,
    // A lower bound when nothing above it failed for the SFU's own reasons (contended steps say nothing).
    maxCleanNIsLowerBound: maxClean > 0 && !sorted.some((s) => s.n > maxClean && !s.contended),
    cpuPerConsumerPct: at?.cpuPerConsumerPct ?? Number.NaN,
    marginalCpuPerConsumerPct: fit.slope,
    fixedCpuPct: fit.intercept,
    // Larger N amortizes the fixed (ingest) cost; fall back to every clean step for short sweeps.
    usPerForwardedPacket: median(
      (clean.some((s) => s.n >= 100) ? clean.filter((s) => s.n >= 100) : clean).map(
        (s) => s.usPerForwardedPacket,
      ),
    ),
    projectedConsumersPerCore: fit.slope > 0 ? 100 / fit.slope : Number.NaN,
    stoppedBecause: v.done ?? 'end of sweep',
    contendedN: v.steps.filter((s) => s.contended).map((s) => s.n),
  };
}

/**
 * Steps every variant through N (adding consumers as N grows), alternating the order at each N
 * (ABBA...) so drift and noise do not favour one variant; a contended step is measured once more.
 * A variant stops at its first loss / starvation / saturated-worker step or at the deadline.
 */
export async function stepThrough(
  variants: Variant[],
  steps: number[],
  sink: ChildRpc,
  deadline: number,
): Promise<void> {
  for (const [k, n] of steps.entries()) {
    const order = k % 2 === 0 ? variants : [...variants].reverse();
    for (const v of order) {
      if (v.done) continue;
      if (performance.now() > deadline) {
        v.done = `time budget reached before N=${n}`;
        continue;
      }
      const ports = await sink.request<number[]>(
        'open',
        { group: v.group, count: n - v.consumers.length },
        60_000,
      );
      await v.addConsumers(ports);
      // Every variant streams the same clip: their normal steps define the nominal packet rate.
      const nominal = median(
        variants.flatMap((x) => x.steps.filter((s) => !s.ingestAbnormal).map((s) => s.producerPps)),
      );
      let r = await measure(v, sink, n, nominal);
      if (r.contended && performance.now() < deadline) {
        console.log(`${stepLine(r)}  -> other load starved the stream; measuring again`);
        await sleep(2000);
        r = { ...(await measure(v, sink, n, nominal)), retried: true };
      }
      v.steps.push(r);
      console.log(stepLine(r));
      if (r.contended) continue; // no verdict on this N; carry on
      if (r.lossPct > STOP_LOSS_PCT)
        v.done = `loss ${fmt(r.lossPct, 1)}% > ${STOP_LOSS_PCT}% at N=${n}`;
      else if (r.starvedConsumers > n * 0.05)
        v.done = `${r.starvedConsumers} consumers starved at N=${n}`;
      else if (r.workerCpuPct > STOP_WORKER_CPU_PCT)
        v.done = `worker CPU ${fmt(r.workerCpuPct)}% at N=${n}`;
    }
    if (variants.every((v) => v.done)) break;
  }
}

export async function runSweep(
  label: string,
  srtp: boolean,
  steps: number[],
  clip: string,
  sink: ChildRpc,
  deadline: number,
): Promise<SweepResult> {
  console.log(
    `[fanout] sweep "${label}": ${srtp ? 'SRTP' : 'plain RTP'} consumers, N = ${steps.join(', ')}`,
  );
  const variants: Variant[] = [];
  try {
    variants.push(await bareVariant(label, srtp, clip));
    variants.push(await porchlightVariant(label, srtp, clip));
    // Start paused; each step resumes only the variant it measures.
    for (const v of variants) await v.pause();
    console.log(
      `[fanout] workers: ${variants.map((v) => `${v.name}=${v.workerPid}`).join(' ')}, sink pid ${sink.pid}`,
    );
    await stepThrough(variants, steps, sink, deadline);
  } finally {
    for (const v of variants)
      await v.close().catch((e: unknown) => console.error('[fanout] close failed', e));
  }
  const [bare, ours] = variants as [Variant, Variant];
  const sb = summarizeVariant(bare);
  const sp = summarizeVariant(ours);
  const matched = bare.steps
    .map((b) => ({ b, p: ours.steps.find((p) => p.n === b.n) }))
    .filter((x): x is { b: StepResult; p: StepResult } => !!x.p && isClean(x.b) && isClean(x.p));
  return {
    label,
    srtp,
    steps: { bare: bare.steps, porchlight: ours.steps },
    summary: { bare: sb, porchlight: sp },
    ratios: {
      cpuPerConsumerMedianOfMatchedSteps: median(
        matched.map(({ b, p }) => ratio(p.workerCpuPct, b.workerCpuPct)),
      ),
      matchedSteps: matched.length,
      marginalCpuPerConsumer: ratio(sp.marginalCpuPerConsumerPct, sb.marginalCpuPerConsumerPct),
      usPerForwardedPacket: ratio(sp.usPerForwardedPacket, sb.usPerForwardedPacket),
      maxCleanN: ratio(sp.maxCleanN, sb.maxCleanN),
    },
  };
}
