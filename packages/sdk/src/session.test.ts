import { beforeEach, describe, expect, it } from 'vitest';
import { PorchlightApi } from './api.ts';
import type { Session } from '@porchlight/protocol';
import { DeviceTokens } from './device-tokens.ts';
import { SessionManager, type KeyValueStorage } from './session.ts';
import { deviceView } from './test-fixtures.ts';

const MINUTE = 60_000;
const START = 1_700_000_000_000;

/** A fake clock the SessionManager reads through `now`. */
let clock = START;
const now = () => clock;

class MemoryStorage implements KeyValueStorage {
  readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

const account = {
  id: 'acc-1',
  email: 'owner@example.test',
  displayName: 'Owner',
  isAdmin: false,
  createdAt: 1,
  disabledAt: null,
};

/**
 * A fake auth server behind fetch: login and refresh issue 10-minute access tokens (n-th token
 * `access-n`) and single-use refresh tokens, refusing a refresh token that was already used.
 */
function fakeAuthServer() {
  let issued = 0;
  const valid = new Set<string>();
  const requests: { path: string; body: Record<string, string> }[] = [];
  const issue = (): Session => {
    issued++;
    const refreshToken = `refresh-${issued}`;
    valid.add(refreshToken);
    return {
      accessToken: `access-${issued}`,
      accessTokenExpiresAt: clock + 10 * MINUTE,
      refreshToken,
      refreshTokenExpiresAt: clock + 30 * 24 * 60 * MINUTE,
      account,
    };
  };
  const reply = (status: number, body: unknown) =>
    new Response(body === undefined ? null : JSON.stringify(body), { status });
  const unauthorized = (message: string) =>
    reply(401, { error: { code: 'UNAUTHORIZED', message } });
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const path = new URL(String(input)).pathname.replace('/api/v1', '');
    const body = JSON.parse(String(init?.body ?? '{}')) as Record<string, string>;
    requests.push({ path, body });
    switch (path) {
      case '/auth/login':
        return body['password'] === 'correct horse'
          ? reply(200, issue())
          : unauthorized('invalid email or password');
      case '/auth/refresh':
        if (!valid.delete(body['refreshToken']!)) return unauthorized('token invalid');
        return reply(200, issue());
      case '/auth/logout':
        valid.delete(body['refreshToken']!);
        return reply(204, undefined);
      default:
        return reply(404, { error: { code: 'NOT_FOUND', message: path } });
    }
  }) as typeof globalThis.fetch;
  const refreshes = () => requests.filter((r) => r.path === '/auth/refresh');
  return { fetch, requests, refreshes, revokeAll: () => valid.clear() };
}

