/**
 * The server side of bench/signalingMemory.ts, in its own process (run with --expose-gc) so the
 * parent's client sockets do not pollute its memory. argv[2]:
 *   porchlight   our server via startTestServer (auth middleware, sessions, peers, room)
 *   bare         a bare socket.io server on node https with the same socket.io options and a
 *                self-signed cert, no auth; `join` is acked with {} so clients behave the same
 * Sends { event: 'ready', data: { url } }, then answers (bench/lib/ipc.ts):
 *   mint { count }  -> string[] viewer tokens for one site (bare: opaque strings of JWT size)
 *   mem             -> MemSample after forced GC
 *   close
 */
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { Limits } from '@porchlight/protocol';
import { loadTls } from '../../server/src/http/tls.ts';
import { emitEvent, serveRpc } from './ipc.ts';
import { quietLogs } from './main.ts';

export interface MemSample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** Sockets the server currently holds (engine.io clients). */
  sockets: number;
  /** Porchlight only: live signaling sessions. */
  sessions: number;
}

const mode = process.argv[2];
if (mode !== 'porchlight' && mode !== 'bare')
  throw new Error('usage: signalingServerChild.ts porchlight|bare');
quietLogs();

const gc = (globalThis as { gc?: () => void }).gc;

async function settledMemory(): Promise<Omit<MemSample, 'sockets' | 'sessions'>> {
  if (!gc) throw new Error('run with --expose-gc');
  // Several full GCs with turns of the event loop in between, so weak callbacks and finalizers run.
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 100));
  }
  const m = process.memoryUsage();
  return {
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
  };
}

async function main(): Promise<void> {
  if (mode === 'porchlight') {
    // Imported here so the bare baseline never loads (or depends on) the Porchlight server.
    const { startTestServer } = await import('../../tests/support/testServer.ts');
    const ts = await startTestServer({ media: { numWorkers: 1 } });
    serveRpc(
      {
        mint: async ({ count }: { count: number }) => {
          const out: string[] = [];
          for (let i = 0; i < count; i++) out.push(await ts.mint('viewer'));
          return out;
        },
        mem: async (): Promise<MemSample> => ({
          ...(await settledMemory()),
          sockets: ts.server.signaling.io.engine.clientsCount,
          sessions: ts.server.signaling.sessionCount,
        }),
      },
      () => ts.close(),
    );
    emitEvent('ready', { url: ts.url, pid: process.pid });
    return;
  }

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-bench-bare-'));
  const tls = loadTls({ certFile: '', keyFile: '', dataDir, hosts: ['127.0.0.1', 'localhost'] });
  const httpServer = https.createServer({ cert: tls.cert, key: tls.key });
  // Same engine options as SignalingServer, nothing else.
  const io = new Server(httpServer, {
    maxHttpBufferSize: Limits.maxMessageBytes,
    serveClient: false,
    pingInterval: 10_000,
    pingTimeout: 10_000,
  });
  io.on('connection', (socket) => {
    socket.on('join', (_payload: unknown, ack: unknown) => {
      if (typeof ack === 'function') (ack as (r: unknown) => void)({ ok: true, data: {} });
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const port = (httpServer.address() as AddressInfo).port;
  serveRpc(
    {
      // Opaque strings the size of our JWTs: same handshake bytes, nothing verifies them.
      mint: ({ count }: { count: number }) =>
        Array.from({ length: count }, () => randomBytes(240).toString('base64url')),
      mem: async (): Promise<MemSample> => ({
        ...(await settledMemory()),
        sockets: io.engine.clientsCount,
        sessions: 0,
      }),
    },
    async () => {
      io.disconnectSockets(true);
      await io.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  );
  emitEvent('ready', { url: `https://127.0.0.1:${port}`, pid: process.pid });
}

main().catch((error: unknown) => {
  console.error('[signaling child] failed:', error);
  process.exit(1);
});
