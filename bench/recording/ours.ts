/**
 * One sweep step on the server: N cameras recorded by the RecordingService, a warm-up, then the
 * measurement window (analysed in analyse.ts once the recorders have stopped).
 */
import { secondsSince, sleep } from '../lib/resources.ts';
import { fmt, summarize } from '../lib/stats.ts';
import { analyse } from './analyse.ts';
import { rtpBytes, rtpLost, startCamera, stopCamera, type BenchCamera } from './cameras.ts';
import { goneAfter, snap, type CpuSnap } from './cpu.ts';
import { killAll } from './media.ts';
import { opts, WARMUP_SEGMENTS } from './options.ts';
import { baseline, collectors, serverWarnings, type SegEvent } from './segments.ts';
import type { Ctx, OursStep } from './stepTypes.ts';

/**
 * Runs N cameras: warm-up until every stream has indexed WARMUP_SEGMENTS segments (a run's first
 * seconds are irregular, see the report), then the measurement window. Returns once the window is
 * over; `done` resolves after the teardown (recorders stopped, last segments indexed) with the
 * analysis.
 */
export async function oursStep(
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
      // The in-process recorder runs in this process (nodePid): it has no pid of its own.
      if (pid !== undefined && pid !== nodePid) recorderPids.push(pid);
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

export function oursLine(s: OursStep): string {
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
