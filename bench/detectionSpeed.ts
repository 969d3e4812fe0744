/**
 * Person detector speed, in headless Debian Chromium running the apps' own worker (the detect
 * CLI's harness): ms per frame of CenterNet-512 on the whole frame with wasm SIMD (the baseline
 * the apps would pay on every frame), the plain wasm build, and motion gating with crops on
 * the same frames (vtest.avi: people walking, so the model runs on most frames, often on a crop);
 * then a still scene fed in real time at 5 fps with and without gating, and the CPU the browser
 * (all its processes) used meanwhile; last, the camera page's situation: a 720p fake camera
 * (vtest.avi upscaled, people always moving) where first the model alone runs back to back (the
 * box's own limit), then the camera is encoded by a loopback WebRTC connection while the apps'
 * DetectionSession runs on it with a fixed budget (0.5 of a core) and with the adaptive
 * BudgetController: detections/s (whole phase and its last 5 s), model runs/s, the encoder's
 * frame rate alone and while detecting, the page's event-loop lag p95, the budget, and the
 * per-frame work outside the model (createImageBitmap, transfer, motion gating).
 *
 *   node --import tsx bench/detectionSpeed.ts [--frames=60] [--idle-seconds=10] [--live-seconds=20] [--live-only]
 * Results: bench/results/latest.{json,md} under "detectionSpeed". Bounded: ~3.5 min.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { DEFAULT_DETECTION_SETTINGS } from '@porchlight/protocol';
import {
  HeadlessDetector,
  type HeadlessOptions,
} from '../packages/detector/tools/HeadlessDetector.ts';
import { framesOf, type FrameInput } from '../packages/detector/tools/frames.ts';
import type { LiveStats } from '../packages/detector/tools/harness/live.ts';
import { numberArg } from './lib/args.ts';
import { runMain } from './lib/main.ts';
import { mdTable, recordResult } from './lib/results.ts';
import { processCpuMs, sleep } from './lib/resources.ts';
import { fmt, summarize, type Summary } from './lib/stats.ts';

const FRAMES = numberArg('frames', 60);
const IDLE_SECONDS = numberArg('idle-seconds', 10);
const IDLE_FPS = 5;
const LIVE_SECONDS = numberArg('live-seconds', 20);
const LIVE_ONLY = process.argv.includes('--live-only');
const DATA = path.join(
  process.env['PORCHLIGHT_CACHE'] ?? path.join(os.homedir(), '.cache', 'porchlight'),
  'opencv-doc',
);
const MIN_SCORE = DEFAULT_DETECTION_SETTINGS.minScore;

interface RunStats {
  label: string;
  msPerFrame: Summary;
  /** Frames where the model ran. */
  ranFraction: number;
  /** ms per model run (frames where it ran). */
  msPerRun: Summary;
  /** Mean persons >= minScore per frame where the model ran. */
  personsPerRun: number;
  cropFraction: number;
  backend: string;
  simd: boolean;
}

/** CPU ms of every process descending from this one (the browser and its helpers). */
function descendantsCpuMs(): number {
  const parent = new Map<number, number>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const isDescendant = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p))
      if (p === process.pid) return true;
    return false;
  };
  let total = 0;
  for (const pid of parent.keys()) if (isDescendant(pid)) total += processCpuMs(pid) || 0;
  return total;
}

async function run(
  label: string,
  frames: FrameInput[],
  options: HeadlessOptions,
): Promise<RunStats> {
  const d = await HeadlessDetector.start(options);
  try {
    const ms: number[] = [];
    const runMs: number[] = [];
    let persons = 0;
    let cropped = 0;
    for (const f of frames) {
      const r = await d.detectFile(f.image, f.t);
      ms.push(r.ms);
      if (!r.ran) continue;
      runMs.push(r.ms);
      persons += r.persons.filter((p) => p.score >= MIN_SCORE).length;
      if (r.crops?.some(([, , w, h]) => w * h < 1)) cropped++;
    }
    return {
      label,
      msPerFrame: summarize(ms),
      ranFraction: runMs.length / frames.length,
      msPerRun: summarize(runMs),
      personsPerRun: runMs.length ? persons / runMs.length : 0,
      cropFraction: runMs.length ? cropped / runMs.length : 0,
      backend: d.info.backend,
      simd: d.simd,
    };
  } finally {
    await d.close();
  }
}

/** A still scene in real time: the same frame at IDLE_FPS for IDLE_SECONDS; browser CPU %. */
async function idle(
  label: string,
  image: string,
  motion: boolean,
): Promise<{ label: string; cpuPct: number; ran: number; frames: number; msPerFrame: number }> {
  const d = await HeadlessDetector.start({ motion });
  try {
    // The first frame always runs (no reference yet); measure after it.
    await d.detectFile(image, 0);
    const cpu0 = descendantsCpuMs();
    const t0 = Date.now();
    let ran = 0;
    let frames = 0;
    let ms = 0;
    while (Date.now() - t0 < IDLE_SECONDS * 1000) {
      const due = t0 + (frames * 1000) / IDLE_FPS;
      if (due > Date.now()) await sleep(due - Date.now());
      const r = await d.detectFile(image, 200 + frames * (1000 / IDLE_FPS));
      frames++;
      ms += r.ms;
      if (r.ran) ran++;
    }
    const cpuPct = ((descendantsCpuMs() - cpu0) / (Date.now() - t0)) * 100;
    return { label, cpuPct, ran, frames, msPerFrame: ms / frames };
  } finally {
    await d.close();
  }
}

