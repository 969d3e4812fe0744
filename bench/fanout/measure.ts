/**
 * One fan-out step: worker CPU, producer and sink counters around a window, and the loss split.
 */
import os from 'node:os';
import type { ChildRpc } from '../lib/ipc.ts';
import {
  processCpuMs,
  secondsSince,
  sleep,
  systemBusyPct,
  systemCpu,
  udpCounters,
  type SystemCpuSample,
  type UdpCounters,
} from '../lib/resources.ts';
import { fmt } from '../lib/stats.ts';
import type { SinkTotals } from '../lib/udpSinkChild.ts';
import { CLEAN_LOSS_PCT, CONTENTION_CORE_PCT, opts, STOP_WORKER_CPU_PCT } from './options.ts';
import { inBatches, type Variant } from './variants.ts';

/** Each source is timestamped on its own (midpoint of its request): a busy sink answering late must
 * not stretch or shrink the worker's interval. */
export interface Snapshot {
  workerAtMs: number;
  producerAtMs: number;
  workerCpuMs: number;
  producerPackets: number;
  producerBytes: number;
  producerLost: number;
  sink: SinkTotals;
  sys: SystemCpuSample;
  udp: UdpCounters;
  ffmpegCpuMs: number;
  /** This (parent) process's CPU so far, ms. */
  selfCpuMs: number;
}

export interface StepResult {
  variant: string;
  srtp: boolean;
  n: number;
  windowS: number;
  /** Worker CPU, % of one core. */
  workerCpuPct: number;
  /** Worker CPU / N, % of one core per consumer. */
  cpuPerConsumerPct: number;
  /** Worker CPU per packet it had to forward (producer packets x N), microseconds. */
  usPerForwardedPacket: number;
  producerPps: number;
  producerMbps: number;
  /** Packets the producer received during the window. */
  producerPackets: number;
  /** Ingest loss ffmpeg -> worker seen by the producer (RTP sequence gaps). */
  producerLostPackets: number;
  expectedPackets: number;
  receivedPackets: number;
  /**
   * Packets lost in the window, from the sinks' RTP sequence numbers: sum over consumers of
   * (expected - received) / expected. Robust to the sink process reading its buffers late.
   */
  lossPct: number;
  /** received / (producer packets x N) in the window, %: below 100 also when sinks lag behind. */
  deliveryPct: number;
  /**
   * 1 - sink packets / consumer-sent packets, between quiescent points around the step (producer
   * paused): loss after the worker sent (kernel buffers, sink process), not inside the SFU.
   */
  sinkSideLossPct: number;
  /** Consumers whose stream advanced by less than half the producer's packets in the window. */
  starvedConsumers: number;
  sinkMbps: number;
  sinkCpuPct: number;
  ffmpegCpuPct: number;
  /** Whole machine busy, % of all cores (other tenants included). */
  machineBusyPct: number;
  /**
   * Machine CPU not used by this step's own processes (worker, sinks, ffmpeg, this process), in %
   * of one core: other tenants, plus the idle variant (~1-2%).
   */
  otherLoadPct: number;
  /** ffmpeg -> worker loss seen by the producer (kernel drops at the worker's socket), %. */
  ingestLossPct: number;
  /** Kernel UDP receive-buffer drops (whole machine) during the window. */
  kernelRcvbufDrops: number;
  /** Seconds from resume until every sink had packets (consumers wait for a keyframe). */
  activationS: number;
  /** Ingest rate outside 85-115% of nominal (ffmpeg starved, or bursting to catch up). */
  ingestAbnormal: boolean;
  /**
   * Abnormal ingest while the machine was >= 90% busy and the worker itself was not saturated:
   * the step measured other tenants' load, not the SFU. Neither counts as clean nor stops the sweep.
   */
  contended: boolean;
  /** This is the second try of the step (the first had degraded ingest). */
  retried: boolean;
}

export async function timed<T>(p: Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await p;
  return [value, (t0 + performance.now()) / 2];
}

