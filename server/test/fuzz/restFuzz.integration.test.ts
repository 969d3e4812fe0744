import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import fc from 'fast-check';
import { restRoutes as routes, type RestRoute } from '@porchlight/protocol';
import { api } from '../../../tests/support/http.ts';
import { runRestFuzz } from './restFuzz.ts';
import { valid } from './zodArbitrary.ts';

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
    const path = routes.createWebhook.path.replace(':siteId', ts.siteId);
    const res = await api(ts.url, 'POST', path, {
      token: await ts.mint('viewer'),
      body: { url: 'not a url', events: ['ring'] },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'BAD_REQUEST', message: expect.any(String) } });
  });

  // Seed 1605 found these: an admin may name any site, and a store write under a site id that
  // does not exist failed its FOREIGN KEY (500) instead of answering NOT_FOUND.
  it('every site route with an admin token on a site that does not exist: no 5xx', async () => {
    const adminId = await ts.createPerson({
      email: 'admin-missing-site@fuzz.test',
      password: 'fuzz-password-1234',
      isAdmin: true,
    });
    const token = (await ts.server.identity.accessTokens.issueAccount(adminId)).token;
    const failures: string[] = [];
    let tried = 0;
    for (const [name, r] of Object.entries(routes) as [string, RestRoute][]) {
      if (!r.path.includes(':siteId') || r.bodyType === 'image/jpeg') continue;
      for (const seed of [1, 2, 3]) {
        const [params, query, body] = fc.sample(
          fc.tuple(valid(r.params), valid(r.query), valid(r.body)),
          { numRuns: 1, seed },
        )[0]!;
        const p: Record<string, unknown> = { ...(params as object), siteId: 'no-such-site' };
        const path = r.path.replace(/:([A-Za-z]+)/g, (_, k: string) =>
          encodeURIComponent(String(p[k])),
        );
        const qs =
          query && typeof query === 'object'
            ? new URLSearchParams(
                Object.entries(query).flatMap(([k, v]) =>
                  (Array.isArray(v) ? v : [v]).map((x) => [k, String(x)]),
                ),
              ).toString()
            : '';
        const hasBody = r.method !== 'GET' && r.method !== 'DELETE';
        const res = await api(ts.url, r.method, `${path}${qs ? `?${qs}` : ''}`, {
          token,
          ...(hasBody && body !== undefined ? { body } : {}),
        });
        tried++;
        if (res.status >= 500 && res.status !== 503)
          failures.push(`${name} ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      }
    }
    expect(tried).toBeGreaterThan(30);
    expect(failures).toEqual([]);
    // The three the fuzz run found answer NOT_FOUND (not merely some non-5xx).
    for (const [r, body] of [
      [routes.listAlarms, undefined],
      [routes.createAlarm, { kind: 'stream-down' }],
      [routes.createRtmpCamera, { name: 'Drive' }],
    ] as const) {
      const path = r.path.replace(':siteId', 'no-such-site');
      const res = await api(ts.url, r.method, path, { token, ...(body ? { body } : {}) });
      expect([path, res.status, res.body]).toEqual([
        path,
        404,
        { error: { code: 'NOT_FOUND', message: 'site not found' } },
      ]);
    }
  }, 240_000);
});
