import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogLevel, setLogSink } from '@porchlight/runtime';
import { api } from '../../../tests/support/http.ts';
import { connectRaw } from '../../../tests/support/rawClient.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';

describe('request logging: one JSON line per request, with ids, without secrets', () => {
  let ts: TestServer;
  const lines: string[] = [];

  beforeAll(async () => {
    ts = await startTestServer();
    await ts.createPerson({ email: 'logs@example.com', password: 'log-password-secret-1' });
    const keep = (line: string): void => void lines.push(line);
    setLogSink({ out: { write: keep }, err: { write: keep } });
    setLogLevel('info');
  });
  afterAll(async () => {
    setLogSink(undefined);
    setLogLevel('warn');
    await ts?.close();
  });

  const entries = (): Record<string, unknown>[] =>
    lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const requestLines = (): Record<string, unknown>[] =>
    entries().filter((e) => e['msg'] === 'request');

  it('logs method, route pattern, status and ms, and never a token, cookie, password or query secret', async () => {
    const secrets: string[] = ['log-password-secret-1'];
    const login = await api<{ accessToken: string; refreshToken: string }>(
      ts.url,
      'POST',
      '/api/v1/auth/login',
      { body: { email: 'logs@example.com', password: 'log-password-secret-1' } },
    );
    expect(login.status).toBe(200);
    secrets.push(login.body.accessToken, login.body.refreshToken);
    expect((await api(ts.url, 'GET', '/api/v1/me', { token: login.body.accessToken })).status).toBe(
      200,
    );
    // A signed media URL carries its token in the path; a query string may carry one too.
    const mediaToken = `${randomBytes(24).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
    const querySecret = randomBytes(16).toString('hex');
    const cookieSecret = randomBytes(16).toString('hex');
    secrets.push(mediaToken, querySecret, cookieSecret);
    const media = await fetch(`${ts.url}/media/${mediaToken}/live.m3u8?token=${querySecret}`, {
      headers: { cookie: `session=${cookieSecret}`, authorization: `Bearer ${mediaToken}` },
    });
    expect(media.status).toBe(401);
    expect((await fetch(`${ts.url}/api/v1/nowhere/${querySecret}`)).status).toBe(404);
    // A socket: its handshake token never reaches the log, its id does.
    const cameraToken = await ts.mint('camera');
    secrets.push(cameraToken);
    const socket = await connectRaw(ts.url, cameraToken);
    await socket.request('join', {});
    socket.close();

    await expect.poll(() => requestLines().length).toBeGreaterThanOrEqual(4);
    for (const line of lines) for (const secret of secrets) expect(line).not.toContain(secret);
    const byRoute = new Map(requestLines().map((e) => [e['route'], e]));
    expect(byRoute.get('/api/v1/auth/login')).toMatchObject({
      level: 'info',
      method: 'POST',
      status: 200,
      reqId: expect.any(String),
      ms: expect.any(Number),
    });
    expect(byRoute.get('/media/:token/live.m3u8')).toMatchObject({ method: 'GET', status: 401 });
    expect(byRoute.get('unmatched')).toMatchObject({ status: 404 });
    for (const e of requestLines()) {
      expect(Object.keys(e).sort()).toEqual(
        ['level', 'time', 'name', 'msg', 'reqId', 'method', 'route', 'status', 'ms'].sort(),
      );
    }
    await expect
      .poll(() => entries().filter((e) => e['msg'] === 'socket disconnected').length)
      .toBe(1);
    const connected = entries().find((e) => e['msg'] === 'socket connected')!;
    const disconnected = entries().find((e) => e['msg'] === 'socket disconnected')!;
    expect(connected['socketId']).toEqual(expect.any(String));
    expect(disconnected['socketId']).toBe(connected['socketId']);
  });

  it('keeps a sane X-Request-Id, replaces one that is not, and answers with it', async () => {
    lines.length = 0;
    const sane = `req-${randomBytes(8).toString('hex')}`;
    const kept = await fetch(`${ts.url}/healthz`, { headers: { 'x-request-id': sane } });
    expect(kept.headers.get('x-request-id')).toBe(sane);
    const hostile = 'x\u00e9 "injected": true, "level": "error"';
    const replaced = await fetch(`${ts.url}/healthz`, {
      headers: { 'x-request-id': encodeURIComponent(hostile) },
    });
    const fresh = replaced.headers.get('x-request-id')!;
    expect(fresh).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    await expect.poll(() => requestLines().length).toBe(2);
    expect(requestLines().map((e) => e['reqId'])).toEqual([sane, fresh]);
    const own = await fetch(`${ts.url}/healthz`);
    expect(own.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