export async function snapshot(v: Variant, sink: ChildRpc): Promise<Snapshot> {
  const [[workerCpuMs, workerAtMs], [stats, producerAtMs], sinkTotals] = await Promise.all([
    timed(v.workerCpuMs()),
    timed(v.producer.getStats()),
    sink.request<SinkTotals>('totals', { group: v.group }),
  ]);
  return {
    workerAtMs,
    producerAtMs,
    workerCpuMs,
    producerPackets: stats.reduce((s, x) => s + x.packetCount, 0),
    producerBytes: stats.reduce((s, x) => s + x.byteCount, 0),
    producerLost: stats.reduce((s, x) => s + x.packetsLost, 0),
    sink: sinkTotals,
    sys: systemCpu(),
    udp: udpCounters(),
    ffmpegCpuMs: processCpuMs(v.ffmpeg.pid ?? -1),
    selfCpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
  };
}

/** Packets the worker has sent on all of a variant's consumers (outbound RTP stream stats). */
export async function consumerSentPackets(v: Variant): Promise<number> {
  let total = 0;
  await inBatches(v.consumers, 64, async (c) => {
    for (const s of await c.getStats()) if (s.type === 'outbound-rtp') total += s.packetCount;
  });
  return total;
}

/** Resumes the producer and waits until every sink receives (consumers wait for a keyframe). */
export async function activate(v: Variant, sink: ChildRpc): Promise<number> {
  const t0 = performance.now();
  const before = (await sink.request<SinkTotals>('totals', { group: v.group })).perSocket;
  await v.resume();
  const deadline = t0 + 6000;
  while (performance.now() < deadline) {
    await sleep(250);
    const now = (await sink.request<SinkTotals>('totals', { group: v.group })).perSocket;
    if (now.every((p, i) => p > (before[i] ?? 0))) break;
  }
  const activationS = secondsSince(t0);
  const rest = opts.warmupS * 1000 - (performance.now() - t0);
  await sleep(Math.max(500, rest));
  return activationS;
}

