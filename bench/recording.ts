/**
 * Recording: concurrent 1 Mbps recordings, ingest → playable latency, live HLS latency in
 * Chromium, 24 h playlist build time, clip export throughput and storage overhead, each against a
 * baseline measured in the same run. Results: bench/results/latest.{json,md} under "recording".
 *
 * Cameras: a pre-encoded 20 s clip (H264 constrained baseline 720p30, 1 Mbps, keyframe every 2 s;
 * Opus 32 kbps) looped by one `ffmpeg -re -stream_loop -1 -c copy` per camera into two comedia
 * PlainTransports of a camera Peer in the site's Room (Room.produce, real minted devices): the
 * RecordingService sees the Room's `producer` events and records exactly as for a browser camera
 * (StreamRecording → Recorder: mediasoup consumers → ffmpeg `-c copy` → fMP4 on stdout →
 * segmenter → AES-256-GCM → FileStorage (fsync) → SQLite index → `segment` event).
 *
 * Real media time: a segment ends where the next keyframe starts, and mediasoup's keyframe trace
 * events tell when each keyframe reached the server, so a segment's real end is known on the
 * server's clock without trusting the recording's own timestamps (which this bench checks).
 *
 *   1. Sweep N cameras (default 4, 12, 24, 48; alternating with the baseline, fresh processes
 *      each step): CPU of the recorder ffmpegs, the server process (node) and the mediasoup
 *      worker from /proc/<pid>/stat deltas over a window, lost segments (seq gaps, holes in camera
 *      time, recorder restarts, missing segments vs the window, durations far off 2 s).
 *      Baseline: N bare `ffmpeg -c copy -f mp4` receivers fed by the same sources directly.
 *   2. Segment latency from the same windows: ingest complete (ingestTime + durationMs) → indexed,
 *      real media end → indexed, and its stages (fragment out of ffmpeg, segment cut, seal +
 *      fsync'd write + insert). Baselines: the fragment leaving ffmpeg (what bare ffmpeg offers)
 *      and write + fsync + rename + directory fsync of a same-size file at the same moments.
 *   3. HLS live latency: Chromium + hls.js (the app's live settings), Date.now() - playingDate,
 *      corrected by the measured error of the recording's PROGRAM-DATE-TIME.
 *   4. 24 h on-demand playlist (43,200 rows): querySegments + mediaPlaylist vs the bare SELECT;
 *      plus GET vod.m3u8 over HTTPS on the running server with the same rows.
 *   5. Clip export (ClipExporter) MB/s vs decrypt + concatenate and vs ffmpeg -c copy remux.
 *   6. Storage overhead: stored bytes (sealed segments + init) / RTP bytes ingested and / plaintext.
 *
 *   node --import tsx bench/recording.ts [--steps=4,12,24,48] [--window=8] [--bare-window=6]
 *                                        [--budget=140] [--hls-seconds=20] [--no-hls]
 *                                        [--clip-rounds=2] [--verbose] [--keep-clips=DIR]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { api } from '../tests/support/http.ts';
import { startTestServer, type TestServer } from '../tests/support/testServer.ts';
import type { Room } from '../server/src/media/Room.ts';
import type { RecordingService } from '../server/src/recording/RecordingService.ts';
import type { FileStorage } from '../server/src/recording/storage/FileStorage.ts';
import type { SegmentRecord } from '../server/src/recording/types.ts';
import { Logger } from '../server/src/util/Logger.ts';
import { mdTable, recordResult } from './lib/results.ts';
import {
  machineInfo,
  processCpuMs,
  secondsSince,
  sleep,
  systemBusyPct,
  systemCpu,
  udpCounters,
} from './lib/resources.ts';
import { fmt, linearFit, median, ratio, summarize, type Summary } from './lib/stats.ts';
import {
  keeper,
  rtpBytes,
  rtpLost,
  startCamera,
  stopCamera,
  type BenchCamera,
} from './recording/cameras.ts';
import { clipBench, type ClipRange, type ClipResult } from './recording/clip.ts';
import { hlsLatency, type HlsResult } from './recording/hls.ts';
import {
  CLIP_SECONDS,
  CLIP_SIZE,
  isAlive,
  killAll,
  prepareClip,
  processWriteBytes,
  startBareRecorder,
  startSource,
} from './recording/media.ts';
import { insertDay, playlistBench, type PlaylistResult } from './recording/playlist.ts';
import { durableWrite, installSegmenterProbe, takeCut, type CutTiming } from './recording/probe.ts';

// ---------------------------------------------------------------------------------------------
// Options

function arg(name: string): string | undefined {
  const hit = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (!hit) return undefined;
  return hit.includes('=') ? hit.slice(hit.indexOf('=') + 1) : 'true';
}

const opts = {
  steps: (arg('steps') ?? '4,12,24,48')
    .split(',')
    .map(Number)
    .filter((n) => n > 0),
  windowS: Number(arg('window') ?? 8),
  /** The bare baseline's window (its CPU per stream is steady; a shorter window saves time). */
  bareWindowS: Number(arg('bare-window') ?? 6),
  /** The sweep starts no new step (or retry) after this many seconds from the bench's start. */
  budgetS: Number(arg('budget') ?? 140),
  hlsSeconds: Number(arg('hls-seconds') ?? 20),
  hls: arg('no-hls') !== 'true',
  clipRounds: Number(arg('clip-rounds') ?? 2),
  /** Print every indexed segment with its timings. */
  verbose: arg('verbose') === 'true',
  /** Keep exported clips whose probed duration is off (for inspection). */
  keepClips: arg('keep-clips'),
};
const NPROC = os.availableParallelism();
const SEGMENT_MS = 2000;
/** The clip's keyframe interval. */
const GOP_MS = 2000;
/** The bench's own processes using this share of the machine: CPU-saturated, stop. */
const SATURATED_PCT = 90;
/** Other tenants using at least this much (% of one core) during a troubled step: contended. */
const CONTENTION_CORE_PCT = 50;
/** Camera-time continuity tolerance between consecutive segments (the integration test's). */
const HOLE_MS = 150;
/** A steady segment this far off the 2 s target counts as a lost/irregular segment. */
const OFF_MS = 1000;
/** Segments each stream indexes before the window opens (a run's first seconds are irregular). */
const WARMUP_SEGMENTS = 3;
/** HLS samples before this (s after the first frame) are start-up. */
const HLS_SETTLE_S = 6;

// ---------------------------------------------------------------------------------------------
// Segment events and true media time

interface SegEvent {
  rec: SegmentRecord;
  /** Date.now() when the service's `segment` event fired (row inserted). */
  at: number;
  cut: CutTiming | undefined;
}

interface Timed extends SegEvent {
  cut: CutTiming;
  /** Real end of the segment's media: when the keyframe that ends it reached mediasoup. */
  trueEnd: number;
  /** trueEnd → the segment's last fragment out of ffmpeg (written once that keyframe arrived). */
  mux: number;
  /** (producerTime + durationMs) − trueEnd: error of the recording's own camera time. */
  anchorError: number;
}

/**
 * A segment ends where the next keyframe starts: its last fragment leaves ffmpeg once that
 * keyframe has arrived. The keyframe's arrival at mediasoup (producer trace) is the segment's real
 * end on the server's clock, independent of the recording's own timestamps.
 */
function timed(events: SegEvent[], keyframes: readonly number[]): Timed[] {
  const out: Timed[] = [];
  for (const e of events) {
    if (!e.cut) continue;
    const lastAt = e.cut.lastFragmentAt;
    let kf: number | undefined;
    for (const k of keyframes) {
      if (k <= lastAt + 2) kf = k;
      else break;
    }
    if (kf === undefined || lastAt - kf > GOP_MS) continue;
    out.push({
      ...e,
      cut: e.cut,
      trueEnd: kf,
      mux: lastAt - kf,
      anchorError: e.rec.producerTime + e.rec.durationMs - kf,
    });
  }
  return out;
}

