import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../src/api/routes/index.ts';
import { api } from '../../../tests/support/http.ts';
import { connectRaw } from '../../../tests/support/rawClient.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';

type Json = Record<string, unknown>;

/** Resolves with the disconnect time, or +Infinity if the socket is still up after `ms`. */
function disconnectTime(
  socket: { once(e: 'disconnect', f: () => void): unknown },
  ms = 5000,
): Promise<number> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(Number.POSITIVE_INFINITY), ms);
    socket.once('disconnect', () => {
      clearTimeout(timer);
      resolve(Date.now());
    });
  });
}

describe('identity over the REST API', () => {
  let ts: TestServer;
  let adminToken: string;
  const password = 'correct horse battery';

  beforeAll(async () => {
    ts = await startTestServer();
    const { store } = ts.server;
    const { passwords } = ts.server.identity;
    await store.accounts.create({
      id: 'admin-1',
      email: 'admin@example.com',
      displayName: 'Admin',
      passwordHash: await passwords.hash(password),
      isAdmin: true,
      createdAt: Date.now(),
      disabledAt: null,
    });
    const login = await api<Json>(ts.url, 'POST', '/api/v1/auth/login', {
      body: { email: 'admin@example.com', password },
    });
    expect(login.status).toBe(200);
    adminToken = login.body['accessToken'] as string;
  });
  afterAll(async () => {
    await ts?.close();
  });

  it('serves an OpenAPI document with every route, generated from the validating schemas', async () => {
    const res = await api<{ paths: Record<string, Record<string, Json>> }>(
      ts.url,
      'GET',
      '/api/openapi.json',
    );
    expect(res.status).toBe(200);
    for (const r of routes) {
      const op = res.body.paths[r.path.replace(/:([A-Za-z]+)/g, '{$1}')]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      if (r.body) expect(op!['requestBody']).toBeDefined();
    }
    const login = res.body.paths['/api/v1/auth/login']!['post']!;
    expect(JSON.stringify(login)).toContain('"format":"email"');
    // A detection snapshot is the raw JPEG, not JSON.
    const snapshot =
      res.body.paths['/api/v1/devices/{deviceId}/events/{eventId}/snapshot']!['put']!;
    expect(snapshot['requestBody']).toStrictEqual({
      required: true,
      content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } },
    });
  });

  it('describes every success response with the contract schema the SDK checks answers against', async () => {
    type Op = { responses: Record<string, { content?: Record<string, { schema?: Json }> }> };
    const res = await api<{ paths: Record<string, Record<string, Op>> }>(
      ts.url,
      'GET',
      '/api/openapi.json',
    );
    for (const r of routes) {
      const op = res.body.paths[r.path.replace(/:([A-Za-z]+)/g, '{$1}')]![r.method.toLowerCase()]!;
      const success = op.responses[String(r.status)];
      expect(success, `${r.method} ${r.path}`).toBeDefined();
      const schema = success!.content?.[r.produces ?? 'application/json']?.schema;
      if (r.status === 204) expect(schema, `${r.method} ${r.path}`).toBeUndefined();
      else expect(schema, `${r.method} ${r.path}`).toBeDefined();
    }
    const me = res.body.paths['/api/v1/me']!['get']!.responses['200']!;
    // The session shape is spelled out: an account never carries its password hash.
    const session = res.body.paths['/api/v1/auth/login']!['post']!.responses['200']!;
    expect(JSON.stringify(session)).toContain('"accessToken"');
    expect(JSON.stringify(session)).not.toContain('passwordHash');
    expect(JSON.stringify(me)).toContain('"grants"');
  });

  it('logs in, refreshes with rotation, and revokes the family on reuse', async () => {
    const login = await api<Json>(ts.url, 'POST', '/api/v1/auth/login', {
      body: { email: 'ADMIN@example.com ', password },
    });
    expect(login.status).toBe(200);
    expect(JSON.stringify(login.body)).not.toContain('passwordHash');
    const r1 = login.body['refreshToken'] as string;
    const rotated = await api<Json>(ts.url, 'POST', '/api/v1/auth/refresh', {
      body: { refreshToken: r1 },
    });
    expect(rotated.status).toBe(200);
    const r2 = rotated.body['refreshToken'] as string;
    expect(r2).not.toBe(r1);
    // Replaying the old token is theft: refused, and the new one dies with it.
    expect(
      (await api(ts.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: r1 } })).status,
    ).toBe(401);
    expect(
      (await api(ts.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: r2 } })).status,
    ).toBe(401);
  });

  it('rate-limits brute-force login with 429 and Retry-After', async () => {
    const email = 'victim@example.com';
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 7; i++) {
      const res = await api(ts.url, 'POST', '/api/v1/auth/login', {
        body: { email, password: `guess-${i}-xxxxxx` },
      });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // The failures are audited.
    const audit = await ts.server.store.audit.query({ action: 'auth.login', limit: 50 });
    expect(audit.filter((e) => e.outcome === 'failure').length).toBeGreaterThanOrEqual(5);
  });

  it('provisioning codes are single use, expire, and cannot be replayed', async () => {
    const siteId = randomUUID();
    await ts.ensureSite(siteId);
    const created = await api<Json>(ts.url, 'POST', `/api/v1/sites/${siteId}/provisioning-codes`, {
      token: adminToken,
      body: { name: 'Porch', ttlSeconds: 60 },
    });
    expect(created.status).toBe(201);
    const code = created.body['code'] as string;
    expect(created.body['url']).toMatch(/\/#provision=/);
    const first = await api<Json>(ts.url, 'POST', '/api/v1/provision', {
      body: { code: code.toLowerCase() },
    });
    expect(first.status).toBe(201);
    const credential = first.body['credential'] as string;
    expect(credential).toMatch(/^pld_/);
    const replay = await api(ts.url, 'POST', '/api/v1/provision', { body: { code } });
    expect(replay.status).toBe(401);
    // The credential yields a device token that connects as that camera.
    const tok = await api<Json>(ts.url, 'POST', '/api/v1/devices/token', { body: { credential } });
    expect(tok.status).toBe(200);
    const cam = await connectRaw(ts.url, tok.body['token']);
    const join = await cam.request<Json>('join', {});
    expect(join.ok && join.data['role']).toBe('camera');
    cam.close();
    // The code is gone from the store (deleted on redemption).
    expect(await ts.server.store.provisioningCodes.list(siteId)).toHaveLength(0);

    // An expired code is refused (issued with a clock in the past through the same service).
    const { Provisioning } = await import('../../src/identity/devices/Provisioning.ts');
    const past = new Provisioning({
      repos: ts.server.store,
      now: () => Date.now() - 3_600_000,
    });
    const old = await past.createCode({
      siteId,
      kind: 'camera',
      name: 'Old',
      createdBy: 'admin-1',
      ttlSeconds: 60,
    });
    expect(
      (await api(ts.url, 'POST', '/api/v1/provision', { body: { code: old.code } })).status,
    ).toBe(401);
  });

  it('a revoked device and a revoked person are disconnected within seconds', async () => {
    const siteId = randomUUID();
    const cam = await ts.mintWithId('camera', { siteId, label: 'Door' });
    const guest = await ts.mintWithId('viewer', { siteId, siteRole: 'member' });
    const camClient = await connectRaw(ts.url, cam.token);
    const guestClient = await connectRaw(ts.url, guest.token);
    expect((await camClient.request('join', {})).ok).toBe(true);
    expect((await guestClient.request('join', {})).ok).toBe(true);

    const camGone = new Promise<number>((r) =>
      camClient.socket.once('disconnect', () => r(Date.now())),
    );
    const t0 = Date.now();
    expect(
      (
        await api(ts.url, 'DELETE', `/api/v1/sites/${siteId}/devices/${cam.id}`, {
          token: adminToken,
        })
      ).status,
    ).toBe(204);
    expect((await camGone) - t0).toBeLessThan(3000);
    // Its credential no longer works for a new connection either.
    await expect(connectRaw(ts.url, cam.token)).rejects.toThrow(/UNAUTHORIZED/);

    const grant = (await ts.server.store.grants.listForAccount(guest.id))[0]!;
    const guestGone = new Promise<number>((r) =>
      guestClient.socket.once('disconnect', () => r(Date.now())),
    );
    const t1 = Date.now();
    expect(
      (
        await api(ts.url, 'DELETE', `/api/v1/sites/${siteId}/grants/${grant.id}`, {
          token: adminToken,
        })
      ).status,
    ).toBe(204);
    expect((await guestGone) - t1).toBeLessThan(3000);
    const audit = await ts.server.store.audit.query({ siteId, limit: 20 });
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(['device.revoke', 'grant.revoke']),
    );
  });

  it('rotating a device credential cuts its live session; only the new credential works', async () => {
    const siteId = randomUUID();
    await ts.ensureSite(siteId);
    const code = await api<Json>(ts.url, 'POST', `/api/v1/sites/${siteId}/provisioning-codes`, {
      token: adminToken,
      body: { name: 'Shed' },
    });
    const redeemed = await api<Json>(ts.url, 'POST', '/api/v1/provision', {
      body: { code: code.body['code'] },
    });
    const oldCredential = redeemed.body['credential'] as string;
    const deviceId = (redeemed.body['device'] as Json)['id'] as string;
    const tok = await api<Json>(ts.url, 'POST', '/api/v1/devices/token', {
      body: { credential: oldCredential },
    });
    const cam = await connectRaw(ts.url, tok.body['token']);
    expect((await cam.request('join', {})).ok).toBe(true);
    const gone = disconnectTime(cam.socket);
    const t0 = Date.now();
    const rotated = await api<Json>(
      ts.url,
      'POST',
      `/api/v1/sites/${siteId}/devices/${deviceId}/rotate`,
      {
        token: adminToken,
        body: {},
      },
    );
    expect(rotated.status).toBe(200);
    expect((await gone) - t0).toBeLessThan(3000);
    expect(
      (await api(ts.url, 'POST', '/api/v1/devices/token', { body: { credential: oldCredential } }))
        .status,
    ).toBe(401);
    await expect(connectRaw(ts.url, tok.body['token'])).rejects.toThrow(/UNAUTHORIZED/);
    const fresh = await api<Json>(ts.url, 'POST', '/api/v1/devices/token', {
      body: { credential: rotated.body['credential'] },
    });
    expect(fresh.status).toBe(200);
  });

  it('a disabled account is disconnected and cannot log in', async () => {
    const created = await api<Json>(ts.url, 'POST', '/api/v1/admin/accounts', {
      token: adminToken,
      body: { email: 'temp@example.com', displayName: 'Temp', password },
    });
    expect(created.status).toBe(201);
    const id = created.body['id'] as string;
    const siteId = randomUUID();
    await ts.ensureSite(siteId);
    await api(ts.url, 'POST', `/api/v1/sites/${siteId}/grants`, {
      token: adminToken,
      body: { email: 'temp@example.com', role: 'member', devices: { all: true } },
    });
    const login = await api<Json>(ts.url, 'POST', '/api/v1/auth/login', {
      body: { email: 'temp@example.com', password },
    });
    const c = await connectRaw(ts.url, login.body['accessToken']);
    expect((await c.request('join', {})).ok).toBe(true);
    const gone = new Promise<void>((r) => c.socket.once('disconnect', () => r()));
    expect(
      (
        await api(ts.url, 'PATCH', `/api/v1/admin/accounts/${id}`, {
          token: adminToken,
          body: { disabled: true },
        })
      ).status,
    ).toBe(200);
    await gone;
    expect(
      (
        await api(ts.url, 'POST', '/api/v1/auth/login', {
          body: { email: 'temp@example.com', password },
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await api(ts.url, 'POST', '/api/v1/auth/refresh', {
          body: { refreshToken: login.body['refreshToken'] },
        })
      ).status,
    ).toBe(401);
  });

  describe('hostile input is harmless', () => {
    const hostile = [
      "'); DROP TABLE accounts;--",
      '<script>alert(1)</script>',
      '${process.exit(1)}',
      '../../../etc/passwd',
      'ﷺ🙂‮gnp.exe',
      'x'.repeat(100_000),
      '\u0000nul',
      '{"__proto__":{"admin":true}}',
    ];

    it('in every string field of every JSON route: 4xx or stored verbatim, never 5xx, and the store stays intact', async () => {
      const siteId = randomUUID();
      await ts.ensureSite(siteId);
      const fields: [string, string, (v: string) => Json][] = [
        ['POST', '/api/v1/auth/login', (v) => ({ email: v, password: v })],
        ['POST', '/api/v1/auth/refresh', (v) => ({ refreshToken: v })],
        ['POST', '/api/v1/provision', (v) => ({ code: v, firmware: v })],
        ['POST', '/api/v1/devices/token', (v) => ({ credential: v })],
        ['PATCH', `/api/v1/sites/${siteId}`, (v) => ({ name: v })],
        ['POST', `/api/v1/sites/${siteId}/provisioning-codes`, (v) => ({ name: v })],
        [
          'POST',
          `/api/v1/sites/${siteId}/grants`,
          (v) => ({ email: v, role: v, password: v, displayName: v }),
        ],
        [
          'POST',
          `/api/v1/sites/${siteId}/invitations`,
          (v) => ({ email: v, displayName: v, role: 'guest', devices: { ids: [v] } }),
        ],
        ['POST', '/api/v1/invitations/preview', (v) => ({ token: v })],
        [
          'POST',
          '/api/v1/invitations/accept',
          (v) => ({ token: v, email: v, displayName: v, password: v }),
        ],
        ['POST', '/api/v1/api-keys', (v) => ({ name: v, scopes: [v], siteId: v })],
        [
          'POST',
          '/api/v1/admin/accounts',
          (v) => ({
            email: `${randomUUID()}@example.com`,
            displayName: v,
            password: 'a-long-password',
          }),
        ],
        ['GET', `/api/v1/sites/${siteId}/audit?action=`, () => ({})],
      ];
      for (const [method, path, make] of fields) {
        for (const v of hostile) {
          const isGet = method === 'GET';
          const res = await api<Json>(
            ts.url,
            method,
            isGet ? path + encodeURIComponent(v.slice(0, 2000)) : path,
            {
              token: adminToken,
              ...(isGet ? {} : { body: make(v) }),
            },
          );
          expect(
            res.status,
            `${method} ${path} with ${JSON.stringify(v.slice(0, 30))}`,
          ).toBeLessThan(500);
          if (res.status < 300 && path.includes('/sites/') && method === 'PATCH')
            expect(res.body['name']).toBe(v.trim());
        }
      }
      // Path parameters too.
      for (const v of hostile) {
        const res = await api(
          ts.url,
          'GET',
          `/api/v1/sites/${encodeURIComponent(v.slice(0, 1000))}`,
          { token: adminToken },
        );
        expect([400, 403, 404, 414]).toContain(res.status);
      }
      // Malformed JSON and wrong content.
      expect(
        (await api(ts.url, 'POST', '/api/v1/auth/login', { rawBody: '{"email":' })).status,
      ).toBe(400);
      expect(
        (await api(ts.url, 'POST', '/api/v1/auth/login', { rawBody: 'x'.repeat(200_000) })).status,
      ).toBe(413);
      // The tables are intact and nobody became an admin.
      const accounts = await ts.server.store.accounts.list();
      expect(accounts.length).toBeGreaterThan(0);
      expect(accounts.filter((a) => a.isAdmin).map((a) => a.id)).toEqual(['admin-1']);
      expect(({} as Json)['admin']).toBeUndefined();
    });
  });
});
