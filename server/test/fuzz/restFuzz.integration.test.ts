import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { restRoutes } from '@porchlight/protocol';
import { api } from '../../../tests/support/http.ts';
import { runRestFuzz } from './restFuzz.ts';

/** `npm run fuzz` runs the full size (20,000 requests); here a small seeded run. */
describe('REST fuzz (seeded, small)', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer();
  });
  afterAll(async () => {
    await ts?.close();
  });

  it('every route, valid and mutated input, good and bad tokens: coded JSON errors, no 5xx', async () => {
    const r = await runRestFuzz(ts, { seed: 1600, requests: 1000, concurrency: 8 });
    expect(r.bugs).toEqual([]);
    expect(r.unhandled).toEqual([]);
    expect(r.statuses['200']).toBeGreaterThan(0);
    expect(r.codes['BAD_REQUEST']).toBeGreaterThan(0);
    expect(r.codes['UNAUTHORIZED']).toBeGreaterThan(0);
  }, 240_000);

  // Seed 1600 found these: fastify's and Node's own answers had no error code.
  it('answers an overlong path parameter and oversized headers with a coded JSON error', async () => {
    const long = await api(ts.url, 'GET', `/api/v1/sites/${'A'.repeat(2000)}/devices`);
    expect(long.status).toBe(414);
    expect(long.body).toEqual({ error: { code: 'BAD_REQUEST', message: expect.any(String) } });
    const big = await api(ts.url, 'GET', '/api/v1/sites', { token: 'x'.repeat(20_000) });
    expect(big.status).toBe(431);
    expect(big.body).toEqual({ error: { code: 'BAD_REQUEST', message: expect.any(String) } });
    expect(big.headers.get('content-type')).toContain('application/json');
  });

  // The deriver's test found it: zod runs refinements after a failed one, and the webhook URL's
  // second refinement called `new URL` on a non-URL, so validation threw instead of refusing.
  it('refuses a webhook URL that is not a URL with BAD_REQUEST', async () => {
    const path = restRoutes.createWebhook.path.replace(':siteId', ts.siteId);
    const res = await api(ts.url, 'POST', path, {
      token: await ts.mint('viewer'),
      body: { url: 'not a url', events: ['ring'] },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'BAD_REQUEST', message: expect.any(String) } });
  });
});