/** Segment events by device, one map per step in progress (device sets never overlap). */
const collectors = new Set<Map<string, SegEvent[]>>();
/** Durable-write baseline: active during a window, at most one write per interval. */
const baseline = { active: false, dir: '', lastAt: 0, samples: [] as number[] };

function listen(service: RecordingService): void {
  service.on('segment', (rec) => {
    const at = Date.now();
    const cut = takeCut(rec.ingestTime, rec.bytes);
    for (const c of collectors) c.get(rec.deviceId)?.push({ rec, at, cut });
    if (baseline.active && at - baseline.lastAt >= 400) {
      baseline.lastAt = at;
      void durableWrite(baseline.dir, rec.bytes).then(
        (ms) => baseline.samples.push(ms),
        (e: unknown) => console.error('[recording] baseline write failed', e),
      );
    }
  });
}

/** Recorder trouble the server logged (its warn/error lines), attributed to steps by time. */
const serverWarnings: { at: number; msg: string; detail: string }[] = [];

function watchServerLog(): void {
  for (const level of ['warn', 'error'] as const) {
    const orig = Logger.prototype[level];
    Logger.prototype[level] = function (
      this: Logger,
      msg: string,
      fields?: Record<string, unknown>,
    ): void {
      if (/recorder|segment lost|unparseable/i.test(msg)) {
        const detail = fields?.['stderr'] ?? fields?.['error'] ?? '';
        serverWarnings.push({
          at: Date.now(),
          msg,
          detail: (typeof detail === 'string' ? detail : JSON.stringify(detail)).slice(0, 300),
        });
      }
      orig.call(this, msg, fields);
    };
  }
}

