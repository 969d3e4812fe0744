/**
 * Analysis of one server step: CPU shares, lost segments, segment latency and its stages, the
 * runs' first segments and tails, recorder failures.
 */
import type { SegmentRecord } from '../../server/src/recording/types.ts';
import { systemBusyPct } from '../lib/resources.ts';
import { median, summarize, type Summary } from '../lib/stats.ts';
import type { BenchCamera } from './cameras.ts';
import { cpuPct, type CpuSnap } from './cpu.ts';
import {
  CONTENTION_CORE_PCT,
  HOLE_MS,
  NPROC,
  OFF_MS,
  opts,
  SATURATED_PCT,
  SEGMENT_MS,
} from './options.ts';
import { failureReason, printSegments, recordedByStep, timed } from './segments.ts';
import type { SegEvent, Timed } from './segments.ts';
import type { Latency, LostCounts, OursStep } from './stepTypes.ts';

export function latencyOf(events: Timed[]): Latency {
  return {
    ingestToIndexed: summarize(events.map((e) => e.at - (e.rec.ingestTime + e.rec.durationMs))),
    mediaEndToIndexed: summarize(events.map((e) => e.at - e.trueEnd)),
    muxOut: summarize(events.map((e) => e.mux)),
    cutWait: summarize(events.map((e) => e.cut.cutAt - e.cut.lastFragmentAt)),
    persist: summarize(events.map((e) => e.at - e.cut.cutAt)),
    anchorError: summarize(events.map((e) => e.anchorError)),
  };
}

