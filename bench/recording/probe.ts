/**
 * Timing probes of the recording bench.
 *
 * `installSegmenterProbe` wraps the `safeEmit` of Fmp4Segmenter (ffmpeg recorders) and Fmp4Muxer
 * (in-process recorders) (bench process only; behaviour is unchanged) to note, for every segment the server's recorders cut, when the segmenter cut it and
 * when its last fragment had arrived. SegmentRecords carry `ingestTime` (= the segment's
 * `firstByteAt`) and `bytes`, which identify the segment again when the service's `segment` event
 * fires after sealing, storing and indexing.
 *
 * `durableWrite` is the baseline of the persist step: what FileStorage.put does to make an object
 * durable (temp file, write, fsync, rename, fsync the directory) without encryption or the index.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Fmp4Segmenter } from '../../server/src/recording/media/Segmenter.ts';
import { Fmp4Muxer } from '../../server/src/recording/mux/Fmp4Muxer.ts';
import { EnhancedEventEmitter } from '@porchlight/runtime';

export interface CutTiming {
  /** Date.now() when the segmenter emitted the segment (it had seen the next keyframe fragment). */
  cutAt: number;
  /** Date.now() when the segment's last fragment had been completely received. */
  lastFragmentAt: number;
  fragments: number;
}

const cuts = new Map<string, CutTiming>();
const key = (firstByteAt: number, bytes: number): string => `${firstByteAt}:${bytes}`;

let installed = false;

export function installSegmenterProbe(): void {
  if (installed) return;
  installed = true;
  const lastFragment = new WeakMap<object, number>();
  const base = EnhancedEventEmitter.prototype.safeEmit;
  type Emitting = { safeEmit: (this: object, event: string, ...args: unknown[]) => boolean };
  const probed = function (this: object, event: string, ...args: unknown[]): boolean {
    const now = Date.now();
    if (event === 'fragment') {
      lastFragment.set(this, now);
    } else if (event === 'segment') {
      const s = args[0] as { bytes: Buffer; firstByteAt: number; fragments: number };
      cuts.set(key(s.firstByteAt, s.bytes.length), {
        cutAt: now,
        // The segment's fragments were announced before it was cut (the next one comes after).
        lastFragmentAt: lastFragment.get(this) ?? now,
        fragments: s.fragments,
      });
      if (cuts.size > 50_000) cuts.clear();
    }
    return (base as (this: object, event: string, ...args: unknown[]) => boolean).call(
      this,
      event,
      ...args,
    );
  };
  (Fmp4Segmenter.prototype as unknown as Emitting).safeEmit = probed;
  (Fmp4Muxer.prototype as unknown as Emitting).safeEmit = probed;
}

/** The cut timing of an indexed segment, if the probe saw it (taken out of the table). */
export function takeCut(ingestTime: number, bytes: number): CutTiming | undefined {
  const k = key(ingestTime, bytes);
  const t = cuts.get(k);
  cuts.delete(k);
  return t;
}

const payload = randomBytes(4 * 1024 * 1024);

/** Write + fsync a same-size file, rename it into place and fsync the directory: ms taken. */
export async function durableWrite(dir: string, bytes: number): Promise<number> {
  const data = payload.subarray(0, Math.min(bytes, payload.length));
  const t0 = performance.now();
  const file = path.join(dir, `baseline-${randomBytes(6).toString('hex')}.m4s`);
  const tmp = `${file}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
  const ms = performance.now() - t0;
  await rm(file, { force: true });
  return ms;
}
