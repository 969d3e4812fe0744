import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DETECTION_SETTINGS, type Box } from '@porchlight/protocol';

/**
 * The detect CLI end to end: ffmpeg decodes, headless Debian Chromium runs the apps' detector
 * worker (tfjs wasm), and the output is checked against the hand-made labels of the opencv-doc
 * fixtures (tests/fixtures/detection/labels.json).
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const DATA = path.join(
  process.env['PORCHLIGHT_CACHE'] ?? path.join(os.homedir(), '.cache', 'porchlight'),
  'opencv-doc',
);
const LABELS = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'tests/fixtures/detection/labels.json'), 'utf8'),
) as {
  clips: { 'vtest.avi': { frames: Record<string, Box[]> } };
  stills: Record<string, { people: boolean; count?: number; persons?: Box[] }>;
};
const MIN_SCORE = DEFAULT_DETECTION_SETTINGS.minScore;

interface Line {
  file: string;
  frame: number;
  persons: { score: number; box: Box }[];
  ms: number;
}

function detect(args: string[]): Promise<{ code: number; lines: Line[]; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'packages/detector/tools/detect.ts', ...args],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        const lines = stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Line);
        resolve({ code, lines, stderr });
      },
    );
  });
}

function iou(a: Box, b: Box): number {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  const inter = Math.max(0, w) * Math.max(0, h);
  return inter / (a[2] * a[3] + b[2] * b[3] - inter);
}

const confident = (l: Line): Line['persons'] => l.persons.filter((p) => p.score >= MIN_SCORE);

beforeAll(() => {
  execFileSync('bash', [path.join(ROOT, 'scripts/detection-fixtures.sh')], { stdio: 'ignore' });
});

describe('npm run detect', () => {
  it('finds the people walking in vtest.avi where they are, on the wasm backend', async () => {
    // Every 10th frame (10 fps source) from 0 to 100: includes the labelled frames 0 and 100.
    // The model's own output (--raw): where it puts people, before the camera's filters.
    const r = await detect([
      path.join(DATA, 'vtest.avi'),
      '--fps',
      '1',
      '--max-frames',
      '11',
      '--raw',
    ]);
    expect(r.stderr).toContain('detector: ');
    const info = JSON.parse(/detector: (.*)/.exec(r.stderr)![1]!) as {
      backend: string;
      simd: boolean;
    };
    expect(info.backend).toBe('wasm');
    expect(info.simd).toBe(true);
    expect(r.code).toBe(0);
    expect(r.lines.map((l) => l.frame)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    for (const l of r.lines) {
      expect(l.file).toBe(path.join(DATA, 'vtest.avi'));
      expect(confident(l).length).toBeGreaterThan(0);
      for (const p of l.persons) {
        const [x, y, w, h] = p.box;
        expect(Math.min(x, y, w, h)).toBeGreaterThanOrEqual(0);
        expect(x + w).toBeLessThanOrEqual(1.0001);
        expect(y + h).toBeLessThanOrEqual(1.0001);
      }
    }
    for (const [frame, people] of Object.entries(LABELS.clips['vtest.avi'].frames)) {
      const line = r.lines.find((l) => l.frame === Number(frame))!;
      const found = people.filter((g) => confident(line).some((p) => iou(p.box, g) >= 0.4));
      // Most labelled people are found in the right place (one stands half behind a sign).
      expect(found.length, `frame ${frame}`).toBeGreaterThanOrEqual(
        Math.ceil(people.length * 0.75),
      );
    }
  }, 180_000);

  it('finds no person in foliage moving in the wind (tree.avi)', async () => {
    // Frames 0..51 (15 fps source, every 3rd): the part of the clip without people.
    const r = await detect([path.join(DATA, 'tree.avi'), '--fps', '5', '--max-frames', '18']);
    expect(r.code).toBe(0);
    expect(r.lines).toHaveLength(18);
    for (const l of r.lines) expect(confident(l), `frame ${l.frame}`).toEqual([]);
  }, 180_000);

  it('labels the stills: one person in messi5.jpg, people in basketball1.png, none elsewhere', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'detect-stills-'));
    try {
      for (const name of Object.keys(LABELS.stills))
        fs.copyFileSync(path.join(DATA, name), path.join(dir, name));
      const r = await detect([dir]);
      expect(r.code).toBe(0);
      expect(r.lines.map((l) => path.basename(l.file)).sort()).toEqual(
        Object.keys(LABELS.stills).sort(),
      );
      for (const l of r.lines) {
        const label = LABELS.stills[path.basename(l.file)]!;
        // Without --raw the output is what a camera keeps: the per-detection filters applied.
        for (const p of l.persons) {
          expect(p.score).toBeGreaterThanOrEqual(MIN_SCORE);
          expect(p.box[2] * p.box[3]).toBeGreaterThanOrEqual(DEFAULT_DETECTION_SETTINGS.minArea);
        }
        const persons = confident(l);
        if (!label.people) expect(persons, l.file).toEqual([]);
        else expect(persons.length, l.file).toBeGreaterThan(0);
        // The best detection is the labelled person.
        if (label.persons)
          expect(iou(persons[0]!.box, label.persons[0]!)).toBeGreaterThanOrEqual(0.6);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('with --motion, skips the model while nothing moves and runs it when people walk', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'detect-still-'));
    try {
      // Six identical frames (lossless): a camera looking at a scene where nothing happens.
      const still = path.join(dir, 'still.mkv');
      execFileSync('ffmpeg', [
        '-v',
        'error',
        '-loop',
        '1',
        '-i',
        path.join(DATA, 'fruits.jpg'),
        '-frames:v',
        '6',
        '-c:v',
        'ffv1',
        still,
      ]);
      const idle = await detect([still, '--motion']);
      expect(idle.code).toBe(0);
      expect(idle.lines.map((l) => (l as Line & { ran: boolean }).ran)).toEqual([
        true,
        false,
        false,
        false,
        false,
        false,
      ]);
      const walking = await detect([path.join(DATA, 'vtest.avi'), '--motion', '--max-frames', '4']);
      expect(walking.code).toBe(0);
      for (const l of walking.lines) {
        expect((l as Line & { ran: boolean }).ran, `frame ${l.frame}`).toBe(true);
        expect(confident(l).length).toBeGreaterThan(0);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('refuses bad input with a clear message and a non-zero exit', async () => {
    const missing = await detect(['/nonexistent/clip.avi']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/nonexistent/clip.avi: no such file or folder');
    const notVideo = await detect([path.join(ROOT, 'package.json')]);
    expect(notVideo.code).toBe(2);
    expect(notVideo.stderr).toMatch(/package\.json: not an image folder, an image or a video/);
    const badOption = await detect([path.join(DATA, 'vtest.avi'), '--max-frames', '-3']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toMatch(/--max-frames/);
    expect(badOption.lines).toEqual([]);
  }, 60_000);
});
