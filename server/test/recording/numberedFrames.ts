import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TestServer } from '../../../tests/support/testServer.ts';
import { installWrtcGlobals } from '../../../tests/support/wrtc.ts';

const run = promisify(execFile);

/** Frame numbers are written as two base-24 digits in Y and U: 576 frames (19 s) per cycle. */
const BASE = 24;
const STEP = 8;
const LOW = 32;
export const CYCLE = BASE * BASE;

/**
 * A synthetic camera whose every frame carries its number in its colour (solid Y and U levels
 * survive VP8 and H264 compression), so a decoded recording says exactly which frames it holds.
 * `sentAt[n]` is when frame n was handed to the encoder (performance.now()).
 */
export function numberedCamera(
  width: number,
  height: number,
  fps = 30,
  /** Frames are handed over this irregularly (0-1): a loaded camera or box delivers in bursts. */
  jitter = 0,
) {
  const w = installWrtcGlobals();
  const source = new w.nonstandard.RTCVideoSource();
  const track = source.createTrack();
  const sentAt: number[] = [];
  const frame = new Uint8Array(width * height * 1.5);
  const send = () => {
    const n = sentAt.length;
    frame.fill(LOW + STEP * (n % BASE), 0, width * height);
    frame.fill(LOW + STEP * (Math.floor(n / BASE) % BASE), width * height, width * height * 1.25);
    frame.fill(128, width * height * 1.25);
    sentAt.push(performance.now());
    source.onFrame({ width, height, data: frame });
  };
  let timer: NodeJS.Timeout;
  const next = () => {
    send();
    timer = setTimeout(next, (1000 / fps) * (1 - jitter + 2 * jitter * Math.random()));
  };
  timer = setTimeout(next, 1000 / fps);
  return {
    track: track as unknown as MediaStreamTrack,
    sentAt,
    /** Stops sending frames; returns the number of the last frame sent. */
    stop: (): number => {
      clearTimeout(timer);
      track.stop();
      return sentAt.length - 1;
    },
  };
}

/** The frame number (mod CYCLE) a decoded I420 frame carries, from the mean of its centre. */
function numberOf(frame: Buffer, width: number, height: number): number {
  const mean = (offset: number, w: number, h: number): number => {
    let sum = 0;
    let count = 0;
    for (let y = Math.floor(h / 4); y < (3 * h) / 4; y++) {
      for (let x = Math.floor(w / 4); x < (3 * w) / 4; x++) {
        sum += frame[offset + y * w + x]!;
        count++;
      }
    }
    return sum / count;
  };
  const digit = (v: number) => Math.min(BASE - 1, Math.max(0, Math.round((v - LOW) / STEP)));
  const low = digit(mean(0, width, height));
  const high = digit(mean(width * height, width / 2, height / 2));
  return high * BASE + low;
}

/** Decodes an fMP4 file (init + fragments) and returns the number (mod CYCLE) of every frame. */
export async function recordedFrameNumbers(
  file: string,
  width: number,
  height: number,
): Promise<number[]> {
  const { stdout } = await run(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-map', '0:v:0', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-'],
    { encoding: 'buffer', maxBuffer: 512 * 1024 * 1024, timeout: 120_000 },
  );
  const size = width * height * 1.5;
  const numbers: number[] = [];
  for (let o = 0; o + size <= stdout.length; o += size) {
    numbers.push(numberOf(stdout.subarray(o, o + size), width, height));
  }
  return numbers;
}

/** The absolute frame number closest below or at `latest` that is `residue` mod CYCLE. */
export function unwrap(residue: number, latest: number): number {
  return latest - ((((latest - residue) % CYCLE) + CYCLE) % CYCLE);
}

/** Writes a run's init segment and all its indexed segments, decrypted, to one MP4 file. */
export async function runFile(ts: TestServer, deviceId: string, runId: string): Promise<string> {
  const { index, vault } = ts.server.recording.service;
  const runRecord = await index.getRun(runId);
  if (!runRecord) throw new Error(`no run ${runId}`);
  const rows = (await index.allSegments(deviceId)).filter((r) => r.runId === runId);
  const parts = [await vault.get(runRecord.storageKey)];
  for (const r of rows) parts.push(await vault.get(r.storageKey));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-run-'));
  const file = path.join(dir, `${runId}.mp4`);
  fs.writeFileSync(file, Buffer.concat(parts));
  return file;
}