/** Short reason of a logged recorder failure. */
function failureReason(w: { msg: string; detail: string }): string {
  if (/bind failed/.test(w.detail)) return 'ffmpeg exit: port already in use';
  const assertion = /Assertion .* failed at [^"\\]*/.exec(w.detail)?.[0];
  if (assertion) return `ffmpeg abort: ${assertion}`;
  if (/Channel request handler/.test(w.detail)) return 'start failed: consumer gone';
  return `${w.msg}${w.detail ? `: ${w.detail.slice(0, 80)}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// CPU accounting

interface CpuSnap {
  at: number;
  /** This process (the server): user and system CPU, µs. */
  self: NodeJS.CpuUsage;
  pids: Map<number, number>;
  sys: ReturnType<typeof systemCpu>;
  udpRcvbufErrors: number;
}

function snap(pids: readonly number[]): CpuSnap {
  const m = new Map<number, number>();
  for (const p of pids) m.set(p, processCpuMs(p));
  return {
    at: performance.now(),
    self: process.cpuUsage(),
    pids: m,
    sys: systemCpu(),
    udpRcvbufErrors: udpCounters().rcvbufErrors,
  };
}

/** % of one core used by `pids` between two snapshots. */
function cpuPct(a: CpuSnap, b: CpuSnap, pids: readonly number[]): number {
  let ms = 0;
  for (const p of pids) {
    const x = a.pids.get(p);
    const y = b.pids.get(p);
    if (x !== undefined && y !== undefined && Number.isFinite(x) && Number.isFinite(y)) ms += y - x;
  }
  return (ms / (b.at - a.at)) * 100;
}

/** ms after `since` at which each pid was gone (NaN if still alive at the timeout). */
async function goneAfter(
  pids: readonly number[],
  since: number,
  timeoutMs: number,
): Promise<number[]> {
  const gone = new Map<number, number>();
  const until = Date.now() + timeoutMs;
  while (gone.size < pids.length && Date.now() < until) {
    for (const p of pids) if (!gone.has(p) && !isAlive(p)) gone.set(p, Date.now() - since);
    await sleep(50);
  }
  return pids.map((p) => gone.get(p) ?? Number.NaN);
}

// ---------------------------------------------------------------------------------------------
// Sweep steps

interface Latency {
  /** ingestTime + durationMs → indexed (the brief's "last media byte reached the server"). */
  ingestToIndexed: Summary;
  /** Real media end → indexed: what a viewer waits beyond real time. */
  mediaEndToIndexed: Summary;
  /** Stages: real media end → last fragment out of ffmpeg; → segment cut; → indexed. */
  muxOut: Summary;
  cutWait: Summary;
  persist: Summary;
  /** producerTime + durationMs − real end (the recording's camera-time error). */
  anchorError: Summary;
}

function latencyOf(events: Timed[]): Latency {
  return {
    ingestToIndexed: summarize(events.map((e) => e.at - (e.rec.ingestTime + e.rec.durationMs))),
    mediaEndToIndexed: summarize(events.map((e) => e.at - e.trueEnd)),
    muxOut: summarize(events.map((e) => e.mux)),
    cutWait: summarize(events.map((e) => e.cut.cutAt - e.cut.lastFragmentAt)),
    persist: summarize(events.map((e) => e.at - e.cut.cutAt)),
    anchorError: summarize(events.map((e) => e.anchorError)),
  };
}

interface LostCounts {
  seqGaps: number;
  holes: number;
  restarts: number;
  missing: number;
  offTarget: number;
  total: number;
}

interface OursStep {
  variant: 'porchlight';
  n: number;
  attempt: number;
  windowS: number;
  recorderCpuPct: number;
  nodeCpuPct: number;
  /** Part of nodeCpuPct spent in the kernel (pipe reads, file writes, fsync, UDP/IPC). */
  nodeSysCpuPct: number;
  workerCpuPct: number;
  sourceCpuPct: number;
  /** (recorders + node) / N, % of one core. */
  perStreamPct: number;
  /** (recorders + node + worker) / N. */
  perStreamWithWorkerPct: number;
  machineBusyPct: number;
  otherLoadCorePct: number;
  udpRcvbufErrors: number;
  rtpLostPackets: number;
  rtpMbpsPerStream: number;
  streamsRecording: number;
  segmentsInWindow: number;
  expectedInWindow: number;
  lost: LostCounts;
  /** Camera-time gaps (ms) between consecutive steady segments of a run beyond the tolerance. */
  holeGapsMs: number[];
  /** A run's first segment: duration, and its gap to the second (an overlap when negative). */
  firstSegments: { durationMs: number; gapToNextMs: number }[];
  /** Segments after a run's first but before the window with a hole or > 1 s off 2 s. */
  startupIrregular: number;
  segmentDurationMs: Summary;
  latency: Latency;
  /** Durable-write baseline during the window. */
  durableWriteMs: Summary;
  storedOverPlain: number;
  warmupS: number;
  /** Camera gone (source killed, peer left) → recorder process gone, ms. */
  recorderStopMs: Summary;
  /** Media sent before the source stopped but in no segment (the run's lost tail), ms. */
  lostTailMs: Summary;
  recordersLeftRunning: number;
  /**
   * Window segments > 1 s off 2 s, and how many of them had a keyframe reach mediasoup inside
   * their span (so the recording side, not the camera, missed the cut).
   */
  longSegments: { count: number; keyframeInside: number; durationsMs: number[] };
  /** Recorder failures the server logged during the step, by reason (restarted by the service). */
  recorderFailures: Record<string, number>;
  /** The bench's own processes (sources + recorders + node + worker) saturate the machine. */
  saturated: boolean;
  /** Lost segments while other tenants loaded the machine: no verdict. */
  contended: boolean;
}

interface BareStep {
  variant: 'bare';
  n: number;
  windowS: number;
  receiverCpuPct: number;
  sourceCpuPct: number;
  perStreamPct: number;
  machineBusyPct: number;
  otherLoadCorePct: number;
  /** Receivers whose output grew at >= 50 KB/s in the window (they were really remuxing). */
  flowing: number;
  outKBps: number;
}

async function bareStep(n: number, clip: string): Promise<BareStep> {
  const receivers = await Promise.all(Array.from({ length: n }, () => startBareRecorder()));
  // ffmpeg binds its ports after reading the SDP (Recorder.start waits the same 300 ms).
  await sleep(400);
  let ssrc = 50_000_000 + Math.floor(Math.random() * 1e6) * 10;
  const sources = receivers.map((r) =>
    startSource(clip, { video: r.video, audio: r.audio, videoSsrc: ssrc++, audioSsrc: ssrc++ }),
  );
  try {
    await sleep(3000);
    const rp = receivers.map((r) => r.child.pid).filter((p): p is number => p !== undefined);
    const sp = sources.map((s) => s.pid).filter((p): p is number => p !== undefined);
    const w0 = rp.map((p) => processWriteBytes(p));
    const a = snap([...rp, ...sp]);
    await sleep(opts.bareWindowS * 1000);
    const b = snap([...rp, ...sp]);
    const w1 = rp.map((p) => processWriteBytes(p));
    const secs = (b.at - a.at) / 1000;
    const rates = w1.map((v, i) => (v - (w0[i] ?? NaN)) / secs / 1000);
    const receiverCpuPct = cpuPct(a, b, rp);
    const sourceCpuPct = cpuPct(a, b, sp);
    const busy = systemBusyPct(a.sys, b.sys);
    return {
      variant: 'bare',
      n,
      windowS: secs,
      receiverCpuPct,
      sourceCpuPct,
      // Per receiver that really remuxed (one that lost its ports to another process idles).
      perStreamPct: receiverCpuPct / Math.max(1, rates.filter((r) => r >= 50).length),
      machineBusyPct: busy,
      otherLoadCorePct: busy * NPROC - receiverCpuPct - sourceCpuPct,
      flowing: rates.filter((r) => r >= 50).length,
      outKBps: median(rates),
    };
  } finally {
    await killAll([...sources, ...receivers.map((r) => r.child)]);
  }
}

interface Ctx {
  ts: TestServer;
  room: Room;
  service: RecordingService;
  clip: string;
  tmp: string;
}

/** Per step: the segments of each device (clip export uses the largest step's). */
const recordedByStep = new Map<number, Map<string, SegmentRecord[]>>();

function printSegments(device: string, list: SegEvent[], t: Timed[], w0: number, w1: number): void {
  for (const e of list) {
    const x = t.find((y) => y.rec.seq === e.rec.seq);
    console.log(
      `  ${device.slice(0, 6)} #${e.rec.seq} ${e.rec.runId.slice(-4)} pt ${e.rec.producerTime % 1e6} ` +
        `dur ${e.rec.durationMs} ing ${e.rec.ingestTime % 1e6} at ${e.at % 1e6}` +
        (e.cut
          ? ` lastFrag ${e.cut.lastFragmentAt % 1e6} cut ${e.cut.cutAt % 1e6} frags ${e.cut.fragments}`
          : '') +
        (x ? ` | trueEnd ${x.trueEnd % 1e6} mux ${x.mux} anchorErr ${x.anchorError}` : '') +
        (e.at >= w0 && e.at <= w1 ? ' W' : ''),
    );
  }
}

/**
 * Runs N cameras: warm-up until every stream has indexed WARMUP_SEGMENTS segments (a run's first
 * seconds are irregular, see the report), then the measurement window. Returns once the window is
 * over; `done` resolves after the teardown (recorders stopped, last segments indexed) with the
 * analysis.
 */
async function oursStep(
  ctx: Ctx,
  devs: string[],
  attempt: number,
): Promise<{ done: Promise<OursStep> }> {
  const n = devs.length;
  const events = new Map<string, SegEvent[]>(devs.map((d) => [d, []]));
  collectors.add(events);
  const t0 = performance.now();
  const stepStart = Date.now();
  const cams: BenchCamera[] = [];
  const recorderPids: number[] = [];
  const nodePid = process.pid;
  const workerPid = ctx.room.workerPid;
  let a: CpuSnap | undefined;
  let b: CpuSnap | undefined;
  let w0 = 0;
  let w1 = 0;
  let sourcePids: number[] = [];
  let rtp0 = 0;
  let rtp1 = 0;
  let lost0 = 0;
  let lost1 = 0;
  let warmupS = 0;
  const teardown = async (): Promise<{ killAt: number; stopMs: number[] }> => {
    baseline.active = false;
    // The camera goes away as a real one does: its media stops, then it leaves the Room; the
    // service stops the recorder (SIGINT; SIGKILL after Recorder's 4 s grace).
    const killAt = Date.now();
    await killAll(cams.map((c) => c.source));
    for (const c of cams) stopCamera(ctx.room, c);
    const stopMs = await goneAfter(recorderPids, killAt, 12_000);
    for (const d of devs) await (await ctx.service.streamOf(d))?.drain();
    collectors.delete(events);
    return { killAt, stopMs };
  };
  try {
    for (const d of devs) cams.push(await startCamera(ctx.room, ctx.ts.siteId, d, ctx.clip));
    const deadline = Date.now() + 40_000;
    while (
      Date.now() < deadline &&
      devs.some((d) => (events.get(d)?.length ?? 0) < WARMUP_SEGMENTS)
    ) {
      await sleep(100);
    }
    warmupS = secondsSince(t0);
    for (const d of devs) {
      const pid = (await ctx.service.streamOf(d))?.recorderPid;
      if (pid !== undefined) recorderPids.push(pid);
    }
    sourcePids = cams.map((c) => c.source.pid).filter((p): p is number => p !== undefined);
    rtp0 = (await Promise.all(cams.map((c) => rtpBytes(c)))).reduce((x, y) => x + y, 0);
    lost0 = (await Promise.all(cams.map((c) => rtpLost(c)))).reduce((x, y) => x + y, 0);
    baseline.samples = [];
    baseline.active = true;
    const all = [...recorderPids, ...sourcePids, nodePid, workerPid];
    w0 = Date.now();
    a = snap(all);
    await sleep(opts.windowS * 1000);
    b = snap(all);
    w1 = Date.now();
    baseline.active = false;
    rtp1 = (await Promise.all(cams.map((c) => rtpBytes(c)))).reduce((x, y) => x + y, 0);
    lost1 = (await Promise.all(cams.map((c) => rtpLost(c)))).reduce((x, y) => x + y, 0);
  } catch (error) {
    await teardown();
    throw error;
  }
  const durable = summarize(baseline.samples);
  const A = a;
  const B = b;
  const done = teardown().then(({ killAt, stopMs }) =>
    analyse(
      {
        n,
        attempt,
        devs,
        cams,
        events,
        A,
        B,
        w0,
        w1,
        killAt,
        stopMs,
        warmupS,
        durable,
        failures: serverWarnings.filter((w) => w.at >= stepStart),
      },
      {
        recorderPids,
        sourcePids,
        nodePid,
        workerPid,
        rtp: rtp1 - rtp0,
        rtpLost: lost1 - lost0,
      },
    ),
  );
  return { done };
}

function analyse(
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

function oursLine(s: OursStep): string {
  const l = s.latency;
  return (
    `[recording] porchlight N=${s.n}${s.attempt > 1 ? ' (retry)' : ''}: recorders ${fmt(s.recorderCpuPct)}% ` +
    `node ${fmt(s.nodeCpuPct)}% (sys ${fmt(s.nodeSysCpuPct)}) worker ${fmt(s.workerCpuPct)}% sources ${fmt(s.sourceCpuPct)}% → ` +
    `${fmt(s.perStreamPct, 2)}%/stream (${fmt(s.perStreamWithWorkerPct, 2)} with worker); busy ` +
    `${fmt(s.machineBusyPct, 0)}% (other ${fmt(s.otherLoadCorePct, 0)}% core); segments ` +
    `${s.segmentsInWindow}/${s.expectedInWindow}, lost ${s.lost.total} ${JSON.stringify(s.lost)}` +
    `${s.holeGapsMs.length ? ` holes ${JSON.stringify(s.holeGapsMs)}` : ''}; durations ` +
    `${fmt(s.segmentDurationMs.min, 0)}..${fmt(s.segmentDurationMs.max, 0)}; ingest→indexed p50 ` +
    `${fmt(l.ingestToIndexed.p50, 0)} ms; media end→indexed p50 ${fmt(l.mediaEndToIndexed.p50, 0)} ms ` +
    `(mux ${fmt(l.muxOut.p50, 0)}, cut wait ${fmt(l.cutWait.p50, 0)}, persist ${fmt(l.persist.p50, 1)}; ` +
    `fsync baseline ${fmt(s.durableWriteMs.p50, 1)}); camera-time error p50 ${fmt(l.anchorError.p50, 0)} ms ` +
    `[${fmt(l.anchorError.min, 0)}, ${fmt(l.anchorError.max, 0)}]; stop ${fmt(s.recorderStopMs.p50, 0)} ms, lost tail ` +
    `${fmt(s.lostTailMs.p50, 0)} ms; warm-up ${fmt(s.warmupS)} s` +
    (Object.keys(s.recorderFailures).length
      ? `; recorder failures ${JSON.stringify(s.recorderFailures)}`
      : '') +
    (s.contended ? ' ⚠contended' : '') +
    (s.saturated ? ' ⚠saturated' : '')
  );
}

function bareLine(s: BareStep): string {
  return (
    `[recording] bare       N=${s.n}: receivers ${fmt(s.receiverCpuPct)}% sources ${fmt(s.sourceCpuPct)}% → ` +
    `${fmt(s.perStreamPct, 2)}%/stream; busy ${fmt(s.machineBusyPct, 0)}% (other ${fmt(s.otherLoadCorePct, 0)}% core); ` +
    `flowing ${s.flowing}/${s.n} (${fmt(s.outKBps, 0)} KB/s each)`
  );
}

// ---------------------------------------------------------------------------------------------
// HLS live latency + storage overhead on one dedicated camera

interface LiveResult {
  hls: HlsResult | null;
  hlsError: string | null;
  /** Median camera-time error of this run's segments (PROGRAM-DATE-TIME − real time), ms. */
  pdtErrorMs: number;
  /** Date.now() − playingDate as hls.js reports it, and corrected by the PDT error. */
  glassRaw: Summary;
  glassTrue: Summary;
  behindEdgeS: Summary;
  playbackRates: number[];
  /** Segment indexed → a GET live.m3u8 issued right then lists it, ms. */
  indexedToListedMs: Summary;
  listedOnFirstFetch: number;
  fetches: number;
  /** EXT-X-TARGETDURATION over the run (first fetch, then the rest). */
  targetDurations: number[];
  extinf: number[];
  mediaEndToIndexedP50Ms: number;
  storage: StorageResult;
}

interface StorageResult {
  segments: number;
  mediaSeconds: number;
  rtpBytes: number;
  plainBytes: number;
  storedBytes: number;
  initPlainBytes: number;
  initStoredBytes: number;
  /** Σ file sizes and Σ allocated blocks of the run's objects on disk. */
  fileBytes: number;
  diskBytes: number;
  storedOverRtp: number;
  storedOverPlain: number;
  plainOverRtp: number;
  diskOverRtp: number;
  rtpKbps: number;
  /** The server's usage meter (bytes_ingested) vs the producers' RTP byte count, whole run. */
  meteredIngest: number;
  producerBytesTotal: number;
}

async function liveStep(ctx: Ctx, deviceId: string): Promise<LiveResult> {
  const events = new Map<string, SegEvent[]>([[deviceId, []]]);
  collectors.add(events);
  const list = (): SegEvent[] => events.get(deviceId) ?? [];
  const rtpSamples: { at: number; bytes: number }[] = [];
  const cam = await startCamera(ctx.room, ctx.ts.siteId, deviceId, ctx.clip);
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      rtpSamples.push({ at: Date.now(), bytes: await rtpBytes(cam) });
      await sleep(200);
    }
  })();
  let hls: HlsResult | null = null;
  let hlsError: string | null = null;
  const listed: number[] = [];
  let fetches = 0;
  const targetDurations: number[] = [];
  let extinf: number[] = [];
  let recorderPid: number | undefined;
  let killAt = 0;
  try {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && list().length < 1) await sleep(100);
    recorderPid = (await ctx.service.streamOf(deviceId))?.recorderPid;
    const viewer = await ctx.ts.mint('viewer');
    const pb = await api<{ live: string }>(
      ctx.ts.url,
      'POST',
      `/api/v1/sites/${ctx.ts.siteId}/devices/${deviceId}/recording/playback`,
      { token: viewer, body: {} },
    );
    if (pb.status !== 200) throw new Error(`playback: ${pb.status} ${JSON.stringify(pb.body)}`);
    const live = pb.body.live;
    // Indexed → listed: at each new segment, fetch the live playlist at once.
    let seen = 0;
    let checking = true;
    const checker = (async () => {
      while (checking) {
        const l = list();
        const e = l[l.length - 1];
        if (l.length > seen && e) {
          seen = l.length;
          const res = await fetch(`${ctx.ts.url}${live}`);
          const text = await res.text();
          const done = Date.now();
          fetches++;
          if (text.includes(`seg/${e.rec.seq}.m4s`)) listed.push(done - e.at);
          targetDurations.push(Number(/#EXT-X-TARGETDURATION:(\d+)/.exec(text)?.[1] ?? NaN));
          extinf = [...text.matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1]));
        }
        await sleep(20);
      }
    })();
    if (opts.hls) {
      try {
        hls = await hlsLatency({ base: ctx.ts.url, livePath: live, seconds: opts.hlsSeconds });
      } catch (error) {
        hlsError = String(error);
        console.error('[recording] HLS latency failed:', error);
      }
    } else {
      await sleep(opts.hlsSeconds * 1000);
    }
    checking = false;
    await checker;
  } finally {
    sampling = false;
    await sampler;
    killAt = Date.now();
    await killAll([cam.source]);
    stopCamera(ctx.room, cam);
    if (recorderPid !== undefined) await goneAfter([recorderPid], killAt, 12_000);
    await (await ctx.service.streamOf(deviceId))?.drain();
    collectors.delete(events);
  }
  const l = [...list()].sort((x, y) => x.rec.seq - y.rec.seq);
  recordedByStep.set(0, new Map([[deviceId, l.map((e) => e.rec)]]));
  const steady = l.filter((e, i) => i > 0 && !(i === l.length - 1 && e.at > killAt));
  const t = timed(steady, cam.keyframes);
  if (opts.verbose) {
    printSegments(deviceId, l, t, 0, 0);
    for (const [i, x] of (hls?.samples ?? []).entries()) {
      if (i % 8 === 0) {
        console.log(
          `  hls +${((x.at - (hls?.playingSince ?? 0)) / 1000).toFixed(1)} s glass ${x.glass} edge ${x.edge.toFixed(2)} rate ${x.rate}`,
        );
      }
    }
  }
  const pdtErrorMs = median(t.map((x) => x.anchorError));
  const settled = (hls?.samples ?? []).filter(
    (x) => x.at >= (hls?.playingSince ?? 0) + HLS_SETTLE_S * 1000,
  );
  return {
    hls,
    hlsError,
    pdtErrorMs,
    glassRaw: summarize(settled.map((x) => x.glass)),
    glassTrue: summarize(settled.map((x) => x.glass + pdtErrorMs)),
    behindEdgeS: summarize(settled.map((x) => x.edge)),
    playbackRates: [...new Set(settled.map((x) => x.rate))],
    indexedToListedMs: summarize(listed),
    listedOnFirstFetch: listed.length,
    fetches,
    targetDurations,
    extinf,
    mediaEndToIndexedP50Ms: median(t.map((x) => x.at - x.trueEnd)),
    storage: await storageOf(ctx, deviceId, t, rtpSamples),
  };
}

