/**
 * HLS live latency and storage overhead on one dedicated camera.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FileStorage } from '../../server/src/recording/storage/FileStorage.ts';
import { api } from '../../tests/support/http.ts';
import { sleep } from '../lib/resources.ts';
import { median, summarize, type Summary } from '../lib/stats.ts';
import { rtpBytes, startCamera, stopCamera } from './cameras.ts';
import { goneAfter } from './cpu.ts';
import { hlsLatency, type HlsResult } from './hls.ts';
import { killAll } from './media.ts';
import { HLS_SETTLE_S, opts } from './options.ts';
import { collectors, printSegments, recordedByStep, timed } from './segments.ts';
import type { SegEvent, Timed } from './segments.ts';
import type { Ctx } from './stepTypes.ts';

export interface LiveResult {
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

export interface StorageResult {
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

export async function liveStep(ctx: Ctx, deviceId: string): Promise<LiveResult> {
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
    if (recorderPid !== undefined && recorderPid !== process.pid) {
      await goneAfter([recorderPid], killAt, 12_000);
    }
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
export function rtpAt(samples: { at: number; bytes: number }[], t: number): number {
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
export async function storageOf(
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
