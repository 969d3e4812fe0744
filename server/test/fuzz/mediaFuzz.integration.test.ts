import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { runMediaFuzz } from './mediaFuzz.ts';

/** `runMediaFuzz` at full size (20,000 requests) is for `npm run fuzz`; here a small seeded run. */
describe('media fuzz (seeded, small)', () => {
  let ts: TestServer;
  beforeAll(async () => {
    // Recording on: the live playlist answers, and what it lists is asked for (and mutated).
    ts = await startTestServer({ recording: { defaultMode: 'continuous' } });
  });
  afterAll(async () => {
    await ts?.close();
  });

  it('WHIP, WHEP, HLS and uploads with valid and mutated input: deliberate answers, no leaks, honest video flows', async () => {
    const r = await runMediaFuzz(ts, { seed: 1600, requests: 800, concurrency: 6 });
    expect(r.bugs).toEqual([]);
    expect(r.unhandled).toEqual([]);
    expect(r.workerAlive).toBe(true);
    expect(r.leaked).toEqual({
      routers: 0,
      transports: 0,
      producers: 0,
      consumers: 0,
      sessions: 0,
    });
    // Deep states were reached: sessions made and patched, playback URLs checked, uploads stored.
    expect(r.statuses['whep-post 201']).toBeGreaterThan(5);
    expect(r.statuses['whip-post 201']).toBeGreaterThan(5);
    expect(r.statuses['whep-post 400']).toBeGreaterThan(5);
    expect(r.statuses['event-snapshot 200']).toBeGreaterThan(0);
    expect(r.statuses['hls 200']).toBeGreaterThan(0);
    expect(r.statuses['hls 401']).toBeGreaterThan(0);
    // The honest viewer kept decoding through every tenth of the run.
    for (let i = 1; i < r.frames.length; i++) expect(r.frames[i]).toBeGreaterThan(r.frames[i - 1]!);
  }, 120_000);
});