/** RTP bytes received by time `t` (linear interpolation between samples). */
function rtpAt(samples: { at: number; bytes: number }[], t: number): number {
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1];
    const b = samples[i];
    if (a && b && t >= a.at && t <= b.at) {
      return a.bytes + ((b.bytes - a.bytes) * (t - a.at)) / Math.max(1, b.at - a.at);
    }
  }
  return Number.NaN;
}

/**
 * Stored vs ingested over the same media: the steady segments' real span on the server's clock
 * (first real start → last real end) against the producers' RTP byte count over that span.
 */
async function storageOf(
  ctx: Ctx,
  deviceId: string,
  t: Timed[],
  rtp: { at: number; bytes: number }[],
): Promise<StorageResult> {
  const first = t[0];
  const last = t[t.length - 1];
  const from = first ? first.trueEnd - first.rec.durationMs : NaN;
  const to = last ? last.trueEnd : NaN;
  const rtpBytesIn = rtpAt(rtp, to) - rtpAt(rtp, from);
  const plainBytes = t.reduce((n, s) => n + s.rec.bytes, 0);
  const storedBytes = t.reduce((n, s) => n + s.rec.storedBytes, 0);
  const run = first ? await ctx.service.index.getRun(first.rec.runId) : null;
  const root = (ctx.service.vault.storage as FileStorage).root;
  let fileBytes = 0;
  let diskBytes = 0;
  for (const key of [...(run ? [run.storageKey] : []), ...t.map((s) => s.rec.storageKey)]) {
    const st = fs.statSync(path.join(root, ...key.split('/')));
    fileBytes += st.size;
    diskBytes += st.blocks * 512;
  }
  await ctx.service.usage.flush();
  const day = new Date().toISOString().slice(0, 10);
  const usage = await ctx.service.index.queryUsage(ctx.ts.siteId, day, day);
  const metered = usage.find((u) => u.deviceId === deviceId)?.bytesIngested ?? NaN;
  const mediaSeconds = (to - from) / 1000;
  const initStored = run?.storedBytes ?? 0;
  return {
    segments: t.length,
    mediaSeconds,
    rtpBytes: rtpBytesIn,
    plainBytes,
    storedBytes,
    initPlainBytes: run?.bytes ?? 0,
    initStoredBytes: initStored,
    fileBytes,
    diskBytes,
    storedOverRtp: (storedBytes + initStored) / rtpBytesIn,
    storedOverPlain: (storedBytes + initStored) / (plainBytes + (run?.bytes ?? 0)),
    plainOverRtp: plainBytes / rtpBytesIn,
    diskOverRtp: diskBytes / rtpBytesIn,
    rtpKbps: (rtpBytesIn * 8) / 1000 / mediaSeconds,
    meteredIngest: metered,
    producerBytesTotal: rtp[rtp.length - 1]?.bytes ?? NaN,
  };
}

