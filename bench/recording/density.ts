/**
 * Density of in-process recording: how many concurrent 1 Mbps 720p H264 + Opus cameras one server
 * records with no lost segment and every segment playable within 1 s of the end of its media, the
 * CPU per stream of the server process (recorder + server; the mediasoup worker and the cameras
 * excluded, reported apart) against bare `ffmpeg -c copy` receivers measured in the same run, RSS
 * per stream, and a reconnect storm (100 cameras leaving and coming back at once).
 *
 * Cameras: camera Peers in the site's Room publishing through PlainTransports (Room.produce, as
 * a browser camera does), fed by one child process that sends the bench clip as RTP for all of
 * them (rtpSourceChild.ts); the RecordingService records them exactly as real cameras.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import type { types } from 'mediasoup';
import type { RequestOf } from '@porchlight/protocol';
import type { Peer } from '../../server/src/media/Peer.ts';
import type { Room } from '../../server/src/media/Room.ts';
import type { SegmentRecord } from '../../server/src/recording/types.ts';
import { joinPlainCamera } from '../../tests/support/plainCamera.ts';
import { ChildRpc } from '../lib/ipc.ts';
import {
  processCpuMs,
  processRssBytes,
  sleep,
  systemBusyPct,
  systemCpu,
} from '../lib/resources.ts';
import { fmt, linearFit, summarize, type Summary } from '../lib/stats.ts';
import { bareStep } from './bare.ts';
import { SOURCE_CODECS } from './media.ts';
import { HOLE_MS, NPROC, SEGMENT_MS } from './options.ts';
import type { SourceCam } from './rtpSourceChild.ts';
import type { Ctx } from './stepTypes.ts';

type RtpParameters = RequestOf<'produce'>['rtpParameters'];

export interface DensityOptions {
  steps: number[];
  windowS: number;
  /** No new step starts after this many seconds from the density bench's start. */
  budgetS: number;
  bareN: number;
  reconnectN: number;
}

export interface DensityStep {
  n: number;
  windowS: number;
  /** % of one core: the server process (Node: signaling, recorders, storage, index). */
  serverCpuPct: number;
  workerCpuPct: number;
  sourceCpuPct: number;
  perStreamPct: number;
  /** perStreamPct / bare ffmpeg's per stream. */
  ratioToBare: number;
  machineBusyPct: number;
  rssPerStreamMB: number;
  workerRssPerStreamMB: number;
  segmentsInWindow: number;
  expectedInWindow: number;
  /** Seq gaps, camera-time holes > HOLE_MS and streams without segments, after the warm-up. */
  lost: number;
  /** Segment event (persisted, indexed) − end of its media on the camera clock. */
  playableAfterEndMs: Summary;
  eventLoopDelayP99Ms: number;
  warmupS: number;
  ok: boolean;
}

export interface ReconnectResult {
  n: number;
  /** From the moment all cameras left and came back until every stream's new recorder ran. */
  allRecordersMs: number;
  /** … until every stream indexed a segment of its new run. */
  allSegmentsMs: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
}

export interface DensityResult {
  bare: { n: number; perStreamPct: number; flowing: number };
  /** Server CPU (% of a core) fitted over the passing steps: intercept + slope × N. */
  serverFit: { intercept: number; slope: number; ratioToBare: number };
  steps: DensityStep[];
  /** The largest N that passed (0 segments lost, playable ≤ 1 s). */
  limit: number;
  stopped: string;
  reconnect: ReconnectResult | null;
}

interface Cam {
  deviceId: string;
  peer: Peer;
  source: SourceCam;
}

let ssrc = 70_000_000 + Math.floor(Math.random() * 1e6) * 10;