export async function measure(
  v: Variant,
  sink: ChildRpc,
  n: number,
  nominalPps: number,
): Promise<StepResult> {
  // Quiescent counters (producer paused) for the sink-side loss split.
  const sent0 = await consumerSentPackets(v);
  const sinkQ0 = await sink.request<SinkTotals>('totals', { group: v.group });
  const activationS = await activate(v, sink);
  const a = await snapshot(v, sink);
  await sleep(opts.windowS * 1000);
  const b = await snapshot(v, sink);
  await v.pause();
  await sleep(300); // let in-flight packets land
  const sent1 = await consumerSentPackets(v);
  const sinkQ1 = await sink.request<SinkTotals>('totals', { group: v.group });

  const dt = (b.producerAtMs - a.producerAtMs) / 1000;
  const workerDt = (b.workerAtMs - a.workerAtMs) / 1000;
  const sinkDt = (b.sink.atMs - a.sink.atMs) / 1000;
  const producerPackets = b.producerPackets - a.producerPackets;
  const expected = producerPackets * n;
  const received = b.sink.rtpPackets - a.sink.rtpPackets;
  const workerCpuMs = b.workerCpuMs - a.workerCpuMs;
  const workerCpuPct = (workerCpuMs / (workerDt * 1000)) * 100;
  const sentQ = sent1 - sent0;
  let seqExpected = 0;
  for (const [i, e] of b.sink.expectedPerSocket.entries())
    seqExpected += e - (a.sink.expectedPerSocket[i] ?? 0);
  const seqReceived = received;
  const producerPps = producerPackets / dt;
  const machineBusyPct = systemBusyPct(a.sys, b.sys);
  const sinkCpuPct = ((b.sink.cpuMs - a.sink.cpuMs) / (sinkDt * 1000)) * 100;
  const ffmpegCpuPct = ((b.ffmpegCpuMs - a.ffmpegCpuMs) / (dt * 1000)) * 100;
  const selfCpuPct = ((b.selfCpuMs - a.selfCpuMs) / (dt * 1000)) * 100;
  const otherLoadPct = Math.max(
    0,
    machineBusyPct * os.availableParallelism() -
      workerCpuPct -
      sinkCpuPct -
      ffmpegCpuPct -
      selfCpuPct,
  );
  const producerLost = b.producerLost - a.producerLost;
  const ingestLossPct =
    producerPackets + producerLost > 0
      ? (producerLost / (producerPackets + producerLost)) * 100
      : 0;
  const lossPct = seqExpected > 0 ? Math.max(0, (1 - seqReceived / seqExpected) * 100) : Number.NaN;
  // ffmpeg -re starved by other load sends less, then bursts to catch up: either way the step
  // did not see the nominal stream.
  const abnormal =
    Number.isFinite(nominalPps) &&
    (producerPps < 0.85 * nominalPps || producerPps > 1.15 * nominalPps);
  return {
    variant: v.name,
    srtp: v.srtp,
    n,
    windowS: dt,
    workerCpuPct,
    cpuPerConsumerPct: workerCpuPct / n,
    // CPU rate x time of the producer's interval: both intervals are ~windowS long.
    usPerForwardedPacket: expected > 0 ? (workerCpuPct * 10 * dt * 1000) / expected : Number.NaN,
    producerPps,
    producerMbps: ((b.producerBytes - a.producerBytes) * 8) / dt / 1e6,
    producerPackets,
    producerLostPackets: producerLost,
    expectedPackets: expected,
    receivedPackets: received,
    lossPct,
    deliveryPct: expected > 0 ? (received / expected) * 100 : Number.NaN,
    sinkSideLossPct:
      sentQ > 0
        ? Math.max(0, (1 - (sinkQ1.rtpPackets - sinkQ0.rtpPackets) / sentQ) * 100)
        : Number.NaN,
    // Lax on purpose: a busy sink reads late, so its counts trail the producer's by a few hundred ms.
    starvedConsumers: b.sink.expectedPerSocket.filter(
      (e, i) => e - (a.sink.expectedPerSocket[i] ?? 0) < producerPackets * 0.5,
    ).length,
    sinkMbps: ((b.sink.rtpBytes - a.sink.rtpBytes) * 8) / sinkDt / 1e6,
    sinkCpuPct,
    ffmpegCpuPct,
    machineBusyPct,
    kernelRcvbufDrops: b.udp.rcvbufErrors - a.udp.rcvbufErrors,
    activationS,
    ingestAbnormal: abnormal,
    ingestLossPct,
    otherLoadPct,
    contended:
      otherLoadPct >= CONTENTION_CORE_PCT &&
      workerCpuPct < STOP_WORKER_CPU_PCT &&
      (abnormal || ingestLossPct >= 0.5 || lossPct >= CLEAN_LOSS_PCT),
    retried: false,
  };
}

export function stepLine(r: StepResult): string {
  return (
    `  ${(r.variant + (r.srtp ? '/srtp' : '')).padEnd(15)} N=${String(r.n).padStart(4)}  worker ${fmt(r.workerCpuPct).padStart(5)}%  ` +
    `${fmt(r.cpuPerConsumerPct, 3)}%/consumer  ${fmt(r.usPerForwardedPacket, 2)} µs/pkt  loss ${fmt(r.lossPct, 2)}% ` +
    `(sink-side ${fmt(r.sinkSideLossPct, 2)}%, delivered ${fmt(r.deliveryPct, 1)}%` +
    `${r.starvedConsumers ? `, ${r.starvedConsumers} starved` : ''})  sink ${fmt(r.sinkMbps)} Mbps cpu ${fmt(r.sinkCpuPct)}%  ` +
    `ingest ${fmt(r.producerMbps, 2)} Mbps${r.ingestAbnormal ? ' ABNORMAL' : ''}` +
    `${r.ingestLossPct > 0 ? ` (ingest loss ${fmt(r.ingestLossPct, 2)}%)` : ''}  machine ${fmt(r.machineBusyPct)}% (others ${fmt(r.otherLoadPct)}% core)` +
    `${r.contended ? '  CONTENDED' : ''}` +
    `${r.kernelRcvbufDrops > 0 ? `  rcvbuf drops ${r.kernelRcvbufDrops}` : ''}${r.retried ? '  (retry)' : ''}`
  );
}
