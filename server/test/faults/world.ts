/**
 * What the process-fault tests share: a recording camera (SDK + wrtc, VP8, so an ffmpeg recorder)
 * with a viewer watching it, waits on counts of indexed segments and decoded frames, and the check
 * that the recording index and the storage describe the same objects.
 */
import path from 'node:path';
import { expect } from 'vitest';
import { PorchlightClient } from '@porchlight/sdk';
import type { TestServer } from '../../../tests/support/testServer.ts';
import { frameCounter } from '../../../tests/support/wrtc.ts';
import { filesUnder, startCamera, until } from '../recording/support.ts';

export interface Watched {
  camera: Awaited<ReturnType<typeof startCamera>>;
  viewer: PorchlightClient;
  /** Decoded frames at the viewer (its subscription survives media resets). */
  frames: () => number;
  /** Segments the server indexed for the camera since the start. */
  segments: () => number;
  close(): void;
}

export async function watchedCamera(ts: TestServer): Promise<Watched> {
  const camera = await startCamera(ts, { label: 'Porch' });
  let segments = 0;
  const onSegment = (s: { deviceId: string }): void => {
    if (s.deviceId === camera.deviceId) segments++;
  };
  ts.server.recording.service.on('segment', onSegment);
  const viewer = new PorchlightClient({
    url: ts.url,
    token: await ts.mint('viewer'),
    device: { handlerName: 'Chrome111' },
    socketOptions: { rejectUnauthorized: false },
  });
  await viewer.connect();
  const info = await until('the camera announced', () =>
    viewer.producers.find((p) => p.source === 'camera'),
  );
  const sub = await viewer.watch(info.producerId);
  // A media reset replaces the subscription's track: count frames of whichever is current.
  let counter = frameCounter(sub.track!);
  let base = 0;
  let track = sub.track;
  const poll = setInterval(() => {
    if (sub.track && sub.track !== track) {
      base += counter.state.frames;
      counter.stop();
      track = sub.track;
      counter = frameCounter(sub.track);
    }
  }, 50);
  return {
    camera,
    viewer,
    frames: () => base + counter.state.frames,
    segments: () => segments,
    close: () => {
      clearInterval(poll);
      counter.stop();
      ts.server.recording.service.off('segment', onSegment);
      viewer.close();
      camera.stop();
    },
  };
}

/** Waits until `count()` has grown by `by`; resolves with the time it took (ms). */
export async function grows(
  what: string,
  count: () => number,
  by: number,
  timeoutMs = 60_000,
): Promise<number> {
  const start = Date.now();
  const from = count();
  await until(what, () => count() >= from + by, timeoutMs);
  return Date.now() - start;
}

/** The storage keys the index names for a device, and the objects under `storageDir`. */
export async function indexAndStorage(
  ts: TestServer,
  deviceId: string,
  storageDir = path.join(ts.server.config.dataDir, 'recordings'),
): Promise<{ indexed: string[]; stored: string[]; segments: number }> {
  const { index } = ts.server.recording;
  const rows = await index.allSegments(deviceId);
  const runs = await index.listRuns(deviceId);
  const indexed = [...rows.map((r) => r.storageKey), ...runs.map((r) => r.storageKey)].sort();
  const stored = filesUnder(storageDir)
    .map((f) => path.relative(storageDir, f))
    .filter((f) => f.includes(deviceId) && !f.endsWith('.tmp'))
    .sort();
  return { indexed, stored, segments: rows.length };
}

/**
 * Once the camera has left and its last writes are done, every indexed segment and run has its
 * object and every object its row (waited for: the last segment is written after the camera left).
 */
export async function expectIndexEqualsStorage(
  ts: TestServer,
  deviceId: string,
  storageDir?: string,
): Promise<number> {
  let last: Awaited<ReturnType<typeof indexAndStorage>> | undefined;
  try {
    return (
      await until(
        'index == storage',
        async () => {
          last = await indexAndStorage(ts, deviceId, storageDir);
          return last.indexed.join() === last.stored.join() && last;
        },
        20_000,
      )
    ).segments;
  } catch (error) {
    expect(last?.stored).toStrictEqual(last?.indexed);
    throw error;
  }
}

export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