async function joinCamera(room: Room, siteId: string, deviceId: string): Promise<Cam> {
  const { peer, transport } = joinPlainCamera(room, {
    siteId,
    deviceId,
    label: `density ${deviceId.slice(0, 8)}`,
  });
  const vt = await transport();
  const at = await transport();
  const videoSsrc = ssrc++;
  const audioSsrc = ssrc++;
  const rtcp = { cname: `density-${videoSsrc}`, reducedSize: false };
  const produce = (
    t: types.PlainTransport,
    kind: 'video' | 'audio',
    s: number,
  ): ReturnType<Room['produce']> =>
    room.produce(peer, {
      transportId: t.id,
      kind,
      source: kind === 'video' ? 'camera' : 'microphone',
      rtpParameters: {
        codecs: [SOURCE_CODECS[kind]],
        encodings: [{ ssrc: s }],
        rtcp,
      } as RtpParameters,
    });
  await produce(vt, 'video', videoSsrc);
  await produce(at, 'audio', audioSsrc);
  return {
    deviceId,
    peer,
    source: { videoPort: vt.tuple.localPort, audioPort: at.tuple.localPort, videoSsrc, audioSsrc },
  };
}

/** Segments indexed per device, with when they became playable. */
class SegmentLog {
  readonly byDevice = new Map<string, { rec: SegmentRecord; at: number }[]>();
  watch(devices: readonly string[]): void {
    for (const d of devices) this.byDevice.set(d, []);
  }
  add(rec: SegmentRecord): void {
    this.byDevice.get(rec.deviceId)?.push({ rec, at: Date.now() });
  }
}

export async function densityBench(
  ctx: Ctx,
  o: DensityOptions,
  mint: (label: string) => Promise<string>,
): Promise<DensityResult> {
  const t0 = performance.now();
  const log = new SegmentLog();
  ctx.service.on('segment', (rec) => log.add(rec));
  const src = ChildRpc.fork(path.join(import.meta.dirname, 'rtpSourceChild.ts'));
  try {
    await src.request('load', { clip: ctx.clip }, 60_000);
    const bare = await bareStep(o.bareN, ctx.clip);
    console.log(
      `[density] bare ffmpeg -c copy N=${o.bareN}: ${fmt(bare.perStreamPct, 3)}% of a core per stream (${bare.flowing} flowing)`,
    );
    const rssBase = {
      server: processRssBytes(process.pid),
      worker: processRssBytes(ctx.room.workerPid),
    };
    const steps: DensityStep[] = [];
    let stopped = 'end of steps';
    let limit = 0;
    for (const n of o.steps) {
      if ((performance.now() - t0) / 1000 > o.budgetS) {
        stopped = `time budget (${o.budgetS} s) reached before N=${n}`;
        break;
      }
      const devices: string[] = [];
      for (let i = 0; i < n; i++) devices.push(await mint(`density ${n}.${i}`));
      const step = await densityStep(ctx, src, log, devices, o.windowS, bare.perStreamPct, rssBase);
      steps.push(step);
      console.log(stepLine(step));
      if (!step.ok) {
        stopped = `N=${n} failed (${step.lost} lost, playable p99 ${fmt(step.playableAfterEndMs.p99, 0)} ms, busy ${fmt(step.machineBusyPct, 0)}%)`;
        break;
      }
      limit = n;
    }
    let reconnect: ReconnectResult | null = null;
    if (o.reconnectN > 0) {
      const devices: string[] = [];
      for (let i = 0; i < o.reconnectN; i++) devices.push(await mint(`reconnect ${i}`));
      reconnect = await reconnectStorm(ctx, src, log, devices);
      console.log(
        `[density] reconnect N=${reconnect.n}: all recorders running after ${fmt(reconnect.allRecordersMs, 0)} ms, ` +
          `all recording (a segment of the new run indexed) after ${fmt(reconnect.allSegmentsMs, 0)} ms; ` +
          `event-loop delay p99 ${fmt(reconnect.eventLoopDelayP99Ms, 1)} ms, max ${fmt(reconnect.eventLoopDelayMaxMs, 1)} ms`,
      );
    }
    const ok = steps.filter((x) => x.ok);
    const fit = linearFit(
      ok.map((x) => x.n),
      ok.map((x) => x.serverCpuPct),
    );
    return {
      bare: { n: o.bareN, perStreamPct: bare.perStreamPct, flowing: bare.flowing },
      serverFit: { ...fit, ratioToBare: fit.slope / bare.perStreamPct },
      steps,
      limit,
      stopped,
      reconnect,
    };
  } finally {
    await src.close();
  }
}

