import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childBoxes, children, findPath } from './boxes.ts';
import { parseAvcC } from './h264.ts';
import { Fmp4Segmenter, type InitSegment, type MediaSegment } from './Segmenter.ts';
import { FRAGMENTED, decodeAll, randomChunks, tempDir, type TempDir } from './testSupport.ts';

const run = promisify(execFile);
const FPS = 30;
const FRAME_MS = 1000 / FPS;

/**
 * What the recorder's ffmpeg gets when a camera switches simulcast layer: one H264 stream whose
 * SPS/PPS change at a keyframe (320x240 for 4 s, then 640x480 for 4 s), plus Opus, remuxed with
 * `-c copy` into fragmented MP4 with the recorder's options.
 */
async function layerSwitch(dir: TempDir, repeatHeaders: boolean): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const size of repeatHeaders ? ['320x240', '320x240'] : ['320x240', '640x480']) {
    const file = await dir.file(`${size}-${parts.length}.h264`, Buffer.alloc(0));
    await run('ffmpeg', [
      ...['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${FPS}`],
      ...[
        '-t',
        '4',
        '-c:v',
        'libx264',
        '-profile:v',
        'baseline',
        '-g',
        '30',
        '-pix_fmt',
        'yuv420p',
      ],
      // Cameras repeat SPS/PPS before every keyframe.
      ...['-bsf:v', 'dump_extra', '-f', 'h264', file],
    ]);
    parts.push(await readFile(file));
  }
  const video = await dir.file('switch.h264', Buffer.concat(parts));
  const { stdout } = await run(
    'ffmpeg',
    [
      ...['-v', 'error', '-f', 'h264', '-framerate', String(FPS), '-i', video],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '8', '-map', '0:v', '-map', '1:a'],
      ...['-c:v', 'copy', '-c:a', 'libopus', ...FRAGMENTED.slice(0, -3)],
      ...['-frag_duration', '500000', 'pipe:1'],
    ],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

interface Run {
  init: InitSegment;
  segments: MediaSegment[];
}

function segment(stream: Buffer): Run[] {
  const segmenter = new Fmp4Segmenter({ targetDurationMs: 1600, maxDurationMs: 6000 });
  const runs: Run[] = [];
  segmenter.on('init', (init) => runs.push({ init, segments: [] }));
  segmenter.on('segment', (s) => runs.at(-1)!.segments.push(s));
  segmenter.on('error', (e) => {
    throw e;
  });
  for (const chunk of randomChunks(stream, 7, 4000)) segmenter.push(chunk);
  segmenter.end();
  return runs;
}

async function countFrames(file: string): Promise<{ frames: number; size: string }> {
  const { stdout } = await run('ffprobe', [
    ...['-v', 'error', '-select_streams', 'v:0', '-count_frames'],
    ...['-show_entries', 'stream=nb_read_frames,width,height', '-of', 'json', file],
  ]);
  const s = (JSON.parse(stdout) as { streams: Record<string, string | number>[] }).streams[0]!;
  return { frames: Number(s.nb_read_frames), size: `${s.width}x${s.height}` };
}

const end = (s: MediaSegment): number => s.startMs + s.durationMs;

/** The avcC payload of an init segment's first track. */
function avcCOf(init: Buffer): Buffer {
  const moov = childBoxes(init, 0, init.length).find((b) => b.type === 'moov')!;
  const trak = children(init, moov).find((b) => b.type === 'trak')!;
  const stsd = findPath(init, trak, ['mdia', 'minf', 'stbl', 'stsd'])!;
  const entry = childBoxes(init, stsd.body + 8, stsd.end)[0]!;
  const avcC = childBoxes(init, entry.body + 78, entry.end).find((b) => b.type === 'avcC')!;
  return init.subarray(avcC.body, avcC.end);
}

describe('a resolution change inside one ffmpeg run (simulcast layer switch)', () => {
  let dir: TempDir;
  let runs: Run[];
  let stream: Buffer;
  beforeAll(async () => {
    dir = await tempDir();
    stream = await layerSwitch(dir, false);
    runs = segment(stream);
  });
  afterAll(() => dir?.remove());

  it('starts a new run with its own init segment at the keyframe of the new size', () => {
    expect(runs).toHaveLength(2);
    const [a, b] = runs as [Run, Run];
    expect(a.init.info.tracks[0]).toMatchObject({ width: 320, height: 240 });
    expect(b.init.info.tracks[0]).toMatchObject({ width: 640, height: 480 });
    // Same codecs here (the new layer has the same profile and level); audio is untouched.
    expect(b.init.info.tracks[1]).toEqual(a.init.info.tracks[1]);
    expect(b.segments[0]!.keyframe).toBe(true);
  });

  it('leaves no gap between the runs: the second starts where the first ends', () => {
    const [a, b] = runs as [Run, Run];
    const gapMs = b.segments[0]!.startMs - end(a.segments.at(-1)!);
    expect(Math.abs(gapMs)).toBeLessThanOrEqual(FRAME_MS);
    // The switch is at frame 120 of 30 fps: the first run holds exactly the first 4 s.
    expect(Math.abs(end(a.segments.at(-1)!) - 4000)).toBeLessThanOrEqual(FRAME_MS);
    for (const r of runs) {
      for (const [i, s] of r.segments.slice(1).entries()) {
        expect(s.startMs).toBeCloseTo(end(r.segments[i]!), 3);
      }
    }
  });

  it('decodes every frame of both runs, each at its own size', async () => {
    const counted = [];
    for (const [i, r] of runs.entries()) {
      const bytes = Buffer.concat([r.init.bytes, ...r.segments.map((s) => s.bytes)]);
      const file = await dir.file(`run${i}.mp4`, bytes);
      expect(await decodeAll(file)).toEqual({ code: 0, stderr: '' });
      counted.push(await countFrames(file));
    }
    expect(counted).toEqual([
      { frames: 4 * FPS, size: '320x240' },
      { frames: 4 * FPS, size: '640x480' },
    ]);
  });

  it('keeps the run going when a new SPS cannot be parsed', () => {
    const sps = parseAvcC(avcCOf(runs[1]!.init.bytes)).sps[0]!;
    const garbage = Buffer.concat([sps.subarray(0, 4), Buffer.alloc(sps.length - 4)]);
    const corrupted = Buffer.from(stream);
    for (let at = corrupted.indexOf(sps); at >= 0; at = corrupted.indexOf(sps, at + 1)) {
      garbage.copy(corrupted, at);
    }
    const kept = segment(corrupted);
    expect(kept).toHaveLength(1);
    const total = kept[0]!.segments.reduce((sum, x) => sum + x.durationMs, 0);
    expect(Math.abs(total - 8000)).toBeLessThanOrEqual(2 * FRAME_MS);
  });

  it('keeps one run when keyframes only repeat the same parameter sets', async () => {
    const same = segment(await layerSwitch(dir, true));
    expect(same).toHaveLength(1);
  });
});
