import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../../tests/support/http.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';

type Json = Record<string, unknown>;

interface Answer {
  status: number;
  body: Json;
  /** The refresh cookie's value in Set-Cookie ('' when cleared), and the raw header. */
  cookie: string | undefined;
  setCookie: string[];
}

const COOKIE = '__Secure-porchlight-refresh';

/** Sessions, passwords and token generations (issue 16, findings 6 and 8) against a real server. */
describe('sessions and passwords over the REST API', () => {
  let ts: TestServer;
  let adminToken: string;
  const adminPassword = 'admin password 1234';

  async function call(
    method: string,
    path: string,
    o: { token?: string; body?: unknown; headers?: Record<string, string>; cookie?: string } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers['authorization'] = `Bearer ${o.token}`;
    if (o.cookie !== undefined) headers['cookie'] = `${COOKIE}=${o.cookie}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${ts.url}${path}`, {
      method,
      headers,
      ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
    });
    const text = await res.text();
    const setCookie = res.headers.getSetCookie();
    const ours = setCookie.find((c) => c.startsWith(`${COOKIE}=`));
    return {
      status: res.status,
      body: (text ? JSON.parse(text) : {}) as Json,
      cookie: ours?.slice(COOKIE.length + 1).split(';')[0],
      setCookie,
    };
  }
  const browser = { 'porchlight-session': 'cookie', 'sec-fetch-site': 'same-origin' };
  const login = (email: string, password: string, headers: Record<string, string> = {}) =>
    call('POST', '/api/v1/auth/login', { body: { email, password }, headers });

  beforeAll(async () => {
    ts = await startTestServer();
    await ts.createPerson({ email: 'admin@example.com', password: adminPassword, isAdmin: true });
    adminToken = (await login('admin@example.com', adminPassword)).body['accessToken'] as string;
  });
  afterAll(async () => {
    await ts?.close();
  });

  it('browsers get the refresh token only as an HttpOnly; Secure; SameSite=Strict cookie, rotated on refresh', async () => {
    await ts.createPerson({ email: 'cookie@example.com', password: 'cookie password 1' });
    const first = await login('cookie@example.com', 'cookie password 1', browser);
    expect(first.status).toBe(200);
    expect(first.body['refreshToken']).toBeUndefined();
    expect(first.body['accessToken']).toEqual(expect.any(String));
    const header = first.setCookie.find((c) => c.startsWith(COOKIE))!;
    for (const attr of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/api/v1/auth'])
      expect(header).toContain(attr);
    expect(first.cookie).toMatch(/^plr_/);

    const next = await call('POST', '/api/v1/auth/refresh', {
      headers: browser,
      cookie: first.cookie!,
    });
    expect(next.status).toBe(200);
    expect(next.body['refreshToken']).toBeUndefined();
    expect(next.cookie).toMatch(/^plr_/);
    expect(next.cookie).not.toBe(first.cookie);
    // Reuse of the rotated cookie revokes the family: the newest dies too.
    expect(
      (await call('POST', '/api/v1/auth/refresh', { headers: browser, cookie: first.cookie! }))
        .status,
    ).toBe(401);
    expect(
      (await call('POST', '/api/v1/auth/refresh', { headers: browser, cookie: next.cookie! }))
        .status,
    ).toBe(401);

    // Node integrators keep the body token.
    const node = await login('cookie@example.com', 'cookie password 1');
    expect(node.body['refreshToken']).toMatch(/^plr_/);
    expect(node.cookie).toBeUndefined();
    const rotated = await call('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: node.body['refreshToken'] },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body['refreshToken']).toMatch(/^plr_/);
  });

  it('refuses the refresh cookie cross-site (no session header, cross-site fetch, foreign Origin) with 403', async () => {
    await ts.createPerson({ email: 'csrf@example.com', password: 'csrf password 12' });
    const { cookie } = await login('csrf@example.com', 'csrf password 12', browser);
    const tries: Record<string, string>[] = [
      {}, // a cross-site form post: no custom header can be sent
      { 'porchlight-session': 'cookie', 'sec-fetch-site': 'cross-site' },
      { 'porchlight-session': 'cookie', origin: 'https://evil.example' },
    ];
    for (const headers of tries) {
      for (const path of ['/api/v1/auth/refresh', '/api/v1/auth/logout']) {
        const r = await call('POST', path, { headers, cookie: cookie! });
        expect(r.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
        expect(JSON.stringify(r.body)).toMatch(/cross-site|Porchlight-Session/);
      }
    }
    // The cookie survived every refused try.
    expect(
      (await call('POST', '/api/v1/auth/refresh', { headers: browser, cookie: cookie! })).status,
    ).toBe(200);
  });

  it('a password change needs the current password, ends every other session and kills older access tokens at once', async () => {
    await ts.createPerson({ email: 'change@example.com', password: 'old password 123' });
    const phone = await login('change@example.com', 'old password 123');
    const laptop = await login('change@example.com', 'old password 123', browser);
    const phoneToken = phone.body['accessToken'] as string;
    const laptopToken = laptop.body['accessToken'] as string;
    expect((await call('GET', '/api/v1/sites', { token: phoneToken })).status).toBe(200);

    const wrong = await call('POST', '/api/v1/auth/password', {
      token: laptopToken,
      body: { currentPassword: 'not the password', newPassword: 'new password 456' },
    });
    expect(wrong.status).toBe(400);

    const changed = await call('POST', '/api/v1/auth/password', {
      token: laptopToken,
      headers: browser,
      body: { currentPassword: 'old password 123', newPassword: 'new password 456' },
    });
    expect(changed.status).toBe(200);
    expect(changed.cookie).toMatch(/^plr_/);
    expect(changed.body['refreshToken']).toBeUndefined();
    // Both old access tokens die now (not at expiry), the phone's refresh token too.
    expect((await call('GET', '/api/v1/sites', { token: phoneToken })).status).toBe(401);
    expect((await call('GET', '/api/v1/sites', { token: laptopToken })).status).toBe(401);
    const phoneRefresh = await call('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: phone.body['refreshToken'] },
    });
    expect(phoneRefresh.status).toBe(401);
    // The changing client carries on with its fresh session.
    const fresh = changed.body['accessToken'] as string;
    expect((await call('GET', '/api/v1/sites', { token: fresh })).status).toBe(200);
    expect(
      (await call('POST', '/api/v1/auth/refresh', { headers: browser, cookie: changed.cookie! }))
        .status,
    ).toBe(200);
    expect((await login('change@example.com', 'old password 123')).status).toBe(401);
    expect((await login('change@example.com', 'new password 456')).status).toBe(200);
  });

  it('disabling an account kills its access tokens at once, and re-enabling does not revive them (finding 8)', async () => {
    const id = await ts.createPerson({ email: 'disable@example.com', password: 'disable pass 12' });
    const token = (await login('disable@example.com', 'disable pass 12')).body[
      'accessToken'
    ] as string;
    expect((await call('GET', '/api/v1/sites', { token })).status).toBe(200);
    const patch = (disabled: boolean) =>
      call('PATCH', `/api/v1/admin/accounts/${id}`, { token: adminToken, body: { disabled } });
    expect((await patch(true)).status).toBe(200);
    expect((await call('GET', '/api/v1/sites', { token })).status).toBe(401);
    expect((await patch(false)).status).toBe(200);
    const after = await call('GET', '/api/v1/sites', { token });
    expect(after.status).toBe(401);
    expect(JSON.stringify(after.body)).toContain('token revoked');
    expect((await login('disable@example.com', 'disable pass 12')).status).toBe(200);
  });

  it('an admin reset sets a temporary password that must be changed before anything else', async () => {
    const id = await ts.createPerson({ email: 'reset@example.com', password: 'forgotten pass 1' });
    const before = (await login('reset@example.com', 'forgotten pass 1')).body[
      'accessToken'
    ] as string;
    const reset = await call('POST', `/api/v1/admin/accounts/${id}/password-reset`, {
      token: adminToken,
    });
    expect(reset.status).toBe(200);
    const temporary = reset.body['temporaryPassword'] as string;
    expect(temporary.length).toBeGreaterThanOrEqual(10);
    expect((await call('GET', '/api/v1/sites', { token: before })).status).toBe(401);

    const session = await login('reset@example.com', temporary);
    expect(session.status).toBe(200);
    expect((session.body['account'] as Json)['mustChangePassword']).toBe(true);
    const token = session.body['accessToken'] as string;
    const refused = await call('GET', '/api/v1/sites', { token });
    expect(refused.status).toBe(403);
    expect((refused.body['error'] as Json)['code']).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await call('GET', '/api/v1/me', { token })).status).toBe(200);
    const changed = await call('POST', '/api/v1/auth/password', {
      token,
      body: { currentPassword: temporary, newPassword: 'my own password 9' },
    });
    expect(changed.status).toBe(200);
    expect((changed.body['account'] as Json)['mustChangePassword']).toBe(false);
    const now = changed.body['accessToken'] as string;
    expect((await call('GET', '/api/v1/sites', { token: now })).status).toBe(200);
  });

  it('lists sessions with device and address, and revokes one (own) or all (admin)', async () => {
    const id = await ts.createPerson({ email: 'list@example.com', password: 'list password 1' });
    const a = await login('list@example.com', 'list password 1', { 'user-agent': 'Phone/1.0' });
    const b = await login('list@example.com', 'list password 1', {
      ...browser,
      'user-agent': 'Laptop/2.0',
    });
    const token = b.body['accessToken'] as string;
    const mine = await call('GET', '/api/v1/auth/sessions', {
      token,
      headers: browser,
      cookie: b.cookie!,
    });
    expect(mine.status).toBe(200);
    const list = mine.body as unknown as Json[];
    expect(list.map((s) => s['userAgent']).sort()).toEqual(['Laptop/2.0', 'Phone/1.0']);
    expect(list.every((s) => s['ip'] === '127.0.0.1')).toBe(true);
    expect(list.find((s) => s['current'])?.['userAgent']).toBe('Laptop/2.0');
    const phone = list.find((s) => s['userAgent'] === 'Phone/1.0')!;
    expect(
      (await call('DELETE', `/api/v1/auth/sessions/${String(phone['id'])}`, { token })).status,
    ).toBe(204);
    const refused = await call('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: a.body['refreshToken'] },
    });
    expect(refused.status).toBe(401);
    // Not someone else's session.
    expect(
      (await call('DELETE', `/api/v1/auth/sessions/${String(phone['id'])}`, { token: adminToken }))
        .status,
    ).toBe(404);

    const listed = await call('GET', `/api/v1/admin/accounts/${id}/sessions`, {
      token: adminToken,
    });
    expect((listed.body as unknown as Json[]).map((s) => s['userAgent'])).toEqual(['Laptop/2.0']);
    expect(
      (await call('DELETE', `/api/v1/admin/accounts/${id}/sessions`, { token: adminToken })).status,
    ).toBe(204);
    expect((await call('GET', '/api/v1/sites', { token })).status).toBe(401);
    expect(
      (await call('POST', '/api/v1/auth/refresh', { headers: browser, cookie: b.cookie! })).status,
    ).toBe(401);
    expect(
      (await call('GET', `/api/v1/admin/accounts/${id}/sessions`, { token: adminToken })).body,
    ).toEqual([]);
  });
});
