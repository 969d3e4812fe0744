import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Generated media for fake capture devices (never committed: a y4m is tens of MB). */
export const FIXTURE_DIR = path.join(
  process.env['PORCHLIGHT_CACHE'] ?? path.join(os.homedir(), '.cache', 'porchlight'),
  'fixtures',
);
export const VIDEO_Y4M = path.join(FIXTURE_DIR, 'smptebars-640x480.y4m');
export const AUDIO_WAV = path.join(FIXTURE_DIR, 'tone-440hz.wav');

/** SMPTE colour bars at 75%: the colours a viewer must see, left to right, in the top 2/3. */
export const SMPTE_BARS: readonly [number, number, number][] = [
  [191, 191, 191],
  [191, 191, 0],
  [0, 191, 191],
  [0, 191, 0],
  [191, 0, 191],
  [191, 0, 0],
  [0, 0, 191],
];

/** Generates the fixtures with ffmpeg when missing (idempotent, atomic). */
export function ensureFixtures(): void {
  fs.mkdirSync(FIXTURE_DIR, { recursive: true });
  const make = (out: string, args: string[]): void => {
    if (fs.existsSync(out)) return;
    const tmp = `${out}.${process.pid}.tmp${path.extname(out)}`;
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args, tmp]);
    fs.renameSync(tmp, out);
  };
  make(VIDEO_Y4M, [
    '-f',
    'lavfi',
    '-i',
    'smptebars=size=640x480:rate=30',
    '-t',
    '2',
    '-pix_fmt',
    'yuv420p',
    '-f',
    'yuv4mpegpipe',
  ]);
  make(AUDIO_WAV, [
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000',
    '-t',
    '5',
    '-ac',
    '1',
    '-f',
    'wav',
  ]);
}
