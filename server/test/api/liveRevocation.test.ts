import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../tests/support/http.ts';
import { connectRaw, type RawClient } from '../../../tests/support/rawClient.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';

type Json = Record<string, unknown>;

/** Resolves true when the socket is closed by the server within `ms`, false if it stays up. */
function closedWithin(client: RawClient, ms = 5000): Promise<boolean> {
  if (!client.socket.connected) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    client.socket.once('disconnect', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Live sockets follow the account's token generation and password state (issue 16): what kills
 * an access token also closes the sockets opened with it, and an account that must change its
 * password cannot act through its API keys.
 */
describe('live sessions after password resets and sign-outs', () => {
  let ts: TestServer;
  let adminToken: string;
  const clients: RawClient[] = [];

  const login = async (email: string, password: string) =>
    api<Json>(ts.url, 'POST', '/api/v1/auth/login', { body: { email, password } });
  const connect = async (token: unknown) => {
    const c = await connectRaw(ts.url, token);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    ts = await startTestServer();
    await ts.createPerson({
      email: 'admin@example.com',
      password: 'admin password 1',
      isAdmin: true,
    });
    adminToken = (await login('admin@example.com', 'admin password 1')).body[
      'accessToken'
    ] as string;
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await ts?.close();
  });

  it("an admin's password reset closes the account's live sockets", async () => {
    const id = await ts.createPerson({ email: 'reset@example.com', password: 'reset password 1' });
    const session = await login('reset@example.com', 'reset password 1');
    const socket = await connect(session.body['accessToken']);
    const closed = closedWithin(socket);
    const reset = await api(ts.url, 'POST', `/api/v1/admin/accounts/${id}/password-reset`, {
      token: adminToken,
    });
    expect(reset.status).toBe(200);
    expect(await closed).toBe(true);
  });

  it('signing an account out everywhere (admin) closes its live sockets', async () => {
    const id = await ts.createPerson({
      email: 'everywhere@example.com',
      password: 'everywhere pass 1',
    });
    const first = await connect(
      (await login('everywhere@example.com', 'everywhere pass 1')).body['accessToken'],
    );
    const closed = closedWithin(first);
    expect(
      (await api(ts.url, 'DELETE', `/api/v1/admin/accounts/${id}/sessions`, { token: adminToken }))
        .status,
    ).toBe(204);
    expect(await closed).toBe(true);
  });

  it("a person's own password change closes the sockets of their other logins", async () => {
    await ts.createPerson({ email: 'own@example.com', password: 'own password 123' });
    const phone = await login('own@example.com', 'own password 123');
    const laptop = await login('own@example.com', 'own password 123');
    const socket = await connect(phone.body['accessToken']);
    const closed = closedWithin(socket);
    const changed = await api(ts.url, 'POST', '/api/v1/auth/password', {
      token: laptop.body['accessToken'] as string,
      body: { currentPassword: 'own password 123', newPassword: 'own password 456' },
    });
    expect(changed.status).toBe(200);
    expect(await closed).toBe(true);
  });

  it('signing one session out ends its access token and socket at once; the other login goes on', async () => {
    await ts.createPerson({ email: 'lost@example.com', password: 'lost phone pass 1' });
    const phone = await login('lost@example.com', 'lost phone pass 1');
    const laptop = await login('lost@example.com', 'lost phone pass 1');
    const phoneToken = phone.body['accessToken'] as string;
    const laptopToken = laptop.body['accessToken'] as string;
    const phoneSocket = await connect(phoneToken);
    const laptopSocket = await connect(laptopToken);
    const listed = await api<Json[]>(ts.url, 'GET', '/api/v1/auth/sessions', {
      token: laptopToken,
    });
    // The bearer's own session is marked, also without the refresh cookie.
    expect(listed.body).toHaveLength(2);
    expect(listed.body.filter((x) => x['current'])).toHaveLength(1);
    const phoneSession = listed.body.find((x) => !x['current'])!['id'] as string;
    const phoneClosed = closedWithin(phoneSocket);
    const laptopClosed = closedWithin(laptopSocket, 1500);
    const revoked = await api(ts.url, 'DELETE', `/api/v1/auth/sessions/${phoneSession}`, {
      token: laptopToken,
    });
    expect(revoked.status).toBe(204);
    expect(await phoneClosed).toBe(true);
    const refused = await api<Json>(ts.url, 'GET', '/api/v1/sites', { token: phoneToken });
    expect(refused.status).toBe(401);
    await expect(connectRaw(ts.url, phoneToken)).rejects.toThrow(/session ended/);
    // The laptop's session was re-checked and kept.
    expect(await laptopClosed).toBe(false);
    expect((await api(ts.url, 'GET', '/api/v1/sites', { token: laptopToken })).status).toBe(200);

    // Logging out (the refresh token) does the same for the laptop.
    const laptopGone = closedWithin(laptopSocket);
    const out = await api(ts.url, 'POST', '/api/v1/auth/logout', {
      body: { refreshToken: laptop.body['refreshToken'] },
    });
    expect(out.status).toBe(204);
    expect(await laptopGone).toBe(true);
    expect((await api(ts.url, 'GET', '/api/v1/sites', { token: laptopToken })).status).toBe(401);
  });

  it('API keys of an account that must change its password are refused with PASSWORD_CHANGE_REQUIRED, live sockets too', async () => {
    const id = await ts.createPerson({
      email: 'keys@example.com',
      password: 'keys password 12',
      siteRole: 'member',
    });
    const token = (await login('keys@example.com', 'keys password 12')).body[
      'accessToken'
    ] as string;
    const created = await api<Json>(ts.url, 'POST', '/api/v1/api-keys', {
      token,
      body: { name: 'script', scopes: ['site:read'], siteId: ts.siteId },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const key = created.body['key'] as string;
    expect((await api(ts.url, 'GET', '/api/v1/sites', { token: key })).status).toBe(200);
    const socket = await connect(key);
    const closed = closedWithin(socket);

    expect(
      (
        await api(ts.url, 'POST', `/api/v1/admin/accounts/${id}/password-reset`, {
          token: adminToken,
        })
      ).status,
    ).toBe(200);
    expect(await closed).toBe(true);
    const refused = await api<Json>(ts.url, 'GET', '/api/v1/sites', { token: key });
    expect(refused.status).toBe(403);
    expect((refused.body['error'] as Json)['code']).toBe('PASSWORD_CHANGE_REQUIRED');
    await expect(connectRaw(ts.url, key)).rejects.toThrow(/password change required/);
  });
});
