import { describe, expect, it } from 'vitest';
import { PorchlightApi } from './api.ts';
import { ApiError, PorchlightError } from './errors.ts';
import { deviceView } from './test-fixtures.ts';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A fetch that answers from a list and records what it was asked. */
function fakeFetch(...responses: (Response | (() => Response) | Error)[]): {
  fetch: typeof fetch;
  calls: Call[];
} {
  const calls: Call[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: { ...(init?.headers as Record<string, string>) },
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    const next = responses.shift();
    if (!next) throw new Error('unexpected request');
    if (next instanceof Error) throw next;
    return typeof next === 'function' ? next() : next;
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

async function caught(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected a rejection');
}

const DEVICE = deviceView();

describe('PorchlightApi', () => {
  it('maps an error body to ApiError with the code, message and status', async () => {
    const { fetch } = fakeFetch(
      json(403, { error: { code: 'FORBIDDEN', message: 'not allowed: member:manage' } }),
    );
    const api = new PorchlightApi({ url: 'https://h', fetch, getToken: () => 'tok' });
    const error = await caught(api.listGrants('s1'));
    expect(error).toBeInstanceOf(PorchlightError);
    expect(error.code).toBe('FORBIDDEN');
    expect(error.status).toBe(403);
    expect(error.message).toBe('not allowed: member:manage');
  });

  it('reads the wait of a RATE_LIMITED answer from the message or Retry-After', async () => {
    const { fetch } = fakeFetch(
      json(429, {
        error: { code: 'RATE_LIMITED', message: 'too many failed attempts; try again in 120 s' },
      }),
      json(429, { error: { code: 'RATE_LIMITED', message: 'slow down' } }, { 'retry-after': '30' }),
    );
    const api = new PorchlightApi({ url: 'https://h', fetch });
    const first = await caught(api.login('a@b.c', 'pw'));
    expect(first.code).toBe('RATE_LIMITED');
    expect(first.retryAfterSeconds).toBe(120);
    expect((await caught(api.login('a@b.c', 'pw'))).retryAfterSeconds).toBe(30);
  });

  it('falls back to the status when the body is not ours', async () => {
    const { fetch } = fakeFetch(new Response('<html>Bad gateway</html>', { status: 502 }));
    const api = new PorchlightApi({ url: 'https://h', fetch, getToken: () => 'tok' });
    const error = await caught(api.listSites());
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.status).toBe(502);
  });

  it('reports an unreachable server as NETWORK with status 0', async () => {
    const { fetch } = fakeFetch(new TypeError('Failed to fetch'));
    const api = new PorchlightApi({ url: 'https://h', fetch, getToken: () => 'tok' });
    const error = await caught(api.listSites());
    expect(error.code).toBe('NETWORK');
    expect(error.status).toBe(0);
  });

  it('sends the bearer on authenticated routes and none on public ones', async () => {
    const { fetch, calls } = fakeFetch(
      json(200, []),
      json(201, { credential: 'c', device: DEVICE }),
    );
    const api = new PorchlightApi({ url: 'https://h/', fetch, getToken: () => 'tok' });
    await api.listDevices('site 1');
    await api.provision('ABCDE-FGHIJ');
    expect(calls[0]).toMatchObject({
      url: 'https://h/api/v1/sites/site%201/devices',
      method: 'GET',
      headers: { authorization: 'Bearer tok' },
    });
    expect(calls[1]!.url).toBe('https://h/api/v1/provision');
    expect(calls[1]!.headers['authorization']).toBeUndefined();
    expect(calls[1]!.body).toEqual({ code: 'ABCDE-FGHIJ' });
  });

  it('retries a 401 once with a forced fresh token', async () => {
    const { fetch, calls } = fakeFetch(
      json(401, { error: { code: 'UNAUTHORIZED', message: 'token expired' } }),
      json(200, [{ id: 's', name: 'Home', createdAt: 1 }]),
    );
    const asked: boolean[] = [];
    const api = new PorchlightApi({
      url: 'https://h',
      fetch,
      getToken: ({ forceRefresh }) => {
        asked.push(forceRefresh);
        return forceRefresh ? 'new' : 'old';
      },
    });
    expect(await api.listSites()).toEqual([{ id: 's', name: 'Home', createdAt: 1 }]);
    expect(asked).toEqual([false, true]);
    expect(calls.map((c) => c.headers['authorization'])).toEqual(['Bearer old', 'Bearer new']);
  });

  it('does not retry a public route refused with 401', async () => {
    const { fetch, calls } = fakeFetch(
      json(401, { error: { code: 'UNAUTHORIZED', message: 'invalid email or password' } }),
    );
    const error = await caught(new PorchlightApi({ url: 'https://h', fetch }).login('a@b.c', 'x'));
    expect(error.code).toBe('UNAUTHORIZED');
    expect(calls).toHaveLength(1);
  });

  it('encodes audit filters as a query string and skips undefined ones', async () => {
    const { fetch, calls } = fakeFetch(json(200, []));
    const api = new PorchlightApi({ url: 'https://h', fetch, getToken: () => 't' });
    await api.listAudit('s', { action: 'grant.create', since: 5, limit: 10 });
    expect(calls[0]!.url).toBe(
      'https://h/api/v1/sites/s/audit?action=grant.create&since=5&limit=10',
    );
  });

  it('reports a 200 that is not JSON (an HTML fallback page) as INTERNAL', async () => {
    const { fetch } = fakeFetch(new Response('<!doctype html>', { status: 200 }));
    const api = new PorchlightApi({ url: 'https://h', fetch, getToken: () => 't' });
    const error = await caught(api.listSites());
    expect(error.code).toBe('INTERNAL');
    expect(error.status).toBe(200);
  });

  it('resolves 204 answers with undefined', async () => {
    const { fetch, calls } = fakeFetch(new Response(null, { status: 204 }));
    const api = new PorchlightApi({ url: 'https://h', fetch, getToken: () => 't' });
    await expect(api.revokeGrant('s', 'g')).resolves.toBeUndefined();
    expect(calls[0]!.method).toBe('DELETE');
  });

  it('fails authenticated calls without a token source as UNAUTHORIZED', async () => {
    const { fetch, calls } = fakeFetch();
    const error = await caught(new PorchlightApi({ url: 'https://h', fetch }).me());
    expect(error.code).toBe('UNAUTHORIZED');
    expect(calls).toHaveLength(0);
  });
});
