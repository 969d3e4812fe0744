import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { connectRaw } from '../../../tests/support/rawClient.ts';
import { runSocketFuzz } from './socketFuzz.ts';

/** `npm run fuzz` runs the full size (100,000 messages); here a small seeded run. */
describe('socket fuzz (seeded, small)', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer();
  });
  afterAll(async () => {
    await ts?.close();
  });

  it('valid and near-valid request sequences: named errors only, no leaks, honest video flows', async () => {
    const r = await runSocketFuzz(ts, {
      seed: 1600,
      messages: 2000,
      sockets: 8,
      perSocketRate: 45,
    });
    expect(r.bugs).toEqual([]);
    expect(r.unhandled).toEqual([]);
    expect(r.workerAlive).toBe(true);
    expect(r.leaked).toEqual({ transports: 0, producers: 0, consumers: 0 });
    expect(r.outcomes['ok']).toBeGreaterThan(100);
    // The honest viewer kept decoding through every tenth of the run.
    for (let i = 1; i < r.frames.length; i++) expect(r.frames[i]).toBeGreaterThan(r.frames[i - 1]!);
  }, 240_000);

  // `npm run fuzz -- --seed=1603` found it: mediasoup throws a plain Error on a second connect,
  // which reached the client as INTERNAL (and an error log line).
  it('answers a second connectTransport with CONFLICT, not INTERNAL', async () => {
    const c = await connectRaw(ts.url, await ts.mint('viewer'));
    try {
      expect((await c.request('join', {})).ok).toBe(true);
      const t = await c.request<{ id: string }>('createTransport', { direction: 'recv' });
      if (!t.ok) throw new Error(t.error.message);
      const dtlsParameters = {
        role: 'client',
        fingerprints: [{ algorithm: 'sha-256', value: 'AB:'.repeat(31) + 'AB' }],
      };
      const both = await Promise.all([
        c.request('connectTransport', { transportId: t.data.id, dtlsParameters }),
        c.request('connectTransport', { transportId: t.data.id, dtlsParameters }),
      ]);
      const third = await c.request('connectTransport', { transportId: t.data.id, dtlsParameters });
      expect(both.filter((a) => a.ok)).toHaveLength(1);
      for (const a of [...both, third].filter((x) => !x.ok))
        expect(a).toEqual({ ok: false, error: { code: 'CONFLICT', message: expect.any(String) } });
    } finally {
      c.close();
    }
  });
});
