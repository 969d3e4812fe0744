import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  TurnSupervisor,
  type TurnSupervisorEvents,
  type TurnSupervisorOptions,
} from '../../src/TurnSupervisor.ts';
import type { TurnConfigOptions } from '../../src/TurnConfig.ts';

/**
 * Shared plumbing for the coturn integration tests: free loopback ports, a test-mode supervisor,
 * a turnutils_peer echo peer and turnutils_uclient runs. Everything binds 127.0.0.1.
 */

export const LOOPBACK = '127.0.0.1';
export const REALM = 'porchlight.test';

export function newSecret(): string {
  return crypto.randomBytes(24).toString('hex'); // 48 chars
}

async function udpFree(port: number): Promise<boolean> {
  const s = dgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.bind(port, LOOPBACK, () => resolve());
    });
    return true;
  } catch {
    return false;
  } finally {
    try {
      s.close();
    } catch {
      // never bound
    }
  }
}

async function tcpFree(port: number): Promise<boolean> {
  const srv = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(port, LOOPBACK, () => resolve());
    });
    return true;
  } catch {
    return false;
  } finally {
    srv.close();
  }
}

const claimed = new Set<number>();

/**
 * `count` consecutive ports free for UDP and TCP on 127.0.0.1, never handed out twice in this
 * process. Random base so parallel runs on one machine rarely collide.
 */
export async function freePortBlock(count: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    // Below the ephemeral range (32768+), so client sockets never take a relay port.
    const base = 10_000 + Math.floor(Math.random() * 22_000);
    let ok = true;
    for (let p = base; p < base + count && ok; p++) {
      ok = !claimed.has(p) && (await udpFree(p)) && (await tcpFree(p));
    }
    if (ok) {
      for (let p = base; p < base + count; p++) claimed.add(p);
      return base;
    }
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

export async function tempDir(prefix: string): Promise<string> {
  return fs.promises.mkdtemp(path.join(os.tmpdir(), `porchlight-turn-${prefix}-`));
}

export interface TestTurn {
  supervisor: TurnSupervisor;
  port: number;
  workDir: string;
  close(): Promise<void>;
}

/** A supervised coturn on 127.0.0.1 with its own ports; test mode unless overridden. */
export async function startTurn(
  config: Partial<TurnConfigOptions> & { secrets: readonly string[] },
  extra: Omit<TurnSupervisorOptions, 'config' | 'workDir'> = {},
): Promise<TestTurn> {
  const listeningPort = await freePortBlock(1);
  const relayBase = await freePortBlock(10);
  const workDir = await tempDir('sup');
  const supervisor = await TurnSupervisor.create({
    config: {
      realm: REALM,
      mode: 'test',
      listeningIps: [LOOPBACK],
      relayIps: [LOOPBACK],
      listeningPort,
      minPort: relayBase,
      maxPort: relayBase + 9,
      ...config,
    },
    workDir,
    ...extra,
  });
  try {
    await supervisor.ready(10_000);
  } catch (error) {
    await supervisor.close();
    throw error;
  }
  return {
    supervisor,
    port: listeningPort,
    workDir,
    close: async () => {
      await supervisor.close();
      await fs.promises.rm(workDir, { recursive: true, force: true });
    },
  };
}

export interface EchoPeer {
  port: number;
  close(): void;
}

/** turnutils_peer: a UDP echo server on port and port+1 (uclient uses both). */
export async function startPeer(): Promise<EchoPeer> {
  const port = await freePortBlock(2);
  const child: ChildProcess = spawn('turnutils_peer', ['-L', LOOPBACK, '-p', String(port)], {
    stdio: 'ignore',
  });
  // Ready when the port is bound (no readiness output to wait for).
  const deadline = Date.now() + 5000;
  while (await udpFree(port)) {
    if (Date.now() > deadline) throw new Error('turnutils_peer did not bind');
    await new Promise((r) => setTimeout(r, 20));
  }
  return { port, close: () => void child.kill('SIGKILL') };
}

export interface UclientResult {
  output: string;
  code: number | null;
  ms: number;
}

export interface UclientOptions {
  port: number;
  peerPort: number;
  username: string;
  password: string;
  messages?: number;
  length?: number;
  /** Concurrent clients (-m). */
  clients?: number;
  /** Per-packet interval, ms (-z). */
  intervalMs?: number;
  tcp?: boolean;
  tls?: boolean;
  peerAddress?: string;
  extraArgs?: string[];
  timeoutMs?: number;
}

/**
 * turnutils_uclient exits 0 whatever happened: callers judge by its output (see
 * uclientSucceeded). -c: no RTCP allocation (one allocation per client, like a browser).
 */
export function runUclient(o: UclientOptions): Promise<UclientResult> {
  const args = [
    '-c',
    '-p',
    String(o.port),
    '-e',
    o.peerAddress ?? LOOPBACK,
    '-r',
    String(o.peerPort),
    '-u',
    o.username,
    '-w',
    o.password,
    '-n',
    String(o.messages ?? 10),
    '-l',
    String(o.length ?? 100),
    '-m',
    String(o.clients ?? 1),
    ...(o.intervalMs !== undefined ? ['-z', String(o.intervalMs)] : []),
    ...(o.tcp || o.tls ? ['-t'] : []),
    ...(o.tls ? ['-S'] : []),
    ...(o.extraArgs ?? []),
    LOOPBACK,
  ];
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn('turnutils_uclient', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ output, code, ms: performance.now() - started });
    });
  });
}

/** Markers of a failed run in uclient output (it never sets its exit code). */
export const UCLIENT_FAILURE =
  /Cannot complete Allocation|error 40[13]|Forbidden|Unauthorized|ERROR/;

/**
 * A run relayed everything: "Total lost packets 0" printed and send == receive counts, no failure
 * marker anywhere.
 */
export function uclientSucceeded(output: string, expectedMessages: number): boolean {
  const totals = /tot_send_msgs=(\d+), tot_recv_msgs=(\d+)\n/.exec(output);
  return (
    !UCLIENT_FAILURE.test(output) &&
    /Total lost packets 0 \(0\.0+%\)/.test(output) &&
    totals !== null &&
    Number(totals[1]) === expectedMessages &&
    Number(totals[2]) === expectedMessages
  );
}

/** Resolves with the first supervisor `event` whose args satisfy `predicate`. */
export function waitForEvent<K extends keyof TurnSupervisorEvents>(
  supervisor: TurnSupervisor,
  event: K,
  predicate: (...args: TurnSupervisorEvents[K]) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<TurnSupervisorEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      supervisor.off(event, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for "${event}"`));
    }, timeoutMs);
    const listener = (...args: TurnSupervisorEvents[K]): void => {
      if (!predicate(...args)) return;
      clearTimeout(timer);
      supervisor.off(event, listener);
      resolve(args);
    };
    supervisor.on(event, listener);
  });
}

/** A UDP echo peer in-process, counting what it received (exact control, unlike turnutils_peer). */
export async function startCountingPeer(): Promise<{
  port: number;
  received: Buffer[];
  close(): void;
}> {
  const socket = dgram.createSocket('udp4');
  const received: Buffer[] = [];
  socket.on('message', (msg, rinfo) => {
    received.push(msg);
    socket.send(msg, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, () => resolve()));
  return { port: socket.address().port, received, close: () => socket.close() };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
