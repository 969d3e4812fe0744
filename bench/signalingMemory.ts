/**
 * Server memory per idle, authenticated, joined signaling socket, at 1,000 and 5,000 connections.
 * The server runs in a child process (bench/lib/signalingServerChild.ts, --expose-gc) so this
 * process's 5,000 clients do not pollute its numbers; memory is read after forced GCs. Two
 * servers, same client load, same run: a bare socket.io server (baseline, TLS too) and ours.
 * Results: bench/results/latest.{json,md} under "signalingMemory".
 *
 *   node --import tsx bench/signalingMemory.ts [--levels=1000,5000] [--budget=240]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { TEST_SOCKET_OPTIONS } from '../tests/support/rawClient.ts';
import { arg, numberArg, numberList } from './lib/args.ts';
import { ChildRpc } from './lib/ipc.ts';
import { runMain } from './lib/main.ts';
import { mdTable, recordResult } from './lib/results.ts';
import { machineInfo, processCpuMs, secondsSince, sleep } from './lib/resources.ts';
import type { MemSample } from './lib/signalingServerChild.ts';
import { fmt, ratio } from './lib/stats.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(here, 'lib/signalingServerChild.ts');

const LEVELS = numberList(arg('levels') ?? '1000,5000').sort((a, b) => a - b);
const BUDGET_S = numberArg('budget', 240);
/** Connections in flight at once (each is a TLS + websocket handshake, then a join). */
const CONCURRENCY = 100;
/** Connected and closed before the baseline, so lazily loaded code and caches are not per-socket. */
const WARMUP = 50;
const KINDS = ['bare', 'porchlight'] as const;
type Kind = (typeof KINDS)[number];

interface LevelResult {
  target: number;
  connected: number;
  failed: number;
  connectSeconds: number;
  /** Server CPU per new connection (TLS + websocket + auth + join), ms. */
  serverCpuMsPerConnection: number;
  mem: MemSample;
  /** (level − baseline) / connected, KB per socket. */
  rssKBPerSocket: number;
  heapKBPerSocket: number;
  externalKBPerSocket: number;
  /** Versus the previous level: (this − previous) / (connected − previous connected), KB. */
  marginalRssKB: number;
  marginalHeapKB: number;
}

interface KindResult {
  kind: Kind;
  baseline: MemSample;
  levels: LevelResult[];
  error?: string;
}

/** One client: connect over websocket, then `join`; resolves with the socket once joined. */
function connectAndJoin(url: string, token: string, timeoutMs = 30_000): Promise<Socket> {
  const socket = io(url, { auth: { token }, ...TEST_SOCKET_OPTIONS, timeout: timeoutMs });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('connect+join timed out'));
    }, timeoutMs);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      socket.close();
      reject(e);
    };
    socket.once('connect_error', fail);
    socket.once('connect', () => {
      socket.emit('join', {}, (ack: { ok: boolean; error?: { message: string } }) => {
        if (!ack.ok) return fail(new Error(`join refused: ${ack.error?.message ?? '?'}`));
        clearTimeout(timer);
        resolve(socket);
      });
    });
  });
}