async function startAll(ctx: Ctx, src: ChildRpc, devices: readonly string[]): Promise<Cam[]> {
  const cams: Cam[] = [];
  for (const d of devices) cams.push(await joinCamera(ctx.room, ctx.ts.siteId, d));
  await src.request('add', { cams: cams.map((c) => c.source) });
  return cams;
}

async function stopAll(ctx: Ctx, src: ChildRpc, cams: readonly Cam[]): Promise<void> {
  await src.request('remove', { ssrcs: cams.map((c) => c.source.videoSsrc) });
  for (const c of cams) ctx.room.leave(c.peer);
  for (const c of cams) {
    const stream = await ctx.service.streamOf(c.deviceId);
    const deadline = Date.now() + 15_000;
    while (stream?.recorderPid !== undefined && Date.now() < deadline) await sleep(50);
    await stream?.drain();
  }
}

async function densityStep(
  ctx: Ctx,
  src: ChildRpc,
  log: SegmentLog,
  devices: string[],
  windowS: number,
  barePerStream: number,
  /** RSS before the first step: a step's growth over it, per stream (memory retained from an
   * earlier, larger step counts too, so this errs high). */
  rssBase: { server: number; worker: number },
): Promise<DensityStep> {
  const n = devices.length;
  log.watch(devices);
  const workerPid = ctx.room.workerPid;
  const { server: rss0, worker: wrss0 } = rssBase;
  const tStart = performance.now();
  const cams = await startAll(ctx, src, devices);
  const count = (d: string): number => log.byDevice.get(d)?.length ?? 0;
  const deadline = Date.now() + 40_000;
  while (Date.now() < deadline && devices.some((d) => count(d) < 2)) await sleep(100);
  const warmupS = (performance.now() - tStart) / 1000;
  const warm = new Map(devices.map((d) => [d, count(d)]));
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const s0 = (await src.request<{ cpuMs: number }>('stats')).cpuMs;
  const a = {
    at: performance.now(),
    node: processCpuMs(process.pid),
    worker: processCpuMs(workerPid),
    sys: systemCpu(),
  };
  const w0 = Date.now();
  await sleep(windowS * 1000);
  const b = {
    at: performance.now(),
    node: processCpuMs(process.pid),
    worker: processCpuMs(workerPid),
    sys: systemCpu(),
  };
  const w1 = Date.now();
  const s1 = (await src.request<{ cpuMs: number }>('stats')).cpuMs;
  loop.disable();
  const rss1 = processRssBytes(process.pid);
  const wrss1 = processRssBytes(workerPid);
  const ms = b.at - a.at;
  await stopAll(ctx, src, cams);
  // Judged on what was indexed after the warm-up (the last, flushed segment of each stream too).
  let lost = 0;
  let inWindow = 0;
  const lags: number[] = [];
  for (const d of devices) {
    const all = (log.byDevice.get(d) ?? []).sort((x, y) => x.rec.seq - y.rec.seq);
    const steady = all.slice((warm.get(d) ?? 1) - 1);
    if (steady.length < 2) lost++;
    for (let i = 1; i < steady.length; i++) {
      const p = steady[i - 1]!.rec;
      const c = steady[i]!.rec;
      if (c.seq !== p.seq + 1) lost += c.seq - p.seq - 1;
      else if (
        c.runId === p.runId &&
        Math.abs(c.producerTime - (p.producerTime + p.durationMs)) > HOLE_MS
      )
        lost++;
    }
    for (const e of all) {
      const end = e.rec.producerTime + e.rec.durationMs;
      if (e.rec.producerTime >= w0 && end <= w1) inWindow++;
      // Steady state: segments that ended inside the measurement window.
      if (end >= w0 && e.at <= w1) lags.push(e.at - end);
    }
    log.byDevice.delete(d);
  }
  const serverCpuPct = ((b.node - a.node) / ms) * 100;
  const perStreamPct = serverCpuPct / n;
  const playable = summarize(lags);
  const busy = systemBusyPct(a.sys, b.sys);
  const expected = Math.floor((windowS * 1000) / SEGMENT_MS - 1) * n;
  return {
    n,
    windowS: ms / 1000,
    serverCpuPct,
    workerCpuPct: ((b.worker - a.worker) / ms) * 100,
    sourceCpuPct: ((s1 - s0) / ms) * 100,
    perStreamPct,
    ratioToBare: perStreamPct / barePerStream,
    machineBusyPct: busy,
    rssPerStreamMB: (rss1 - rss0) / n / 1e6,
    workerRssPerStreamMB: (wrss1 - wrss0) / n / 1e6,
    segmentsInWindow: inWindow,
    expectedInWindow: expected,
    lost,
    playableAfterEndMs: playable,
    eventLoopDelayP99Ms: loop.percentile(99) / 1e6,
    warmupS,
    ok: lost === 0 && playable.max <= 1000 && busy < 98 && inWindow >= expected,
  };
}

