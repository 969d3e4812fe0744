/**
 * Live HLS glass to playback in Chromium: Low-Latency HLS (hls.js lowLatencyMode, the app's live
 * settings: parts, blocking reloads, PART-HOLD-BACK) against plain HLS (the same playlist played
 * from full segments, with the app's settings before LL-HLS), measured in the same run on the
 * same camera, first alone, then while 16 other cameras are recorded. Results:
 * bench/results/latest.{json,md} under "hlsLatency".
 *
 * Glass to playback, as bench/recording's live step measures it: hls.js's `playingDate` (the
 * EXT-X-PROGRAM-DATE-TIME position on screen) against the wall clock, sampled once a second
 * after a settling time; then corrected by the recording's own camera-time error (its segments'
 * PROGRAM-DATE-TIME against when their ending keyframe really reached mediasoup, from the
 * producer's keyframe trace), so "glass" is the camera's RTP reaching the server. Cameras: the
 * recording bench's pre-encoded 720p30 1 Mbps H264 + Opus clip looped by ffmpeg into a camera
 * Peer's PlainTransports (bench/recording/cameras.ts): everything of the recording path is real.
 *
 *   node --import tsx bench/hlsLatency.ts [--samples=24] [--settle=6] [--load=16]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { chromiumArgs } from '../playwright.config.ts';
import { api } from '../tests/support/http.ts';
import { startTestServer, type TestServer } from '../tests/support/testServer.ts';
import { numberArg } from './lib/args.ts';
import { quietLogs, runMain } from './lib/main.ts';
import { mdTable, recordResult } from './lib/results.ts';
import { machineInfo, secondsSince, sleep } from './lib/resources.ts';
import { fmt, median, summarize, type Summary } from './lib/stats.ts';
import { CONFIGS, type Mode } from './hlsLatency/configs.ts';
import { playSession, type PlayerSession } from './hlsLatency/player.ts';
import { keeper, startCamera, stopCamera, type BenchCamera } from './recording/cameras.ts';
import { killAll, prepareClip } from './recording/media.ts';
import { installSegmenterProbe } from './recording/probe.ts';
import { collectors, listen, timed, type SegEvent } from './recording/segments.ts';

const SAMPLES = numberArg('samples', 24);
const SETTLE_S = numberArg('settle', 6);
const LOAD = numberArg('load', 16);
/** One sample per this long: hls.js's latency moves slowly, closer samples add little. */
const SAMPLE_EVERY_MS = 1000;

interface ModeResult {
  mode: Mode;
  condition: 'alone' | 'load';
  /** Date.now() − playingDate, settled, one per second (ms). */
  glassRaw: Summary;
  /** The same, corrected by the recording's camera-time error. */
  glassTrue: Summary;
  hlsLatencyS: Summary;
  targetLatencyS: number | null;
  firstFrameMs: number;
  partsListed: number;
  partsFetched: number;
  blockingReloads: number;
  errors: string[];
  loadAvg1: number;
}