// ---------------------------------------------------------------------------------------------
// 24 h playlist over HTTPS on the running server

interface HttpPlaylistResult {
  ms: Summary;
  bytes: number;
  segmentsListed: number;
}

async function httpPlaylist(ctx: Ctx, deviceId: string): Promise<HttpPlaylistResult> {
  const day = await insertDay(ctx.service.index, { deviceId, siteId: ctx.ts.siteId });
  const viewer = await ctx.ts.mint('viewer');
  const pb = await api<{ vod: string }>(
    ctx.ts.url,
    'POST',
    `/api/v1/sites/${ctx.ts.siteId}/devices/${deviceId}/recording/playback`,
    { token: viewer, body: { from: day.from, to: day.to } },
  );
  if (pb.status !== 200) throw new Error(`playback: ${pb.status} ${JSON.stringify(pb.body)}`);
  const times: number[] = [];
  let bytes = 0;
  let listed = 0;
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    const res = await fetch(`${ctx.ts.url}${pb.body.vod}`);
    const text = await res.text();
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`vod.m3u8: ${res.status}`);
    if (i > 0) times.push(ms); // the first warms the authorization cache and statements
    bytes = Buffer.byteLength(text);
    listed = (text.match(/#EXTINF/g) ?? []).length;
  }
  return { ms: summarize(times), bytes, segmentsListed: listed };
}

// ---------------------------------------------------------------------------------------------
// Report

interface StepPair {
  n: number;
  ours: OursStep | undefined;
  /** A contended first attempt, when the step was measured again. */
  oursFirstAttempt?: OursStep;
  bare: BareStep | undefined;
}