export function analyse(
  m: {
    n: number;
    attempt: number;
    devs: string[];
    cams: BenchCamera[];
    events: Map<string, SegEvent[]>;
    A: CpuSnap;
    B: CpuSnap;
    w0: number;
    w1: number;
    killAt: number;
    stopMs: number[];
    warmupS: number;
    durable: Summary;
    failures: { msg: string; detail: string }[];
  },
  p: {
    recorderPids: number[];
    sourcePids: number[];
    nodePid: number;
    workerPid: number;
    rtp: number;
    rtpLost: number;
  },
): OursStep {
  const { n, A: a, B: b, w0, w1, killAt } = m;
  const secs = (b.at - a.at) / 1000;
  const recorderCpuPct = cpuPct(a, b, p.recorderPids);
  const nodeCpuPct = cpuPct(a, b, [p.nodePid]);
  const workerCpuPct = cpuPct(a, b, [p.workerPid]);
  const sourceCpuPct = cpuPct(a, b, p.sourcePids);
  const busy = systemBusyPct(a.sys, b.sys);

  // Loss: seq gaps and recorder restarts over the whole step; holes, durations and missing
  // segments over the segments cut in the window (steady state).
  const lost: LostCounts = {
    seqGaps: 0,
    holes: 0,
    restarts: 0,
    missing: 0,
    offTarget: 0,
    total: 0,
  };
  const holeGapsMs: number[] = [];
  const firstSegments: OursStep['firstSegments'] = [];
  let startupIrregular = 0;
  const expectedPerStream = Math.floor((w1 - w0) / SEGMENT_MS);
  const durations: number[] = [];
  const windowTimed: Timed[] = [];
  const tails: number[] = [];
  const longSegments = { count: 0, keyframeInside: 0, durationsMs: [] as number[] };
  let inWindow = 0;
  let plain = 0;
  let stored = 0;
  const byDevice = new Map<string, SegmentRecord[]>();
  for (const [ci, d] of m.devs.entries()) {
    const list = [...(m.events.get(d) ?? [])].sort((x, y) => x.rec.seq - y.rec.seq);
    byDevice.set(
      d,
      list.map((e) => e.rec),
    );
    const cam = m.cams[ci];
    const inW = (e: SegEvent): boolean => e.at >= w0 && e.at <= w1;
    const t = timed(list.filter(inW), cam?.keyframes ?? []);
    if (opts.verbose) printSegments(d, list, t, w0, w1);
    lost.restarts += Math.max(0, new Set(list.map((e) => e.rec.runId)).size - 1);
    for (const [i, e] of list.entries()) {
      plain += e.rec.bytes;
      stored += e.rec.storedBytes;
      const prev = list[i - 1];
      if (!prev) continue;
      lost.seqGaps += Math.max(0, e.rec.seq - prev.rec.seq - 1);
      const gap = e.rec.producerTime - (prev.rec.producerTime + prev.rec.durationMs);
      const irregular = Math.abs(gap) > HOLE_MS || Math.abs(e.rec.durationMs - SEGMENT_MS) > OFF_MS;
      if (i === 1) firstSegments.push({ durationMs: prev.rec.durationMs, gapToNextMs: gap });
      if (inW(e)) {
        inWindow++;
        durations.push(e.rec.durationMs);
        if (Math.abs(e.rec.durationMs - SEGMENT_MS) > OFF_MS) lost.offTarget++;
        if (prev.rec.runId === e.rec.runId && Math.abs(gap) > HOLE_MS) {
          lost.holes++;
          holeGapsMs.push(gap);
        }
      } else if (e.at < w0 && irregular) {
        startupIrregular++;
      }
    }
    windowTimed.push(...t);
    for (const x of t) {
      if (Math.abs(x.rec.durationMs - SEGMENT_MS) <= OFF_MS) continue;
      longSegments.count++;
      longSegments.durationsMs.push(x.rec.durationMs);
      const start = x.trueEnd - x.rec.durationMs;
      if ((cam?.keyframes ?? []).some((k) => k > start + 300 && k < x.trueEnd - 300)) {
        longSegments.keyframeInside++;
      }
    }
    // One segment of slack for window edges.
    lost.missing += Math.max(0, expectedPerStream - 1 - list.filter(inW).length);
    // The run's tail: media the source sent before it stopped that no segment holds.
    const last = list[list.length - 1];
    const mux = median(t.map((x) => x.mux));
    if (last?.cut && last.at > killAt && Number.isFinite(mux)) {
      tails.push(killAt - (last.cut.lastFragmentAt - mux));
    }
  }
  lost.total = lost.seqGaps + lost.holes + lost.restarts + lost.missing + lost.offTarget;
  recordedByStep.set(n, byDevice);
  const ownCpu = recorderCpuPct + nodeCpuPct + workerCpuPct + sourceCpuPct;
  const otherLoadCorePct = busy * NPROC - ownCpu;
  const saturated = ownCpu >= (SATURATED_PCT / 100) * NPROC * 100;
  return {
    variant: 'porchlight',
    n,
    attempt: m.attempt,
    windowS: secs,
    recorderCpuPct,
    nodeCpuPct,
    nodeSysCpuPct: ((b.self.system - a.self.system) / 1000 / (b.at - a.at)) * 100,
    workerCpuPct,
    sourceCpuPct,
    perStreamPct: (recorderCpuPct + nodeCpuPct) / n,
    perStreamWithWorkerPct: (recorderCpuPct + nodeCpuPct + workerCpuPct) / n,
    machineBusyPct: busy,
    otherLoadCorePct,
    udpRcvbufErrors: b.udpRcvbufErrors - a.udpRcvbufErrors,
    rtpLostPackets: p.rtpLost,
    rtpMbpsPerStream: (p.rtp * 8) / 1e6 / ((w1 - w0) / 1000) / n,
    streamsRecording: p.recorderPids.length,
    segmentsInWindow: inWindow,
    expectedInWindow: expectedPerStream * n,
    lost,
    holeGapsMs,
    firstSegments,
    startupIrregular,
    segmentDurationMs: summarize(durations),
    latency: latencyOf(windowTimed),
    durableWriteMs: m.durable,
    storedOverPlain: stored / plain,
    warmupS: m.warmupS,
    recorderStopMs: summarize(m.stopMs.filter(Number.isFinite)),
    lostTailMs: summarize(tails),
    recordersLeftRunning: m.stopMs.filter((x) => !Number.isFinite(x)).length,
    longSegments,
    recorderFailures: m.failures.reduce<Record<string, number>>((acc, w) => {
      const r = failureReason(w);
      acc[r] = (acc[r] ?? 0) + 1;
      return acc;
    }, {}),
    saturated,
    contended: lost.total > 0 && !saturated && otherLoadCorePct >= CONTENTION_CORE_PCT,
  };
}