/** Settled samples, at most one per SAMPLE_EVERY_MS. */
function settled(s: PlayerSession): PlayerSession['samples'] {
  const out: PlayerSession['samples'] = [];
  for (const x of s.samples) {
    if (x.at < s.playingSince + SETTLE_S * 1000) continue;
    const last = out[out.length - 1];
    if (!last || x.at - last.at >= SAMPLE_EVERY_MS) out.push(x);
  }
  return out;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  quietLogs();
  installSegmenterProbe();
  const machine = machineInfo();
  console.log(
    `[hlsLatency] ${machine.cpuModel} x${machine.nproc}, load ${machine.loadAvg1.toFixed(2)}; ` +
      `${SAMPLES} samples per mode, load step ${LOAD} recordings`,
  );
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-hlsbench-'));
  let ts: TestServer | undefined;
  const cams: BenchCamera[] = [];
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: chromiumArgs,
  });
  const results: ModeResult[] = [];
  let pdtErrorMs = Number.NaN;
  try {
    const clip = prepareClip(tmp);
    ts = await startTestServer({ recording: { defaultMode: 'continuous' } });
    const room = await ts.server.rooms.getOrCreate(ts.siteId);
    keeper(room, ts.siteId);
    const service = ts.server.recording.service;
    listen(service);
    const events = new Map<string, SegEvent[]>();
    collectors.add(events);

    const liveDevice = (await ts.mintWithId('camera', { label: 'Bench live' })).id;
    events.set(liveDevice, []);
    const cam = await startCamera(room, ts.siteId, liveDevice, clip);
    cams.push(cam);
    const until = async (what: string, ok: () => boolean, ms = 60_000): Promise<void> => {
      const end = Date.now() + ms;
      while (!ok()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await sleep(100);
      }
    };
    await until('the first segments', () => (events.get(liveDevice)?.length ?? 0) >= 2);
    const viewer = await ts.mint('viewer');
    const pb = await api<{ live: string }>(
      ts.url,
      'POST',
      `/api/v1/sites/${ts.siteId}/devices/${liveDevice}/recording/playback`,
      { token: viewer, body: {} },
    );
    if (pb.status !== 200) throw new Error(`playback: ${pb.status} ${JSON.stringify(pb.body)}`);
    const seconds = SETTLE_S + (SAMPLES * SAMPLE_EVERY_MS) / 1000 + 1;

    const sessions: {
      mode: Mode;
      condition: ModeResult['condition'];
      s: PlayerSession;
      load: number;
    }[] = [];
    for (const condition of ['alone', 'load'] as const) {
      if (condition === 'load') {
        const ids: string[] = [];
        for (let i = 0; i < LOAD; i++) {
          const id = (await ts.mintWithId('camera', { label: `Bench load ${i}` })).id;
          events.set(id, []);
          ids.push(id);
          cams.push(await startCamera(room, ts.siteId, id, clip));
        }
        await until(
          `${LOAD} recordings`,
          () => ids.every((id) => (events.get(id)?.length ?? 0) >= 2),
          90_000,
        );
        console.log(`[hlsLatency] ${LOAD} other cameras recording`);
      }
      // Alternating order: neither mode always plays first.
      const order: Mode[] =
        condition === 'alone' ? ['ll-hls', 'plain-hls'] : ['plain-hls', 'll-hls'];
      for (const mode of order) {
        const s = await playSession(browser, {
          base: ts.url,
          livePath: pb.body.live,
          seconds,
          config: CONFIGS[mode],
        });
        const load = os.loadavg()[0] ?? Number.NaN;
        sessions.push({ mode, condition, s, load });
        const g = summarize(settled(s).map((x) => x.glass));
        console.log(
          `[hlsLatency] ${condition} ${mode}: glass p50 ${fmt(g.p50, 0)} ms p95 ${fmt(g.p95, 0)} ms ` +
            `(n=${g.n}), parts fetched ${s.partsFetched}, blocking reloads ${s.blockingReloads}` +
            (s.errors.length ? `, errors ${s.errors.join(', ')}` : ''),
        );
      }
    }

    // The recording's camera-time error, over the whole run, from the live camera's segments.
    const t = timed(events.get(liveDevice) ?? [], cam.keyframes);
    pdtErrorMs = median(t.map((x) => x.anchorError));
    for (const { mode, condition, s, load } of sessions) {
      const samples = settled(s);
      results.push({
        mode,
        condition,
        glassRaw: summarize(samples.map((x) => x.glass)),
        glassTrue: summarize(samples.map((x) => x.glass + pdtErrorMs)),
        hlsLatencyS: summarize(samples.map((x) => x.latency)),
        targetLatencyS: s.targetLatency,
        firstFrameMs: s.firstFrameMs,
        partsListed: s.partsListed,
        partsFetched: s.partsFetched,
        blockingReloads: s.blockingReloads,
        errors: s.errors,
        loadAvg1: load,
      });
    }
  } finally {
    await browser.close();
    await killAll(cams.map((c) => c.source));
    if (ts) {
      const room = await ts.server.rooms.getOrCreate(ts.siteId);
      for (const c of cams) stopCamera(room, c);
      await ts.close();
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const rows = results.map((r) => [
    r.condition === 'alone' ? '1 camera' : `+${LOAD} recordings`,
    r.mode,
    r.glassRaw.n,
    fmt(r.glassRaw.p50, 0),
    fmt(r.glassRaw.p95, 0),
    Number.isNaN(pdtErrorMs) ? 'n/a' : `${fmt(r.glassTrue.p50, 0)} / ${fmt(r.glassTrue.p95, 0)}`,
    r.targetLatencyS === null ? '-' : fmt(r.targetLatencyS, 2),
    r.partsFetched,
    fmt(r.loadAvg1, 2),
  ]);
  const markdown = [
    `Live HLS glass to playback in Chromium (hls.js), LL-HLS vs plain HLS on the same playlist, ` +
      `same run; ${SAMPLES} settled samples (1/s) per row. Glass = wall clock minus the ` +
      `PROGRAM-DATE-TIME on screen. The in-process recorder stamps camera time from RTP arrival ` +
      `(within a few ms: inProcessRecorder.integration.test.ts); "corrected" adds the PDT error ` +
      `measured from keyframe traces where the recorder exposes its cuts (ffmpeg runs: ` +
      `${Number.isNaN(pdtErrorMs) ? 'n/a in this run' : `${fmt(pdtErrorMs, 0)} ms`}). Shared ` +
      `2-core machine: other tenants' load shows in the load column.`,
    '',
    mdTable(
      [
        'condition',
        'player',
        'n',
        'glass p50 ms',
        'glass p95 ms',
        'corrected p50 / p95 ms',
        'hls.js target latency s',
        'parts fetched',
        'load avg',
      ],
      rows,
    ),
  ].join('\n');
  const out = recordResult(
    'hlsLatency',
    { samples: SAMPLES, settleS: SETTLE_S, load: LOAD, pdtErrorMs, results },
    markdown,
    { durationSeconds: secondsSince(t0), machine },
  );
  console.log(`\n${markdown}\n\n[hlsLatency] wrote ${out.json}`);
}

runMain('hlsLatency', main);
