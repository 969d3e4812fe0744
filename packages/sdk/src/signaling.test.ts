import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import { PorchlightClient } from './client.ts';
import type { ReconnectPolicy } from './defaults.ts';
import { PorchlightError } from './errors.ts';
import { Signaling } from './signaling.ts';
import type { TokenRequest, TokenSource } from './token.ts';

/**
 * A real socket.io server on loopback whose handshake middleware decides per token, standing in
 * for the Porchlight server's: it records every token it was shown.
 */
interface FakeServer {
  url: string;
  tokens: string[];
  sockets: ServerSocket[];
  joins: unknown[];
  close(): Promise<void>;
}

type Verdict = 'accept' | 'UNAUTHORIZED' | 'UNAVAILABLE';

async function startServer(decide: (token: string) => Verdict): Promise<FakeServer> {
  const http: HttpServer = createServer();
  const io = new Server(http);
  const tokens: string[] = [];
  const sockets: ServerSocket[] = [];
  const joins: unknown[] = [];
  io.use((socket, next) => {
    const token = String((socket.handshake.auth as { token?: unknown }).token);
    tokens.push(token);
    const verdict = decide(token);
    if (verdict === 'accept') return next();
    // Same shape as the Porchlight server's refusal.
    next(Object.assign(new Error(`${verdict}: no`), { data: { code: verdict, message: 'no' } }));
  });
  io.on('connection', (socket) => {
    sockets.push(socket);
    socket.on('join', (payload: unknown, ack: (a: unknown) => void) => {
      joins.push(payload);
      ack({ ok: false, error: { code: 'FORBIDDEN', message: 'test ends here' } });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tokens,
    sockets,
    joins,
    close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
  };
}

const fast: ReconnectPolicy = {
  initialDelayMs: 10,
  maxDelayMs: 20,
  multiplier: 1,
  jitter: 0,
  maxAttempts: 20,
};

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(
  decide: (token: string) => Verdict,
  token: TokenSource,
): Promise<{ server: FakeServer; signaling: Signaling }> {
  const server = await startServer(decide);
  cleanups.push(() => server.close());
  const signaling = new Signaling({
    url: server.url,
    token,
    requestTimeoutMs: 2_000,
    reconnect: fast,
  });
  cleanups.push(() => signaling.close());
  return { server, signaling };
}

function next<T extends unknown[]>(on: (listener: (...args: T) => void) => () => void): Promise<T> {
  return new Promise((resolve) => {
    const off = on((...args) => {
      off();
      resolve(args);
    });
  });
}

/** A provider handing out t1, t2, … and recording what it was asked. */
function countingProvider(): {
  provide: (r: TokenRequest) => Promise<string>;
  asked: TokenRequest[];
} {
  const asked: TokenRequest[] = [];
  return {
    asked,
    provide: async (request) => {
      asked.push(request);
      return `t${asked.length}`;
    },
  };
}

describe('Signaling token provider', () => {
  it('asks the provider at every connection attempt and connects with what it returned', async () => {
    const provider = countingProvider();
    // The first two attempts fail the way a restarting server does (not an auth problem).
    const { server, signaling } = await setup(
      (token) => (token === 't3' ? 'accept' : 'UNAVAILABLE'),
      provider.provide,
    );
    const up = next<[]>((l) => signaling.on('up', l));
    signaling.start();
    await up;
    expect(server.tokens).toEqual(['t1', 't2', 't3']);
    expect(provider.asked).toEqual([
      { forceRefresh: false },
      { forceRefresh: false },
      { forceRefresh: false },
    ]);
  });

  it('asks again when reconnecting after the connection dropped', async () => {
    const provider = countingProvider();
    const { server, signaling } = await setup(() => 'accept', provider.provide);
    signaling.start();
    await next<[]>((l) => signaling.on('up', l));
    const upAgain = next<[]>((l) => signaling.on('up', l));
    server.sockets[0]!.disconnect(true);
    await upAgain;
    expect(server.tokens).toEqual(['t1', 't2']);
  });

  it('retries UNAUTHORIZED once with a forced refresh, and connects with the fresh token', async () => {
    const asked: TokenRequest[] = [];
    const { server, signaling } = await setup(
      (token) => (token === 'fresh' ? 'accept' : 'UNAUTHORIZED'),
      (request) => {
        asked.push(request);
        return request.forceRefresh ? 'fresh' : 'stale';
      },
    );
    const up = next<[]>((l) => signaling.on('up', l));
    signaling.start();
    await up;
    expect(server.tokens).toEqual(['stale', 'fresh']);
    expect(asked).toEqual([{ forceRefresh: false }, { forceRefresh: true }]);
  });

  it('gives up when the fresh token is refused too', async () => {
    const provider = countingProvider();
    const { server, signaling } = await setup(() => 'UNAUTHORIZED', provider.provide);
    const fatal = next<[PorchlightError]>((l) => signaling.on('fatal', l));
    signaling.start();
    const [error] = await fatal;
    expect(error.code).toBe('UNAUTHORIZED');
    expect(server.tokens).toEqual(['t1', 't2']);
  });

  it('does not retry a refused fixed token', async () => {
    const { server, signaling } = await setup(() => 'UNAUTHORIZED', 'fixed');
    const fatal = next<[PorchlightError]>((l) => signaling.on('fatal', l));
    signaling.start();
    const [error] = await fatal;
    expect(error.code).toBe('UNAUTHORIZED');
    expect(server.tokens).toEqual(['fixed']);
  });

  it('stops without connecting when the provider says no token will come', async () => {
    const { server, signaling } = await setup(
      () => 'accept',
      () => {
        throw new PorchlightError('UNAUTHORIZED', 'logged out');
      },
    );
    const fatal = next<[PorchlightError]>((l) => signaling.on('fatal', l));
    signaling.start();
    const [error] = await fatal;
    expect(error.message).toBe('logged out');
    expect(server.tokens).toEqual([]);
  });

  it('retries with backoff when the provider fails otherwise (offline)', async () => {
    let calls = 0;
    const { server, signaling } = await setup(
      () => 'accept',
      async () => {
        calls++;
        if (calls < 3) throw new TypeError('Failed to fetch');
        return 'late';
      },
    );
    const retries: number[] = [];
    signaling.on('retrying', (attempt) => retries.push(attempt));
    const up = next<[]>((l) => signaling.on('up', l));
    signaling.start();
    await up;
    expect(retries).toEqual([1, 2]);
    expect(server.tokens).toEqual(['late']);
  });
});

describe('Signaling reconnect notice (a draining node)', () => {
  it('keeps the socket through afterMs, then drops it and dials again, without counting a failed attempt', async () => {
    const provider = countingProvider();
    const { server, signaling } = await setup(() => 'accept', provider.provide);
    const retrying: number[] = [];
    signaling.on('retrying', (attempt) => retrying.push(attempt));
    signaling.start();
    await next<[]>((l) => signaling.on('up', l));
    const down = next<[string]>((l) => signaling.on('down', l));
    const upAgain = next<[]>((l) => signaling.on('up', l));
    const t0 = Date.now();
    server.sockets[0]!.emit('reconnect', { reason: 'SIGTERM', afterMs: 300 });
    expect((await down)[0]).toBe('io client disconnect');
    // Connected (media flowing) until the wait is over.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    await upAgain;
    expect(server.sockets).toHaveLength(2);
    expect(retrying).toEqual([]);
  });

  it('dials once after afterMs when the server drops the socket during the wait', async () => {
    const provider = countingProvider();
    const { server, signaling } = await setup(() => 'accept', provider.provide);
    const retrying: number[] = [];
    signaling.on('retrying', (attempt) => retrying.push(attempt));
    signaling.start();
    await next<[]>((l) => signaling.on('up', l));
    const down = next<[string]>((l) => signaling.on('down', l));
    const upAgain = next<[]>((l) => signaling.on('up', l));
    const t0 = Date.now();
    server.sockets[0]!.emit('reconnect', { reason: 'SIGTERM', afterMs: 300 });
    server.sockets[0]!.disconnect(true);
    expect((await down)[0]).toBe('io server disconnect');
    await upAgain;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    expect(server.sockets).toHaveLength(2);
    expect(retrying).toEqual([]);
  });
});

describe('PorchlightClient siteId', () => {
  it('is sent in join', async () => {
    const server = await startServer(() => 'accept');
    cleanups.push(() => server.close());
    const client = new PorchlightClient({
      url: server.url,
      token: () => 'tok',
      siteId: 'site-2',
      reconnect: fast,
    });
    cleanups.push(() => client.close());
    // The fake server refuses the join with FORBIDDEN, which is fatal: connect() rejects.
    await expect(client.connect()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(server.joins).toEqual([{ siteId: 'site-2' }]);
    expect(server.tokens).toEqual(['tok']);
  });
});
