import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURE_DIR } from './fixtures.ts';

/**
 * Fake-camera clips for the detection end-to-end tests, made with ffmpeg from opencv-doc's footage
 * (scripts/detection-fixtures.sh extracts it) and cached next to the other fixtures (y4m is raw:
 * never committed). Chromium loops a fake-capture file.
 */
const FOOTAGE = path.join(path.dirname(FIXTURE_DIR), 'opencv-doc');

export const CLIP_FPS = 10;
/** Seconds of the empty scene before the first person shows in {@link personAppearsClip}. */
export const EMPTY_SECONDS = 20;
/** Seconds of pedestrians after it (vtest.avi frames 0..PEOPLE_SECONDS*10). */
export const PEOPLE_SECONDS = 16;

function make(out: string, args: string[]): string {
  if (fs.existsSync(out)) return out;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp${path.extname(out)}`;
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args, tmp]);
  fs.renameSync(tmp, out);
  return out;
}

function footage(name: string): string {
  const file = path.join(FOOTAGE, name);
  if (!fs.existsSync(file))
    throw new Error(`${file} missing: run bash scripts/detection-fixtures.sh (npm run setup)`);
  return file;
}

/**
 * The vtest.avi scene without anyone in it: the per-pixel median of 32 frames spread over the
 * clip (people move on; the street stays).
 */
export function emptySceneStill(): string {
  const out = path.join(FIXTURE_DIR, 'detection', 'vtest-empty.png');
  if (fs.existsSync(out)) return out;
  fs.mkdirSync(FIXTURE_DIR, { recursive: true });
  const dir = fs.mkdtempSync(`${path.dirname(out)}-`);
  try {
    execFileSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-i',
      footage('vtest.avi'),
      '-vf',
      'select=not(mod(n\\,25)),tmedian=radius=15',
      '-vsync',
      '0',
      path.join(dir, 'm%02d.png'),
    ]);
    const [first] = fs.readdirSync(dir).sort();
    if (!first) throw new Error('ffmpeg made no median frame');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.renameSync(path.join(dir, first), out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/**
 * 640x480 at 10 fps: {@link EMPTY_SECONDS} of the empty street, then pedestrians walking
 * through it (vtest.avi from its first frame) for {@link PEOPLE_SECONDS}.
 */
export function personAppearsClip(): string {
  return streetClip(EMPTY_SECONDS, PEOPLE_SECONDS);
}

/**
 * 640x480 at 10 fps: `emptySeconds` of the empty street, then `peopleSeconds` of pedestrians
 * (vtest.avi from its first frame). Looped by Chromium, people appear once per loop.
 */
export function streetClip(emptySeconds: number, peopleSeconds: number): string {
  const still = emptySceneStill();
  return make(
    path.join(
      FIXTURE_DIR,
      'detection',
      `person-appears-640x480-${emptySeconds}+${peopleSeconds}s.y4m`,
    ),
    [
      '-loop',
      '1',
      '-framerate',
      String(CLIP_FPS),
      '-t',
      String(emptySeconds),
      '-i',
      still,
      '-t',
      String(peopleSeconds),
      '-i',
      footage('vtest.avi'),
      '-filter_complex',
      `[0:v]scale=640:480,setsar=1,fps=${CLIP_FPS},format=yuv420p[a];` +
        `[1:v]scale=640:480,setsar=1,fps=${CLIP_FPS},format=yuv420p[b];[a][b]concat=n=2:v=1[v]`,
      '-map',
      '[v]',
      '-f',
      'yuv4mpegpipe',
    ],
  );
}

/** Moving foliage without people (tree.avi's first 55 frames), 320x240; Chromium loops it. */
export function foliageClip(): string {
  return make(path.join(FIXTURE_DIR, 'detection', 'foliage-320x240.y4m'), [
    '-i',
    footage('tree.avi'),
    '-frames:v',
    '55',
    '-vf',
    `fps=${CLIP_FPS},format=yuv420p`,
    '-f',
    'yuv4mpegpipe',
  ]);
}
