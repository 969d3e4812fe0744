import { spawn } from 'node:child_process';
import { ErrorCode } from '@porchlight/protocol';
import { PorchlightError } from '../../errors.ts';
import type { RecordingIndex } from '../index/RecordingIndex.ts';
import type { SegmentVault } from '../SegmentVault.ts';
import { DecodeSlots } from './DecodeSlots.ts';

const TIMEOUT_MS = 10_000;
const CACHE_ENTRIES = 512;

/**
 * JPEG frames from recordings: the segment holding `at` is decrypted in memory and piped with its
 * init segment through ffmpeg (decode only that segment). Results are cached by
 * (segment, offset, width): the timeline asks for the same thumbnails again and again.
 */
export class Snapshotter {
  readonly #index: RecordingIndex;
  readonly #vault: SegmentVault;
  readonly #ffmpeg: string;
  readonly #cache = new Map<string, Buffer>();
  readonly #slots: DecodeSlots;

  constructor(
    index: RecordingIndex,
    vault: SegmentVault,
    ffmpegPath: string,
    limits: { concurrent: number; queued: number },
  ) {
    this.#index = index;
    this.#vault = vault;
    this.#ffmpeg = ffmpegPath;
    this.#slots = new DecodeSlots({ running: limits.concurrent, queued: limits.queued });
  }

  async snapshot(deviceId: string, at: number, width: number | null): Promise<Buffer> {
    const [segment] = await this.#index.querySegments({ deviceId, from: at, to: at + 1, limit: 1 });
    if (!segment) throw PorchlightError.notFound('recording at that time');
    const run = await this.#index.getRun(segment.runId);
    if (!run) throw PorchlightError.notFound('recording at that time');
    // Snap to 100 ms: frames are 33 ms apart and the cache should hit for nearby requests.
    const offsetMs = Math.max(0, Math.floor((at - segment.producerTime) / 100) * 100);
    const cacheKey = `${deviceId}:${segment.seq}:${offsetMs}:${width ?? 0}`;
    const cached = this.#cache.get(cacheKey);
    if (cached) return cached;
    const [init, media] = await Promise.all([
      this.#vault.get(run.storageKey),
      this.#vault.get(segment.storageKey),
    ]);
    const input = Buffer.concat([init, media]);
    // A seek past the last decodable frame (a short or partial segment) yields nothing: fall back
    // to the segment's first frame, which is a keyframe. Both decodes hold one slot.
    const jpeg = await this.#slots.run(
      async () =>
        (await this.#decode(input, offsetMs / 1000, width).catch(() => null)) ??
        (await this.#decode(input, 0, width).catch(() => {
          throw new PorchlightError(
            ErrorCode.Unavailable,
            'no frame could be decoded at that time',
          );
        })),
    );
    this.#cache.set(cacheKey, jpeg);
    if (this.#cache.size > CACHE_ENTRIES) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    return jpeg;
  }

  #decode(input: Buffer, offsetSec: number, width: number | null): Promise<Buffer> {
    const args = ['-hide_banner', '-loglevel', 'error', '-f', 'mp4', '-i', 'pipe:0'];
    args.push('-ss', offsetSec.toFixed(3), '-frames:v', '1', '-an');
    if (width) args.push('-vf', `scale=${width}:-2`);
    args.push('-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', '5', 'pipe:1');
    return new Promise((resolve, reject) => {
      const ff = spawn(this.#ffmpeg, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let err = '';
      const timer = setTimeout(() => ff.kill('SIGKILL'), TIMEOUT_MS);
      ff.stdout.on('data', (c: Buffer) => out.push(c));
      ff.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-500)));
      ff.stdin.on('error', () => undefined);
      ff.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      ff.once('close', (code) => {
        clearTimeout(timer);
        const jpeg = Buffer.concat(out);
        if (code === 0 && jpeg.length > 0) resolve(jpeg);
        else reject(new Error(`snapshot failed (ffmpeg ${code}): ${err.trim()}`));
      });
      ff.stdin.end(input);
    });
  }
}