async function reconnectStorm(
  ctx: Ctx,
  src: ChildRpc,
  log: SegmentLog,
  devices: string[],
): Promise<ReconnectResult> {
  log.watch(devices);
  let cams = await startAll(ctx, src, devices);
  const deadline = Date.now() + 40_000;
  while (Date.now() < deadline && devices.some((d) => (log.byDevice.get(d)?.length ?? 0) < 2))
    await sleep(100);
  const oldRuns = new Map<string, string | undefined>();
  for (const d of devices) oldRuns.set(d, (await ctx.service.streamOf(d))?.activeRunId);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  // Every camera drops and comes back at once (a server-side network blip, a restart).
  const t = performance.now();
  await src.request('remove', { ssrcs: cams.map((c) => c.source.videoSsrc) });
  for (const c of cams) ctx.room.leave(c.peer);
  cams = await startAll(ctx, src, devices);
  let allRecordersMs = Number.NaN;
  let allSegmentsMs = Number.NaN;
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    const streams = await Promise.all(devices.map((d) => ctx.service.streamOf(d)));
    const newRun = (i: number): string | undefined => {
      const id = streams[i]?.activeRunId;
      return id !== undefined && id !== oldRuns.get(devices[i]!) ? id : undefined;
    };
    if (Number.isNaN(allRecordersMs) && devices.every((_, i) => newRun(i) !== undefined)) {
      allRecordersMs = performance.now() - t;
    }
    const indexed = devices.every((d) =>
      (log.byDevice.get(d) ?? []).some((e) => e.rec.runId !== oldRuns.get(d)),
    );
    if (indexed) {
      allSegmentsMs = performance.now() - t;
      break;
    }
    await sleep(20);
  }
  loop.disable();
  await stopAll(ctx, src, cams);
  for (const d of devices) log.byDevice.delete(d);
  return {
    n: devices.length,
    allRecordersMs,
    allSegmentsMs,
    eventLoopDelayP99Ms: loop.percentile(99) / 1e6,
    eventLoopDelayMaxMs: loop.max / 1e6,
  };
}

export function stepLine(s: DensityStep): string {
  return (
    `[density] N=${s.n}: server ${fmt(s.serverCpuPct)}% (${fmt(s.perStreamPct, 3)}%/stream = ` +
    `${fmt(s.ratioToBare, 2)}x bare ffmpeg) worker ${fmt(s.workerCpuPct)}% sources ${fmt(s.sourceCpuPct)}%; ` +
    `busy ${fmt(s.machineBusyPct, 0)}% of ${NPROC} cores; RSS ${fmt(s.rssPerStreamMB, 2)} MB/stream ` +
    `(worker ${fmt(s.workerRssPerStreamMB, 2)}); segments ${s.segmentsInWindow}/${s.expectedInWindow}, lost ${s.lost}; ` +
    `playable after media end p50 ${fmt(s.playableAfterEndMs.p50, 0)} p99 ${fmt(s.playableAfterEndMs.p99, 0)} ` +
    `max ${fmt(s.playableAfterEndMs.max, 0)} ms; event-loop p99 ${fmt(s.eventLoopDelayP99Ms, 1)} ms; ` +
    `warm-up ${fmt(s.warmupS)} s${s.ok ? '' : ' ✗'}`
  );
}