interface SweepSummary {
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

function summarizeSweep(pairs: StepPair[], stopped: string): SweepSummary {
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

const ms0 = (v: number): string => fmt(v, 0);
const pp = (s: Summary, d = 0): string => `${fmt(s.p50, d)} / ${fmt(s.p95, d)}`;

function oursRow(n: number, o: OursStep): (string | number)[] {
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

function sweepTable(pairs: StepPair[]): string {
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

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  const t0 = performance.now();
  if (!process.env['PORCHLIGHT_LOG_LEVEL']) Logger.setLevel('warn');
  const machine = machineInfo();
  console.log(
    `[recording] ${machine.cpuModel} x${machine.nproc}, node ${machine.nodeVersion}, load ` +
      `${machine.loadAvg1.toFixed(2)}; steps ${opts.steps.join(',')}, window ${opts.windowS}s, ` +
      `sweep budget ${opts.budgetS}s`,
  );
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-recbench-'));
  baseline.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-recbench-fsync-'));
  let ts: TestServer | undefined;
  const pairs: StepPair[] = [];
  let stopped = 'end of sweep';
  let live: LiveResult | undefined;
  let clip: ClipResult | undefined;
  let clipStep = 0;
  let playlist: PlaylistResult | undefined;
  let httpVod: HttpPlaylistResult | undefined;
  try {
    const clipFile = prepareClip(tmp);
    console.log(
      `[recording] clip encoded (${fmt(fs.statSync(clipFile).size / 1e6, 2)} MB for ${CLIP_SECONDS} s)`,
    );
    installSegmenterProbe();
    watchServerLog();
    ts = await startTestServer({ recording: { defaultMode: 'continuous' } });
    const room = await ts.server.rooms.getOrCreate(ts.siteId);
    keeper(room, ts.siteId);
    const service = ts.server.recording.service;
    listen(service);
    // Two pools of devices, alternating between steps (and for a retry): a step's devices are
    // never reused by the next one.
    const server = ts;
    const pools: string[][] = [[], []];
    /** The first n devices of a pool, provisioned (minted) on first use. */
    const devices = async (pool: number, n: number): Promise<string[]> => {
      const ids = pools[pool] ?? [];
      while (ids.length < n) {
        ids.push((await server.mintWithId('camera', { label: `Bench ${pool}.${ids.length}` })).id);
      }
      return ids.slice(0, n);
    };
    const tMint = performance.now();
    await devices(0, Math.max(0, ...opts.steps.filter((_, k) => k % 2 === 0)));
    await devices(1, Math.max(0, ...opts.steps.filter((_, k) => k % 2 === 1)));
    const liveDevice = (await server.mintWithId('camera', { label: 'Bench live' })).id;
    console.log(
      `[recording] ${(pools[0]?.length ?? 0) + (pools[1]?.length ?? 0) + 1} cameras provisioned in ${fmt(secondsSince(tMint))} s`,
    );
    const ctx: Ctx = { ts, room, service, clip: clipFile, tmp };

    // 1 + 2: the sweep.
    for (const [k, n] of opts.steps.entries()) {
      if (secondsSince(t0) > opts.budgetS) {
        stopped = `time budget (${opts.budgetS} s) reached before N=${n}`;
        break;
      }
      const devs = await devices(k % 2, n);
      const pair: StepPair = { n, ours: undefined, bare: undefined };
      pairs.push(pair);
      for (const v of k % 2 === 0 ? ['bare', 'porchlight'] : ['porchlight', 'bare']) {
        if (v === 'bare') {
          pair.bare = await bareStep(n, clipFile);
          console.log(bareLine(pair.bare));
        } else {
          // Devices of this pool may still be stopping from two steps ago.
          // The teardown (recorders stopping) is awaited before the next measurement: spawning
          // the next processes would block the event loop and delay the recorders' SIGKILL.
          const run = await oursStep(ctx, devs, 1);
          pair.ours = await run.done;
          console.log(oursLine(pair.ours));
        }
      }
      // A retry costs a step's time: only while the budget still has room for it.
      if (pair.ours?.contended && secondsSince(t0) + 35 < opts.budgetS) {
        console.log('[recording]   -> other load on the machine; measuring again');
        pair.oursFirstAttempt = pair.ours;
        const retry = await oursStep(ctx, await devices((k + 1) % 2, n), 2);
        pair.ours = await retry.done;
        console.log(oursLine(pair.ours));
      }
      const o = pair.ours;
      if (o && o.lost.total > 0 && !o.contended) {
        stopped = `${o.lost.total} lost segments at N=${n}`;
        break;
      }
      if (o?.saturated) {
        stopped = `the bench's processes saturate the machine at N=${n}`;
        break;
      }
    }

    // 3 + 6: one camera for HLS live latency and storage overhead.
    console.log('[recording] live HLS + storage overhead');
    live = await liveStep(ctx, liveDevice);
    console.log(
      `[recording] HLS glass→playback p50 ${fmt(live.glassRaw.p50, 0)} ms as hls.js reports it, ` +
        `${fmt(live.glassTrue.p50, 0)} ms corrected (PDT error ${fmt(live.pdtErrorMs, 0)} ms); ` +
        `indexed→listed p50 ${fmt(live.indexedToListedMs.p50, 0)} ms; stored/RTP ${fmt(live.storage.storedOverRtp, 4)}`,
    );

    // 5: clip export on the largest step's recordings.
    const biggest = [...recordedByStep.entries()]
      .filter(([n]) => n > 0)
      .sort((a, b) => b[0] - a[0])[0];
    clipStep = biggest?.[0] ?? 0;
    const ranges: ClipRange[] = [];
    for (const [deviceId, segs] of biggest?.[1] ?? []) {
      const first = segs[0];
      const last = segs[segs.length - 1];
      if (first && last && ranges.length < 12) {
        ranges.push({
          deviceId,
          from: first.producerTime,
          to: last.producerTime + last.durationMs,
        });
      }
    }
    if (ranges.length > 0) {
      console.log(`[recording] clip export: ${ranges.length} clips, ${opts.clipRounds} rounds`);
      clip = await clipBench({
        index: service.index,
        vault: service.vault,
        ranges,
        tmp,
        rounds: opts.clipRounds,
        ...(opts.keepClips ? { keepDir: opts.keepClips } : {}),
      });
      console.log(
        `[recording] clip export ${fmt(clip.exporter.mbPerS)} MB/s, decrypt+concat ` +
          `${fmt(clip.decryptConcat.mbPerS)} MB/s, ffmpeg remux ${fmt(clip.ffmpegRemux.mbPerS)} MB/s`,
      );
    }

    // 4: the 24 h playlist, store level and over HTTPS.
    console.log('[recording] 24 h playlist');
    playlist = await playlistBench(tmp);
    const vodDevice = (await ts.mintWithId('camera', { label: 'Bench 24h' })).id;
    httpVod = await httpPlaylist(ctx, vodDevice);
    console.log(
      `[recording] 24 h playlist: query+render ${fmt(playlist.totalMs)} ms vs bare SELECT ` +
        `${fmt(playlist.bareSelectMs)} ms; GET vod.m3u8 p50 ${fmt(httpVod.ms.p50)} ms`,
    );
  } finally {
    await ts?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(baseline.dir, { recursive: true, force: true });
  }

  const durationSeconds = secondsSince(t0);
  const sweep = summarizeSweep(pairs, stopped);
  const md = report({ pairs, sweep, live, clip, clipStep, playlist, httpVod });
  recordResult(
    'recording',
    {
      options: opts,
      steps: pairs,
      sweep,
      live: live ?? null,
      clip: clip ?? null,
      playlist: playlist ?? null,
      httpVod: httpVod ?? null,
    },
    md,
    { durationSeconds, machine },
  );
  console.log(`\n${md}\n`);
  console.log(
    `[recording] done in ${durationSeconds.toFixed(0)} s; results in bench/results/latest.{json,md}`,
  );
}

function report(r: {
  pairs: StepPair[];
  sweep: SweepSummary;
  live: LiveResult | undefined;
  clip: ClipResult | undefined;
  clipStep: number;
  playlist: PlaylistResult | undefined;
  httpVod: HttpPlaylistResult | undefined;
}): string {
  const { pairs, sweep, live, clip, playlist, httpVod } = r;
  const oursSteps = pairs.map((p) => p.ours).filter((o): o is OursStep => o !== undefined);
  const atMax = oursSteps.find((o) => o.n === sweep.maxCleanN) ?? oursSteps[oursSteps.length - 1];
  const md: string[] = [];
  md.push(
    `Cameras: ffmpeg \`-re -stream_loop -1 -c copy\` of a pre-encoded ${CLIP_SECONDS} s clip (H264 ` +
      `constrained baseline ${CLIP_SIZE}p30, 1 Mbps, keyframe every 2 s, + Opus 32 kbps; ` +
      `${fmt(median(oursSteps.map((o) => o.rtpMbpsPerStream)), 2)} Mbps of RTP per camera) into comedia ` +
      `PlainTransports of a camera Peer in the site's Room (Room.produce, minted devices): the ` +
      `RecordingService records them as any camera (mediasoup → ffmpeg \`-c copy\` → fMP4 → segmenter → ` +
      `AES-256-GCM → fsync'd files → SQLite). Sources, recorders, server and worker share this ` +
      `${NPROC}-core machine with other tenants; ${opts.windowS} s window per step (bare ${opts.bareWindowS} s), variants alternated, ` +
      `fresh processes each step; the window opens once every stream has indexed ${WARMUP_SEGMENTS} segments. ` +
      `CPU from /proc/<pid>/stat deltas, % of one core. Baseline: the same N ` +
      `sources remuxed by bare \`ffmpeg -c copy -f mp4\` (same SDP and fragment options, output /dev/null) ` +
      `receiving RTP directly. "Lost" = seq gaps + holes > ${HOLE_MS} ms in camera time + recorder restarts ` +
      `+ segments missing from the window (1 of slack per stream) + steady segments > ${OFF_MS} ms off 2 s. ` +
      `"Contended" steps (lost segments while other tenants used ≥ ${CONTENTION_CORE_PCT}% of a core and ` +
      `the bench did not saturate the machine) are measured again once and give no verdict.`,
    '',
    sweepTable(pairs),
    '',
    mdTable(
      [
        'max N with 0 lost segments',
        'per stream % core at max N (ffmpeg+node / +worker)',
        'marginal % per stream (ffmpeg+node / +worker)',
        'projected streams per core (ffmpeg+node / +worker)',
        'bare per stream % (marginal)',
        'bare projected per core',
        'stopped',
      ],
      [
        [
          `${sweep.maxCleanN}${sweep.maxCleanIsLowerBound ? '+' : ''}`,
          `${fmt(sweep.perStreamPct, 2)} / ${fmt(sweep.perStreamWithWorkerPct, 2)}`,
          `${fmt(sweep.marginalPct, 2)} / ${fmt(sweep.marginalWithWorkerPct, 2)}`,
          `${fmt(sweep.projectedPerCore, 0)} / ${fmt(sweep.projectedPerCoreWithWorker, 0)}`,
          `${fmt(sweep.barePerStreamPct, 2)} (${fmt(sweep.bareMarginalPct, 2)})`,
          fmt(sweep.bareProjectedPerCore, 0),
          sweep.stoppedBecause +
            (sweep.contendedN.length ? `; N=${sweep.contendedN.join(',')} contended` : ''),
        ],
      ],
    ),
    '',
    `PORCHLIGHT/BARE CPU per stream: ×${fmt(sweep.ratioPerStream, 2)} (recorder ffmpeg + node), ` +
      `×${fmt(sweep.ratioPerStreamWithWorker, 2)} including the mediasoup worker (median over matched ` +
      `clean N); marginal ×${fmt(sweep.ratioMarginal, 2)}. Projections divide one core by the marginal cost ` +
      `(sources excluded: they are the cameras). The worker also carries the camera ingest that live ` +
      `viewing needs anyway; the bare receivers get RTP straight from the sources.`,
  );

  if (atMax) {
    const lat = atMax.latency;
    const dw = atMax.durableWriteMs;
    const base50 = lat.muxOut.p50 + dw.p50;
    const base95 = lat.muxOut.p95 + dw.p95;
    md.push(
      '',
      `Segment available (row inserted, \`segment\` event) at N=${atMax.n} ` +
        `(${lat.mediaEndToIndexed.n} steady segments in the window; "real media end" = arrival at mediasoup ` +
        `of the keyframe that ends the segment, from the producer's keyframe trace events):`,
      '',
      mdTable(
        ['measure', 'p50 ms', 'p95 ms', 'max ms'],
        [
          [
            'ingest complete (ingestTime + durationMs) → indexed',
            ms0(lat.ingestToIndexed.p50),
            ms0(lat.ingestToIndexed.p95),
            ms0(lat.ingestToIndexed.max),
          ],
          [
            'real media end → indexed',
            ms0(lat.mediaEndToIndexed.p50),
            ms0(lat.mediaEndToIndexed.p95),
            ms0(lat.mediaEndToIndexed.max),
          ],
          [
            '… media end → last fragment out of ffmpeg',
            ms0(lat.muxOut.p50),
            ms0(lat.muxOut.p95),
            ms0(lat.muxOut.max),
          ],
          [
            '… → segment cut (the segmenter waits for the next keyframe fragment)',
            ms0(lat.cutWait.p50),
            ms0(lat.cutWait.p95),
            ms0(lat.cutWait.max),
          ],
          [
            '… → indexed (seal + fsync’d write + insert)',
            fmt(lat.persist.p50, 1),
            fmt(lat.persist.p95, 1),
            fmt(lat.persist.max, 1),
          ],
          [
            'baseline: write + fsync + rename + dir fsync of a same-size file, same moments',
            fmt(dw.p50, 1),
            fmt(dw.p95, 1),
            fmt(dw.max, 1),
          ],
          [
            'baseline: bare ffmpeg → disk (fragment out of ffmpeg + that durable write)',
            ms0(base50),
            ms0(base95),
            '',
          ],
          [
            'ratio persist / durable write',
            fmt(ratio(lat.persist.p50, dw.p50), 2),
            fmt(ratio(lat.persist.p95, dw.p95), 2),
            '',
          ],
          [
            'ratio media end → indexed / bare ffmpeg → disk (difference)',
            `×${fmt(ratio(lat.mediaEndToIndexed.p50, base50), 1)} (+${ms0(lat.mediaEndToIndexed.p50 - base50)})`,
            `×${fmt(ratio(lat.mediaEndToIndexed.p95, base95), 1)} (+${ms0(lat.mediaEndToIndexed.p95 - base95)})`,
            '',
          ],
        ],
      ),
      '',
      `ingestTime is when the segment's *first* fragment arrived (~1 s after the segment's start), so ` +
        `ingestTime + durationMs falls about when the segmenter cuts: that definition measures little more ` +
        `than the persist step. A viewer waits "real media end → indexed": ffmpeg emits a fragment when it ` +
        `is complete (\`-frag_duration 1000000\`) and the segmenter cuts a segment only when the *next* ` +
        `fragment, the one starting with a keyframe, has arrived, i.e. one fragment (~1 s) later.`,
    );
    const ae = atMax.latency.anchorError;
    const firsts = oursSteps.flatMap((o) => o.firstSegments);
    const stops = oursSteps.map((o) => o.recorderStopMs.p50).filter(Number.isFinite);
    const tails = oursSteps.flatMap((o) => (o.lostTailMs.n ? [o.lostTailMs.p50] : []));
    md.push(
      '',
      mdTable(
        ['recording timing check', 'value'],
        [
          [
            `camera time (producerTime, PROGRAM-DATE-TIME) − real time, N=${atMax.n}`,
            `p50 ${ms0(ae.p50)} ms, range ${ms0(ae.min)} … ${ms0(ae.max)} ms (constant per run, varies between runs)`,
          ],
          [
            `a run's first segment (${firsts.length} runs)`,
            `duration ${ms0(Math.min(...firsts.map((f) => f.durationMs)))}–${ms0(Math.max(...firsts.map((f) => f.durationMs)))} ms; ` +
              `gap to the second ${ms0(Math.min(...firsts.map((f) => f.gapToNextMs)))}…${ms0(Math.max(...firsts.map((f) => f.gapToNextMs)))} ms ` +
              `(${firsts.filter((f) => Math.abs(f.gapToNextMs) > HOLE_MS).length} overlaps/holes)`,
          ],
          [
            `segments 2…${WARMUP_SEGMENTS} of a run (before the window) with a hole or > ${OFF_MS} ms off 2 s`,
            `${oursSteps.reduce((x, o) => x + o.startupIrregular, 0)} of ${oursSteps.reduce((x, o) => x + o.n * (WARMUP_SEGMENTS - 1), 0)}`,
          ],
          [
            'window segments > 1 s off 2 s (all steps)',
            (() => {
              const count = oursSteps.reduce((x, o) => x + o.longSegments.count, 0);
              const inside = oursSteps.reduce((x, o) => x + o.longSegments.keyframeInside, 0);
              return count === 0
                ? 'none'
                : `${count}; in ${inside} of them a keyframe reached mediasoup mid-segment (the recording side missed the cut)`;
            })(),
          ],
          [
            'recorder failures the server logged (it restarted them), all steps',
            (() => {
              const all: Record<string, number> = {};
              for (const o of oursSteps) {
                for (const [k, v] of Object.entries(o.recorderFailures)) all[k] = (all[k] ?? 0) + v;
              }
              const list = Object.entries(all).map(([k, v]) => `${v} × ${k}`);
              return list.length ? list.join('; ') : 'none';
            })(),
          ],
          [
            'camera gone → recorder process gone (median per step)',
            `${stops.map((s) => ms0(s)).join(', ')} ms (SIGINT, SIGKILL after the 4 s grace)`,
          ],
          [
            "media sent before the camera stopped that no segment holds (run's tail, median per step)",
            `${tails.map((s) => ms0(s)).join(', ')} ms`,
          ],
        ],
      ),
    );
  }

  if (live) {
    const h = live.hls;
    const s = live.storage;
    const td = live.targetDurations;
    md.push(
      '',
      "Live HLS (one camera; Chromium + hls.js with the app's live settings `liveSyncDurationCount: 2`, " +
        '`lowLatencyMode`; the page opens as soon as the run has its first segment):',
      '',
    );
    const rows: (string | number)[][] = [];
    if (h) {
      rows.push([
        `glass → playback (${live.glassTrue.n} samples from ${HLS_SETTLE_S} s after the first frame)`,
        `${pp(live.glassTrue)} (min ${ms0(live.glassTrue.min)}, max ${ms0(live.glassTrue.max)})`,
        `as hls.js reports it (Date.now() − playingDate): ${pp(live.glassRaw)} ms; hls.js behind the live edge ` +
          `${pp(live.behindEdgeS, 1)} s; playback rate ${live.playbackRates.join('/')}; first frame ` +
          `${ms0(h.firstFrameMs)} ms after page start; ${h.frames} frames` +
          (h.errors.length ? `; hls.js errors: ${h.errors.join(', ')}` : ''),
      ]);
    } else {
      rows.push(['glass → playback (Chromium + hls.js)', 'n/a', live.hlsError ?? 'skipped']);
    }
    rows.push([
      'segment indexed → listed by a GET live.m3u8 issued right then',
      pp(live.indexedToListedMs),
      `${live.listedOnFirstFetch}/${live.fetches} new segments listed on the first fetch (built from the index)`,
    ]);
    rows.push([
      'reference: segment duration; EXT-X-TARGETDURATION over the run',
      SEGMENT_MS,
      `TARGETDURATION ${td.join(',')} (EXTINF at the end: ${[...new Set(live.extinf.map((x) => x.toFixed(3)))].slice(0, 5).join(', ')})` +
        (h
          ? `; glass → playback = hls.js's distance behind the playlist's live edge (${fmt(live.behindEdgeS.p50, 1)} s; ` +
            `it aims at liveSyncDurationCount × TARGETDURATION) + the edge's own lag ` +
            `(${fmt(live.glassTrue.p50 / 1000 - live.behindEdgeS.p50, 1)} s: media end → indexed ` +
            `${fmt(live.mediaEndToIndexedP50Ms / 1000, 1)} s + playlist polling)`
          : ''),
    ]);
    rows.push(['reference: cloud camera services (anchor)', '3000–5000', '']);
    md.push(mdTable(['measure', 'p50 / p95 ms', 'notes'], rows));
    md.push(
      '',
      `"glass" = when the frame's RTP reached the server (keyframe trace events); the recording's ` +
        `PROGRAM-DATE-TIME was ${ms0(live.pdtErrorMs)} ms off real time in this run, so hls.js's ` +
        `playingDate is corrected by that much (capture/encode latency of a real camera comes on top).`,
      '',
      `Storage overhead (the same camera, ${s.segments} steady segments, ${fmt(s.mediaSeconds, 1)} s of ` +
        `media, ${fmt(s.rtpKbps, 0)} kbps of RTP):`,
      '',
      mdTable(
        ['bytes', 'total', 'per RTP byte ingested'],
        [
          ['RTP ingested (producers, same media span)', s.rtpBytes.toFixed(0), '1'],
          ['plaintext fMP4 segments', s.plainBytes, fmt(s.plainOverRtp, 4)],
          [
            'stored: sealed segments + init (ciphertext + envelope)',
            s.storedBytes + s.initStoredBytes,
            `${fmt(s.storedOverRtp, 4)} (×${fmt(s.storedOverPlain, 5)} of plaintext)`,
          ],
          ['on disk: allocated blocks of those files', s.diskBytes, fmt(s.diskOverRtp, 4)],
        ],
      ),
      '',
      `The envelope adds ${fmt((s.storedBytes - s.plainBytes) / Math.max(1, s.segments), 0)} bytes per ` +
        `object; the init segment is ${s.initPlainBytes} bytes per run. Usage meter check for this run: ` +
        `${s.meteredIngest} bytes ingested metered vs ${s.producerBytesTotal} RTP bytes received by the ` +
        `camera's producers (×${fmt(ratio(s.meteredIngest, s.producerBytesTotal), 3)}).`,
    );
  }

  if (clip) {
    md.push(
      '',
      `Clip export (${clip.clips} clips, one per camera of the N=${r.clipStep} step, ${clip.segments} ` +
        `segments, ${fmt(clip.clipSeconds, 0)} s of video; ${clip.rounds} rounds, variants alternated; ` +
        `page-cached reads):`,
      '',
      mdTable(
        ['variant', 'MB/s', 'MB', 'CPU ms per MB (this process)'],
        [
          [
            'ClipExporter (decrypt + rewrite decode times)',
            fmt(clip.exporter.mbPerS),
            fmt(clip.exporter.bytes / 1e6),
            fmt(clip.exporter.cpuMs / (clip.exporter.bytes / 1e6), 2),
          ],
          [
            'baseline: read + decrypt + concatenate',
            fmt(clip.decryptConcat.mbPerS),
            fmt(clip.decryptConcat.bytes / 1e6),
            fmt(clip.decryptConcat.cpuMs / (clip.decryptConcat.bytes / 1e6), 2),
          ],
          [
            'baseline: ffmpeg -c copy remux of the exported clip (process start included)',
            fmt(clip.ffmpegRemux.mbPerS),
            fmt(clip.ffmpegRemux.bytes / 1e6),
            '',
          ],
        ],
      ),
      '',
      `ClipExporter / decrypt+concat ×${fmt(clip.ratioVsDecrypt, 2)}; ClipExporter / ffmpeg remux ` +
        `×${fmt(clip.ratioVsFfmpeg, 2)}. ffprobe of the exported clips (each from a run's first segment to ` +
        `its last): duration / requested range ${clip.probe.map((p) => fmt(p.probedSeconds / p.clipSeconds, 2)).join(', ')}` +
        (clip.probe.some((p) => p.probedSeconds / p.clipSeconds < 0.9)
          ? " — short clips lack the run's first segment: ClipExporter skips a segment whose first fragment " +
            'has no video track (audio-only, when the first keyframe came > 1 s after the audio).'
          : '.'),
    );
  }

  if (playlist) {
    md.push(
      '',
      `24 h on-demand playlist: ${playlist.segments} segment rows of 2 s (one run) in SQLite (temp file, ` +
        `WAL), median of ${playlist.repeats} alternated repeats; inserting them through the index ran at ` +
        `${fmt(playlist.insertsPerSecond, 0)} rows/s.`,
      '',
      mdTable(
        ['measure', 'ms'],
        [
          ['querySegments (SELECT + row mapping)', fmt(playlist.queryMs, 1)],
          ['mediaPlaylist (text)', fmt(playlist.renderMs, 1)],
          [
            `query + playlist (${fmt(playlist.playlistBytes / 1e6, 2)} MB)`,
            fmt(playlist.totalMs, 1),
          ],
          [
            'baseline: the same SELECT on a bare better-sqlite3 connection',
            fmt(playlist.bareSelectMs, 1),
          ],
          ['ratio', `×${fmt(playlist.ratio, 2)}`],
          ...(httpVod
            ? [
                [
                  `GET vod.m3u8 over HTTPS from the running server (same rows, ${httpVod.segmentsListed} ` +
                    `listed, ${fmt(httpVod.bytes / 1e6, 2)} MB), p50 / p95`,
                  `${fmt(httpVod.ms.p50, 0)} / ${fmt(httpVod.ms.p95, 0)}`,
                ],
              ]
            : []),
        ],
      ),
    );
  }
  return md.join('\n');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('[recording] failed:', error);
    process.exit(1);
  },
);