/** vtest.avi as a 720p 15 fps y4m for Chromium's fake camera (~120 MB, made once, cached). */
function liveY4m(): string {
  const out = path.join(path.dirname(DATA), 'fixtures', 'vtest-1280x720-15fps.y4m');
  if (fs.existsSync(out)) return out;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp.y4m`;
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-i',
    path.join(DATA, 'vtest.avi'),
    '-t',
    '6',
    '-vf',
    'scale=1280:720,fps=15',
    '-pix_fmt',
    'yuv420p',
    '-f',
    'yuv4mpegpipe',
    tmp,
  ]);
  fs.renameSync(tmp, out);
  return out;
}

async function live(): Promise<LiveStats> {
  const d = await HeadlessDetector.start({
    motion: true,
    args: [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${liveY4m()}`,
    ],
  });
  try {
    return await d.page.evaluate((s) => window.porchlightDetector!.live(s), LIVE_SECONDS);
  } finally {
    await d.close();
  }
}

function liveMarkdown(cam: LiveStats): string {
  const ratio = (x: number): string => `${((x / cam.modelOnlyRate) * 100).toFixed(0)} %`;
  return [
    `Camera page: a ${cam.width}x${cam.height} 15 fps fake camera (people walking all the time). The model alone, back to back on whole frames before the encoder starts: **${fmt(cam.modelOnlyRate)} detections/s** (${fmt(cam.modelOnlyMs)} ms/run p50), the limit here. Then the camera is encoded (VP8, loopback WebRTC; alone: ${fmt(cam.encodedFpsBefore)} fps, event-loop lag p95 ${fmt(cam.lagP95Before)} ms) while the DetectionSession runs with motion gating, ${LIVE_SECONDS} s per phase.`,
    '',
    mdTable(
      [
        'phase',
        'detections/s',
        'last 5 s',
        'vs model limit',
        'model runs/s',
        'encoder fps alone → while',
        'lag p95 ms',
        'budget end (min)',
        'back-offs',
        'grab ms',
        'transfer ms',
        'gated frame ms',
      ],
      cam.phases.map((p) => [
        p.label,
        fmt(p.detections / p.seconds),
        fmt(p.steadyRate),
        ratio(p.steadyRate),
        fmt(p.modelRuns / p.seconds),
        `${fmt(cam.encodedFpsBefore)} → ${fmt(p.encodedFps)} (${((p.encodedFps / cam.encodedFpsBefore) * 100).toFixed(0)} %)`,
        fmt(p.lagP95Ms),
        `${p.budgetEnd.toFixed(2)} (${p.budgetMin.toFixed(2)})`,
        Object.entries(p.backoffs)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ') || '0',
        fmt(p.grabMsP50),
        fmt(p.transferMsP50),
        fmt(p.gatedMsP50),
      ]),
    ),
  ].join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  execFileSync('bash', ['scripts/detection-fixtures.sh'], { stdio: 'ignore' });
  if (LIVE_ONLY) {
    const cam = await live();
    const markdown = liveMarkdown(cam);
    console.log(markdown);
    console.log(JSON.stringify(cam));
    return;
  }
  const { frames, cleanup } = framesOf(path.join(DATA, 'vtest.avi'), { maxFrames: FRAMES });
  try {
    const runs = [
      await run('whole frame, wasm SIMD (baseline)', frames, { motion: false }),
      await run('whole frame, wasm without SIMD', frames.slice(0, Math.min(15, frames.length)), {
        motion: false,
        simd: false,
      }),
      await run('motion gating + crops, wasm SIMD', frames, { motion: true }),
    ];
    const still = path.join(DATA, 'fruits.jpg');
    const idles = [
      await idle('still scene, no gating', still, false),
      await idle('still scene, motion gating', still, true),
    ];
    const cam = await live();
    const markdown = [
      `vtest.avi (768x576), ${frames.length} consecutive frames (10 fps source); CenterNet-512 in a Web Worker; persons >= minScore ${MIN_SCORE}.`,
      '',
      mdTable(
        [
          'mode',
          'backend',
          'ms/frame p50',
          'p95',
          'model ran',
          'ms/run p50',
          'runs on a crop',
          'persons/run',
        ],
        runs.map((r) => [
          r.label,
          `${r.backend}${r.simd ? ' SIMD' : ''}`,
          fmt(r.msPerFrame.p50),
          fmt(r.msPerFrame.p95),
          `${(r.ranFraction * 100).toFixed(0)} %`,
          fmt(r.msPerRun.p50),
          `${(r.cropFraction * 100).toFixed(0)} %`,
          r.personsPerRun.toFixed(2),
        ]),
      ),
      '',
      `A still scene (fruits.jpg) fed at ${IDLE_FPS} fps for ${IDLE_SECONDS} s: CPU of all browser processes (100 % = one core), including the harness fetching and decoding each frame.`,
      '',
      mdTable(
        ['mode', 'browser CPU', 'model ran', 'worker ms/frame'],
        idles.map((i) => [
          i.label,
          `${i.cpuPct.toFixed(0)} %`,
          `${i.ran}/${i.frames}`,
          fmt(i.msPerFrame),
        ]),
      ),
      '',
      liveMarkdown(cam),
    ].join('\n');
    recordResult('detectionSpeed', { runs, idles, live: cam, frames: frames.length }, markdown, {
      durationSeconds: (Date.now() - started) / 1000,
    });
    console.log(markdown);
  } finally {
    cleanup();
  }
}

runMain('detectionSpeed', main);
