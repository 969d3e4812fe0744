import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../tests/support/http.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { fragments, startCamera, until } from './support.ts';

/**
 * Finding 5: snapshot.jpg runs at most `snapshotConcurrency` ffmpeg decodes (counted in /proc)
 * and refuses what its queue cannot hold with 429 + Retry-After; /media/* has a request budget.
 */
const CONCURRENT = 2;
const QUEUED = 3;
const PER_MINUTE = 80;

/** ffmpeg processes of this server decoding a snapshot (image2pipe), read from /proc. */
function snapshotDecoders(): number {
  const isDecoder = (pid: string): boolean => {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const ppid = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1];
      return cmd.includes('image2pipe') && ppid === String(process.pid);
    } catch {
      return false; // exited meanwhile
    }
  };
  // A scan of /proc is not instantaneous: on a busy box a decoder read early may exit and a later
  // one start before the scan ends. Counting only those still there after the scan counts
  // processes that all ran at one instant (between the last first read and the first re-read).
  const seen = fs.readdirSync('/proc').filter((pid) => /^\d+$/.test(pid) && isDecoder(pid));
  return seen.filter(isDecoder).length;
}

describe('media request limits', () => {
  let ts: TestServer;
  let owner: string;
  let cam: Awaited<ReturnType<typeof startCamera>>;
  let snapshotUrl: string;
  let vodUrl: string;

  beforeAll(async () => {
    ts = await startTestServer({
      recording: {
        defaultMode: 'continuous',
        snapshotConcurrency: CONCURRENT,
        snapshotQueue: QUEUED,
        mediaRequestsPerMinute: PER_MINUTE,
      },
    });
    owner = await ts.mint('viewer', { siteRole: 'owner' });
    cam = await startCamera(ts);
    const list = await until(
      '3 segments',
      async () => {
        const f = await fragments(ts, owner, ts.siteId, cam.deviceId);
        return f.length >= 3 ? f : undefined;
      },
      60_000,
    );
    const pb = await api<{ vod: string; snapshot: string }>(
      ts.url,
      'POST',
      `/api/v1/sites/${ts.siteId}/devices/${cam.deviceId}/recording/playback`,
      { token: owner, body: { from: list[0]!.producerTime, to: list[2]!.producerTime + 2000 } },
    );
    expect(pb.status).toBe(200);
    snapshotUrl = `${ts.url}${pb.body.snapshot}`;
    vodUrl = `${ts.url}${pb.body.vod}`;
    cam.stop();
    (globalThis as { snapshotAt?: number }).snapshotAt = list[1]!.producerTime;
  }, 120_000);
  afterAll(async () => {
    cam?.stop();
    await ts?.close();
  });

  it('20 parallel uncached snapshots: at most N ffmpeg at once, the rest queued or refused, none hangs', async () => {
    const at = (globalThis as { snapshotAt?: number }).snapshotAt!;
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, snapshotDecoders());
        await new Promise((r) => setImmediate(r));
      }
    })();
    const url = (i: number): string => {
      const u = new URL(snapshotUrl);
      u.searchParams.set('at', String(at));
      u.searchParams.set('width', String(64 + 2 * i)); // a cache key of its own
      return u.toString();
    };
    const results = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const res = await fetch(url(i), { signal: AbortSignal.timeout(60_000) });
        await res.arrayBuffer();
        return { status: res.status, retryAfter: res.headers.get('retry-after') };
      }),
    );
    sampling = false;
    await sampler;
    const served = results.filter((r) => r.status === 200).length;
    const refused = results.filter((r) => r.status === 429);
    expect(served + refused.length).toBe(20);
    expect(served).toBeGreaterThanOrEqual(CONCURRENT);
    // Not `served <= CONCURRENT + QUEUED`: on a busy box the first decodes can finish before the
    // last requests arrive, and their slots serve those. The burst still overflows the queue.
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(peak).toBeGreaterThan(0); // the sampler does see decoders
    expect(peak).toBeLessThanOrEqual(CONCURRENT);
    console.log(`snapshots: served ${served}, refused ${refused.length}, peak ffmpeg ${peak}`);
  }, 120_000);

  it('/media/* answers 429 with Retry-After beyond the per-minute budget', async () => {
    let limited: Response | undefined;
    let okCount = 0;
    for (let i = 0; i < PER_MINUTE + 5 && !limited; i++) {
      const res = await fetch(vodUrl);
      await res.arrayBuffer();
      if (res.status === 429) limited = res;
      else okCount++;
    }
    expect(limited).toBeDefined();
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(okCount).toBeLessThanOrEqual(PER_MINUTE);
  }, 60_000);
});
