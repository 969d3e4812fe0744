import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../src/api/routes/index.ts';
import { api } from '../../../tests/support/http.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';

type ErrorBody = { error?: { code?: string; message?: string } };

/** The route's path with every parameter filled by a valid-looking id. */
const pathOf = (path: string, id: string): string => path.replace(/:[A-Za-z]+/g, id);

/**
 * Credentials are checked before the request is validated: a caller without them learns that
 * they must authenticate, not what the schema expects (issue 9).
 */
describe('authentication runs before validation', () => {
  let ts: TestServer;
  let member: string;
  beforeAll(async () => {
    ts = await startTestServer();
    member = await ts.mint('viewer', { siteRole: 'member' });
  });
  afterAll(async () => {
    await ts?.close();
  });

  for (const r of routes.filter((x) => x.auth !== 'public')) {
    it(`${r.method} ${r.path}: an invalid request without credentials is 401`, async () => {
      const path = `${pathOf(r.path, 'not a valid id!')}?unexpected=1`;
      const body = r.method === 'GET' ? undefined : { unexpected: 'field' };
      for (const token of [undefined, 'not-a-real-token']) {
        const res = await api<ErrorBody>(ts.url, r.method, path, {
          ...(token !== undefined ? { token } : {}),
          ...(body !== undefined ? { body } : {}),
        });
        const label = `${token ?? 'anonymous'} -> ${res.status} ${JSON.stringify(res.body)}`;
        expect(res.status, label).toBe(401);
        expect(res.body.error?.code, label).toBe('UNAUTHORIZED');
        expect(res.body.error?.message ?? '', label).not.toMatch(/^(params|query|body)\b/);
      }
    });
  }

  it('a caller who may not act on the resource gets 403 before the body is validated', async () => {
    // A member may not manage people: the invalid grant body is never looked at.
    const res = await api<ErrorBody>(ts.url, 'POST', `/api/v1/sites/${ts.siteId}/grants`, {
      token: member,
      body: { email: 'not an e-mail', role: 'emperor' },
    });
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe('FORBIDDEN');
  });

  it('an authenticated, allowed caller still gets the schema error', async () => {
    const owner = await ts.mint('viewer', { siteRole: 'owner' });
    const res = await api<ErrorBody>(ts.url, 'POST', `/api/v1/sites/${ts.siteId}/invitations`, {
      token: owner,
      body: { email: 'not an e-mail', role: 'owner' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toMatch(/^body\.email/);
  });
});
