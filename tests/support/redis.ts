/**
 * A real, throwaway Redis server for tests: Debian's redis-server (scripts/setup.sh installs it)
 * on a free loopback port, no persistence, its own directory, killed and removed on stop(). It
 * never skips when Redis is missing: the test fails and says so.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports.ts';

export interface TestRedis {
  /** redis://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Kills the server (SIGKILL when `crash`) and removes its directory. Idempotent. */
  stop(crash?: boolean): Promise<void>;
}

/** The redis-server binary is not installed. */
export class RedisNotInstalledError extends Error {
  override readonly name = 'RedisNotInstalledError';
}

const BINARY = process.env['PORCHLIGHT_REDIS_SERVER'] ?? '/usr/bin/redis-server';
const START_TIMEOUT_MS = 20_000;
const PORT_ATTEMPTS = 3;

/** Starts a server; `port` fixes the port (a restart on the same address). */
export async function startRedis(o: { port?: number } = {}): Promise<TestRedis> {
  if (!fs.existsSync(BINARY))
    throw new RedisNotInstalledError(`${BINARY} not found: run scripts/setup.sh`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-redis-'));
  for (let attempt = 1; ; attempt++) {
    const port = o.port ?? (await freePort());
    try {
      const child = await launch(dir, port);
      let stopping: Promise<void> | undefined;
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        stop: (crash = false) =>
          (stopping ??= kill(child, crash ? 'SIGKILL' : 'SIGTERM').finally(() =>
            fs.rmSync(dir, { recursive: true, force: true }),
          )),
      };
    } catch (error) {
      if (o.port !== undefined || attempt >= PORT_ATTEMPTS) {
        fs.rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
}

async function launch(dir: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    BINARY,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--protected-mode',
      'no',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`redis-server exited (${child.exitCode}): ${output}`);
    if (await answersPing(port)) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not start within ${START_TIMEOUT_MS} ms: ${output}`);
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(1000);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