describe('SessionManager', () => {
  let server: ReturnType<typeof fakeAuthServer>;
  let storage: MemoryStorage;
  const manager = () =>
    new SessionManager({
      api: new PorchlightApi({ url: 'https://h', fetch: server.fetch }),
      storage,
      now,
    });

  beforeEach(() => {
    clock = START;
    server = fakeAuthServer();
    storage = new MemoryStorage();
  });

  it('keeps the refresh token in storage and the access token only in memory', async () => {
    const session = manager();
    expect(await session.login('owner@example.test', 'correct horse')).toEqual(account);
    const stored = storage.getItem('porchlight.session')!;
    expect(JSON.parse(stored)).toMatchObject({ refreshToken: 'refresh-1', account });
    expect(stored).not.toContain('access-1');
    expect(await session.getToken()).toBe('access-1');
  });

  it('hands out the same access token until it is within a minute of expiring, then refreshes', async () => {
    const session = manager();
    await session.login('owner@example.test', 'correct horse');
    clock += 8 * MINUTE + 59_000; // 61 s left
    expect(await session.getToken()).toBe('access-1');
    expect(server.refreshes()).toHaveLength(0);
    clock += 2_000; // 59 s left
    expect(await session.getToken()).toBe('access-2');
    expect(server.refreshes()).toEqual([
      { path: '/auth/refresh', body: { refreshToken: 'refresh-1' } },
    ]);
    expect(JSON.parse(storage.getItem('porchlight.session')!).refreshToken).toBe('refresh-2');
    // The new token is good for another ten minutes.
    clock += 5 * MINUTE;
    expect(await session.getToken()).toBe('access-2');
    expect(server.refreshes()).toHaveLength(1);
  });

  it('shares one refresh between concurrent callers (refresh tokens are single use)', async () => {
    const session = manager();
    await session.login('owner@example.test', 'correct horse');
    clock += 10 * MINUTE;
    const tokens = await Promise.all([session.getToken(), session.getToken(), session.getToken()]);
    expect(tokens).toEqual(['access-2', 'access-2', 'access-2']);
    expect(server.refreshes()).toHaveLength(1);
  });

  it('refreshes on demand when the server refused the token (forceRefresh)', async () => {
    const session = manager();
    await session.login('owner@example.test', 'correct horse');
    expect(await session.getToken({ forceRefresh: true })).toBe('access-2');
  });

  it('survives a reload: a new manager refreshes from the stored token', async () => {
    await manager().login('owner@example.test', 'correct horse');
    const reloaded = manager();
    expect(reloaded.loggedIn).toBe(true);
    expect(reloaded.account).toEqual(account);
    expect(await reloaded.getToken()).toBe('access-2');
  });

  it('rotates the token another tab stored, not the one it last saw', async () => {
    const tabA = manager();
    await tabA.login('owner@example.test', 'correct horse');
    const tabB = manager();
    expect(await tabB.getToken()).toBe('access-2'); // rotates refresh-1 -> refresh-2
    clock += 10 * MINUTE;
    expect(await tabA.getToken()).toBe('access-3');
    expect(server.refreshes().map((r) => r.body['refreshToken'])).toEqual([
      'refresh-1',
      'refresh-2',
    ]);
  });

  it('ends the session when the refresh token is refused', async () => {
    const session = manager();
    const ended: string[] = [];
    session.on('ended', (reason) => ended.push(reason));
    await session.login('owner@example.test', 'correct horse');
    server.revokeAll();
    clock += 10 * MINUTE;
    await expect(session.getToken()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(ended).toEqual(['expired']);
    expect(session.loggedIn).toBe(false);
    expect(storage.getItem('porchlight.session')).toBeNull();
    await expect(session.getToken()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('ignores a stored refresh token that has expired', async () => {
    await manager().login('owner@example.test', 'correct horse');
    clock += 31 * 24 * 60 * MINUTE;
    expect(manager().loggedIn).toBe(false);
  });

  it('logs out: revokes the refresh token on the server and forgets it here', async () => {
    const session = manager();
    await session.login('owner@example.test', 'correct horse');
    await session.logout();
    expect(server.requests.at(-1)).toEqual({
      path: '/auth/logout',
      body: { refreshToken: 'refresh-1' },
    });
    expect(storage.getItem('porchlight.session')).toBeNull();
    await expect(session.getToken()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it("renews on the server's clock, not a wrong local one (old phones)", async () => {
    // `clock` is the server's time here; this device's clock is 15 minutes behind it.
    const skewed = (async (input: string | URL | Request, init?: RequestInit) => {
      const response = await server.fetch(input, init);
      const headers = new Headers(response.headers);
      headers.set('date', new Date(clock).toUTCString());
      return new Response(response.body, { status: response.status, headers });
    }) as typeof globalThis.fetch;
    const session = new SessionManager({
      api: new PorchlightApi({ url: 'https://h', fetch: skewed, now: () => clock - 15 * MINUTE }),
      storage,
      now: () => clock - 15 * MINUTE,
    });
    await session.login('owner@example.test', 'correct horse');
    // Without correcting, the token would look good for 25 minutes instead of 10.
    expect(await session.getToken()).toBe('access-1');
    clock += 8 * MINUTE;
    expect(await session.getToken()).toBe('access-1');
    clock += 2 * MINUTE;
    expect(await session.getToken()).toBe('access-2');
  });

  it('rejects wrong credentials without storing anything', async () => {
    await expect(manager().login('owner@example.test', 'nope')).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      status: 401,
    });
    expect(storage.map.size).toBe(0);
  });
});

describe('DeviceTokens', () => {
  beforeEach(() => {
    clock = START;
  });

  function deviceServer(status = 200) {
    let issued = 0;
    const fetch = (async () => {
      if (status !== 200)
        return new Response(
          JSON.stringify({ error: { code: 'UNAUTHORIZED', message: 'device credential invalid' } }),
          { status },
        );
      issued++;
      return new Response(
        JSON.stringify({
          token: `device-${issued}`,
          expiresIn: 600,
          device: deviceView({ online: true }),
        }),
        { status: 200 },
      );
    }) as typeof globalThis.fetch;
    return { fetch, issued: () => issued };
  }

  it('fetches a new device token only within a minute of expiry', async () => {
    const server = deviceServer();
    const tokens = new DeviceTokens({
      api: new PorchlightApi({ url: 'https://h', fetch: server.fetch }),
      credential: 'pld_d_secret',
      now,
    });
    expect(await tokens.getToken()).toBe('device-1');
    expect(tokens.device?.name).toBe('Porch');
    clock += 8 * MINUTE;
    expect(await tokens.getToken()).toBe('device-1');
    clock += MINUTE + 1;
    expect(await tokens.getToken()).toBe('device-2');
    expect(server.issued()).toBe(2);
  });

  it('reports a refused credential', async () => {
    const tokens = new DeviceTokens({
      api: new PorchlightApi({ url: 'https://h', fetch: deviceServer(401).fetch }),
      credential: 'pld_d_secret',
      now,
    });
    const refused: string[] = [];
    tokens.on('refused', (e) => refused.push(e.code));
    await expect(tokens.getToken()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(refused).toEqual(['UNAUTHORIZED']);
  });
});

describe('SessionManager in cookie mode (browsers)', () => {
  /**
   * A fake server plus the browser's cookie jar: in cookie mode the refresh token only ever
   * travels in the (HttpOnly) cookie, which this fake keeps out of the page's reach.
   */
  function cookieServer() {
    let issued = 0;
    let jar: string | undefined;
    const seen: { path: string; header: string | null; credentials: string | undefined }[] = [];
    const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const path = new URL(String(input)).pathname.replace('/api/v1', '');
      const header = new Headers(init?.headers).get('porchlight-session');
      seen.push({ path, header, credentials: init?.credentials });
      const body = JSON.parse(String(init?.body ?? '{}')) as Record<string, string>;
      const session = () => {
        issued++;
        jar = `refresh-${issued}`;
        return new Response(
          JSON.stringify({
            accessToken: `access-${issued}`,
            accessTokenExpiresAt: clock + 10 * MINUTE,
            refreshTokenExpiresAt: clock + 30 * 24 * 60 * MINUTE,
            account,
          }),
          { status: 200 },
        );
      };
      if (header !== 'cookie') return new Response(null, { status: 400 });
      if (path === '/auth/login') return session();
      if (path === '/auth/refresh') {
        if (body['refreshToken'] === undefined && jar === undefined)
          return new Response(
            JSON.stringify({ error: { code: 'UNAUTHORIZED', message: 'refresh token missing' } }),
            { status: 401 },
          );
        return session();
      }
      jar = undefined;
      return new Response(null, { status: 204 });
    }) as typeof globalThis.fetch;
    return { fetch, seen, jar: () => jar };
  }

  it('keeps no refresh token in storage, refreshes with the cookie after a reload, and logs out through it', async () => {
    clock = START;
    const server = cookieServer();
    const storage = new MemoryStorage();
    const make = () =>
      new SessionManager({
        api: new PorchlightApi({ url: 'https://h', fetch: server.fetch }),
        storage,
        now,
        cookie: true,
      });
    const first = make();
    await first.login('owner@example.test', 'correct horse');
    const stored = storage.getItem('porchlight.session')!;
    expect(stored).not.toContain('refresh-');
    expect(JSON.parse(stored)).toMatchObject({ account });
    expect(server.seen[0]).toMatchObject({ header: 'cookie', credentials: 'same-origin' });

    // A reload: a new manager finds the account marker and refreshes with the cookie.
    const reloaded = make();
    expect(reloaded.loggedIn).toBe(true);
    expect(await reloaded.getToken()).toBe('access-2');
    expect(storage.getItem('porchlight.session')).not.toContain('refresh-');
    await reloaded.logout();
    expect(server.jar()).toBeUndefined();
    expect(server.seen.at(-1)).toMatchObject({ path: '/auth/logout', header: 'cookie' });
  });
});