/** Opens `tokens.length` clients, CONCURRENCY at a time; failures are counted, not thrown. */
async function connectMany(
  url: string,
  tokens: string[],
  deadline: number,
): Promise<{ sockets: Socket[]; failed: number; errors: string[] }> {
  const sockets: Socket[] = [];
  const errors: string[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < tokens.length && performance.now() < deadline) {
      const token = tokens[next++] as string;
      try {
        sockets.push(await connectAndJoin(url, token));
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return { sockets, failed: errors.length, errors: [...new Set(errors)].slice(0, 5) };
}

async function closeAll(sockets: Socket[]): Promise<void> {
  for (const s of sockets) s.close();
  sockets.length = 0;
  await sleep(500);
}

const KB = 1024;

async function runKind(kind: Kind, deadline: number): Promise<KindResult> {
  const child = ChildRpc.fork(CHILD, [kind], ['--expose-gc'], { PORCHLIGHT_LOG_LEVEL: 'warn' });
  const clients: Socket[] = [];
  try {
    const { url } = await child.waitEvent<{ url: string }>('ready', 60_000);
    const max = LEVELS[LEVELS.length - 1] ?? 0;
    const tokens = await child.request<string[]>('mint', { count: max + WARMUP }, 120_000);
    console.log(
      `[signalingMemory] ${kind}: server pid ${child.pid} at ${url}; ${tokens.length} tokens`,
    );

    const warm = await connectMany(url, tokens.slice(0, WARMUP), deadline);
    if (warm.sockets.length === 0)
      throw new Error(`warm-up: no client could join (${warm.errors.join('; ')})`);
    await closeAll(warm.sockets);
    // Wait for the server to drop the warm-up sockets (disconnects are asynchronous).
    let baseline = await child.request<MemSample>('mem');
    for (let i = 0; i < 20 && baseline.sockets > 0; i++) {
      await sleep(250);
      baseline = await child.request<MemSample>('mem');
    }
    console.log(
      `[signalingMemory] ${kind}: baseline rss ${fmt(baseline.rss / 2 ** 20)} MB, heap ${fmt(baseline.heapUsed / 2 ** 20)} MB`,
    );

    const levels: LevelResult[] = [];
    let used = WARMUP;
    for (const target of LEVELS) {
      if (performance.now() > deadline) {
        console.log(`[signalingMemory] ${kind}: time budget reached, skipping ${target}`);
        break;
      }
      const t0 = performance.now();
      const cpu0 = processCpuMs(child.pid);
      const want = target - clients.length;
      const r = await connectMany(url, tokens.slice(used, used + want), deadline);
      used += want;
      clients.push(...r.sockets);
      const connectSeconds = secondsSince(t0);
      const serverCpuMs = processCpuMs(child.pid) - cpu0;
      await sleep(1000); // let handshakes' garbage and timers settle
      const mem = await child.request<MemSample>('mem', null, 60_000);
      const prev = levels[levels.length - 1];
      const n = clients.length;
      const dn = n - (prev ? prev.connected : 0);
      const prevMem = prev ? prev.mem : baseline;
      const result: LevelResult = {
        target,
        connected: n,
        failed: r.failed,
        connectSeconds,
        serverCpuMsPerConnection: r.sockets.length ? serverCpuMs / r.sockets.length : Number.NaN,
        mem,
        rssKBPerSocket: (mem.rss - baseline.rss) / n / KB,
        heapKBPerSocket: (mem.heapUsed - baseline.heapUsed) / n / KB,
        externalKBPerSocket: (mem.external - baseline.external) / n / KB,
        marginalRssKB: dn > 0 ? (mem.rss - prevMem.rss) / dn / KB : Number.NaN,
        marginalHeapKB: dn > 0 ? (mem.heapUsed - prevMem.heapUsed) / dn / KB : Number.NaN,
      };
      levels.push(result);
      console.log(
        `[signalingMemory] ${kind}: ${n}/${target} sockets (server sees ${mem.sockets}${kind === 'porchlight' ? `, ${mem.sessions} sessions` : ''}` +
          `${r.failed ? `, ${r.failed} failed: ${r.errors.join('; ')}` : ''}) in ${connectSeconds.toFixed(1)} s ` +
          `(${fmt(result.serverCpuMsPerConnection, 2)} ms server CPU each): rss ${fmt(mem.rss / 2 ** 20)} MB, ` +
          `heap ${fmt(mem.heapUsed / 2 ** 20)} MB → ${fmt(result.rssKBPerSocket)} KB rss, ${fmt(result.heapKBPerSocket)} KB heap per socket`,
      );
    }
    return { kind, baseline, levels };
  } finally {
    await closeAll(clients);
    await child.close(10_000);
  }
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const machine = machineInfo();
  const deadline = t0 + BUDGET_S * 1000;
  console.log(
    `[signalingMemory] ${machine.cpuModel} x${machine.nproc}, node ${machine.nodeVersion}; levels ${LEVELS.join(', ')}, ` +
      `budget ${BUDGET_S}s`,
  );
  const results: Partial<Record<Kind, KindResult>> = {};
  for (const kind of KINDS) {
    try {
      results[kind] = await runKind(kind, deadline);
    } catch (error) {
      console.error(`[signalingMemory] ${kind} failed:`, error);
      results[kind] = {
        kind,
        baseline: {
          rss: NaN,
          heapUsed: NaN,
          heapTotal: NaN,
          external: NaN,
          arrayBuffers: NaN,
          sockets: 0,
          sessions: 0,
        },
        levels: [],
        error: (error as Error).message,
      };
    }
  }
  const durationSeconds = secondsSince(t0);
  const bare = results.bare;
  const ours = results.porchlight;

  const ratios = LEVELS.map((target) => {
    const b = bare?.levels.find((l) => l.target === target);
    const p = ours?.levels.find((l) => l.target === target);
    return {
      target,
      rss: b && p ? ratio(p.rssKBPerSocket, b.rssKBPerSocket) : Number.NaN,
      heap: b && p ? ratio(p.heapKBPerSocket, b.heapKBPerSocket) : Number.NaN,
    };
  });
  const rows: (string | number)[][] = [];
  for (const r of [bare, ours]) {
    if (!r) continue;
    for (const l of r.levels) {
      rows.push([
        r.kind,
        `${l.connected}${l.failed ? ` (${l.failed} failed)` : ''}`,
        fmt(l.mem.rss / 2 ** 20),
        fmt(l.mem.heapUsed / 2 ** 20),
        fmt(l.rssKBPerSocket),
        fmt(l.heapKBPerSocket),
        fmt(l.externalKBPerSocket),
        fmt(l.marginalRssKB),
        fmt(l.serverCpuMsPerConnection, 2),
      ]);
    }
  }
  const base = (r: KindResult | undefined): string =>
    r
      ? `${r.kind} ${fmt(r.baseline.rss / 2 ** 20)} MB rss / ${fmt(r.baseline.heapUsed / 2 ** 20)} MB heap`
      : '';
  const markdown = [
    'Server memory per idle socket (TLS websocket, token auth, `join` done), measured in the server process after forced GC; ' +
      'deltas from the same process with 0 sockets. Baseline: bare socket.io on node https, same options and client load.',
    '',
    mdTable(
      [
        'server',
        'sockets',
        'RSS MB',
        'heap MB',
        'RSS KB/socket',
        'heap KB/socket',
        'external KB/socket',
        'marginal RSS KB/socket',
        'server CPU ms/connect',
      ],
      rows,
    ),
    '',
    `Baselines (0 sockets): ${base(bare)}; ${base(ours)}.`,
    `Porchlight/bare per socket: ${ratios.map((r) => `${r.target}: RSS ×${fmt(r.rss, 2)}, heap ×${fmt(r.heap, 2)}`).join('; ')}.`,
  ].join('\n');
  recordResult('signalingMemory', { levels: LEVELS, results, ratios }, markdown, {
    durationSeconds,
    machine,
  });

  console.log('\n=== signaling memory summary ===');
  for (const r of [bare, ours]) {
    if (!r) continue;
    if (r.error) console.log(`  ${r.kind}: FAILED (${r.error})`);
    for (const l of r.levels) {
      console.log(
        `  ${r.kind.padEnd(10)} ${String(l.connected).padStart(5)} sockets: ${fmt(l.rssKBPerSocket).padStart(6)} KB RSS, ` +
          `${fmt(l.heapKBPerSocket).padStart(6)} KB heap, ${fmt(l.externalKBPerSocket)} KB external per socket ` +
          `(marginal RSS ${fmt(l.marginalRssKB)} KB); ${fmt(l.serverCpuMsPerConnection, 2)} ms server CPU per connect`,
      );
    }
  }
  for (const r of ratios) {
    console.log(
      `  PORCHLIGHT/BARE at ${r.target}: RSS/socket ×${fmt(r.rss, 2)}, heap/socket ×${fmt(r.heap, 2)}`,
    );
  }
  console.log(
    '  Caveats: RSS after GC still holds allocator slack (heap is the more exact figure); all sockets share one site ' +
      '(one Room); clients run in this process, the server in its own.',
  );
  console.log(
    `[signalingMemory] done in ${durationSeconds.toFixed(0)} s; results in bench/results/latest.{json,md}`,
  );
}

runMain('signalingMemory', main);
