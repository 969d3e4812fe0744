/**
 * A real, throwaway PostgreSQL server for tests: its own data directory, socket directory and
 * loopback port, durability switched off for speed, deleted on stop(). Needs the server binaries
 * (Debian's `postgresql` package, which scripts/setup.sh installs); it never skips without them.
 */
import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface TestPostgres {
  /** postgres://porchlight@127.0.0.1:<port>/porchlight_test (trust auth, no password). */
  url: string;
  /** The throwaway directory (data and socket); stop() removes it. */
  dir: string;
  /** Fast shutdown, then removes `dir`. Idempotent. */
  stop(): Promise<void>;
  /** Fault injection: SIGKILL of the postmaster (its backends follow); the data stays. */
  crash(): Promise<void>;
  /** Starts again on the same data and port after crash() (PostgreSQL's crash recovery runs). */
  restart(): Promise<void>;
}

/** The PostgreSQL server binaries are not installed. */
export class PostgresNotInstalledError extends Error {
  override readonly name = 'PostgresNotInstalledError';
}

/** The throwaway server did not come up. */
export class PostgresStartError extends Error {
  override readonly name = 'PostgresStartError';
}

const SUPERUSER = 'porchlight';
const DATABASE = 'porchlight_test';
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 30_000;
const PACKAGE_ROOT = '/usr/lib/postgresql';
/** Attempts when another process takes the free port between our probe and the server's bind. */
const PORT_ATTEMPTS = 3;

export interface StartPostgresOptions {
  /**
   * Acknowledge a commit only once its WAL is written (synchronous_commit=on), so a kill -9 of
   * the server loses no acknowledged transaction, as in production. Default false: with
   * synchronous_commit=off a crash drops the last ~200 ms of commits, which only crash tests mind.
   */
  crashSafe?: boolean;
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<TestPostgres> {
  const synchronousCommit = options.crashSafe ? 'on' : 'off';
  const bin = findPostgresBinaries();
  const user = serverUser();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-pg-'));
  let server: RunningServer | undefined;
  try {
    if (user) fs.chownSync(root, user.uid, user.gid);
    const dataDir = path.join(root, 'data');
    initdb(bin, dataDir, user);
    for (let attempt = 1; server === undefined; attempt++) {
      const port = await freePort();
      try {
        server = await startServer(bin, dataDir, root, port, user, synchronousCommit);
      } catch (error) {
        const portTaken =
          error instanceof PostgresStartError && /could not bind/i.test(error.message);
        if (!portTaken || attempt >= PORT_ATTEMPTS) throw error;
      }
    }
    const base = `postgres://${SUPERUSER}@127.0.0.1:${server.port}`;
    await createDatabase(`${base}/postgres`);
    let running = server;
    let stopping: Promise<void> | undefined;
    return {
      url: `${base}/${DATABASE}`,
      dir: root,
      stop: () => (stopping ??= running.stop().finally(() => removeDir(root))),
      crash: () => running.kill(),
      restart: async () => {
        // Until the killed postmaster's backends have gone, its shared memory is still in use.
        const deadline = Date.now() + START_TIMEOUT_MS;
        for (;;) {
          try {
            running = await startServer(bin, dataDir, root, running.port, user, synchronousCommit);
            return;
          } catch (error) {
            if (Date.now() > deadline) throw error;
            await new Promise((r) => setTimeout(r, 200));
          }
        }
      },
    };
  } catch (error) {
    if (server) await server.stop();
    removeDir(root);
    throw error;
  }
}

/** PORCHLIGHT_PG_BIN, else the newest <packageRoot>/<version>/bin. */
export function findPostgresBinaries(
  packageRoot = PACKAGE_ROOT,
  fromEnv = process.env['PORCHLIGHT_PG_BIN'],
): string {
  const candidates: string[] = [];
  if (fromEnv) candidates.push(fromEnv);
  const versions = fs.existsSync(packageRoot)
    ? fs
        .readdirSync(packageRoot)
        .filter((v) => /^\d+(\.\d+)?$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  candidates.push(...versions.map((v) => path.join(packageRoot, v, 'bin')));
  const found = candidates.find((dir) =>
    ['initdb', 'postgres'].every((exe) => fs.existsSync(path.join(dir, exe))),
  );
  if (found === undefined) {
    throw new PostgresNotInstalledError(
      `PostgreSQL server binaries (initdb, postgres) not found in ${packageRoot}/*/bin` +
        (fromEnv ? ` or PORCHLIGHT_PG_BIN=${fromEnv}` : '') +
        ': install the postgresql package (bash scripts/setup.sh does)',
    );
  }
  return found;
}

interface ServerUser {
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root, so as root (CI, containers) the server runs as the
 * `postgres` user the package creates; otherwise as ourselves (null).
 */
function serverUser(): ServerUser | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string): number => {
    const out = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
    const n = Number(out.stdout.trim());
    if (out.status !== 0 || !Number.isInteger(n)) {
      throw new PostgresNotInstalledError(
        'running as root but there is no `postgres` user to run the server as: ' +
          'install the postgresql package (bash scripts/setup.sh does)',
      );
    }
    return n;
  };
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * Spawn options that drop to the server user. Node's uid/gid (rather than `runuser`) make the
 * spawned process the postmaster itself: runuser stays in between as a parent that ignores
 * SIGINT, so our fast-shutdown signal would never arrive.
 */
function asUser(user: ServerUser | null): SpawnOptions {
  return user ? { uid: user.uid, gid: user.gid } : {};
}

function initdb(bin: string, dataDir: string, user: ServerUser | null): void {
  const args = ['-D', dataDir, '-A', 'trust', '-U', SUPERUSER, '-E', 'UTF8', '--locale=C'];
  const result = spawnSync(path.join(bin, 'initdb'), [...args, '--no-sync', '--no-instructions'], {
    ...asUser(user),
    encoding: 'utf8',
    timeout: START_TIMEOUT_MS,
  });
  if (result.status !== 0) {
    // A timeout (ETIMEDOUT) or a signal ends here too: say so, after initdb's own output.
    const output = [
      result.stdout,
      result.stderr,
      result.error ? String(result.error) : '',
      result.signal ? `signal ${result.signal}` : '',
    ]
      .join('\n')
      .trim();
    throw new PostgresStartError(`initdb failed (exit ${result.status}): ${output}`);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port from probe')),
      );
    });
  });
}

interface RunningServer {
  port: number;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

async function startServer(
  bin: string,
  dataDir: string,
  socketDir: string,
  port: number,
  user: ServerUser | null,
  synchronousCommit: 'on' | 'off',
): Promise<RunningServer> {
  // Durability off: the data is thrown away, and fsync dominates test time otherwise. fsync=off
  // only matters if the machine crashes; a killed server loses what synchronous_commit=off let
  // it acknowledge early.
  const args = [
    ['-D', dataDir],
    ['-k', socketDir],
    ['-p', String(port)],
    ['-c', 'listen_addresses=127.0.0.1'],
    ['-c', 'fsync=off'],
    ['-c', `synchronous_commit=${synchronousCommit}`],
    ['-c', 'full_page_writes=off'],
  ].flat();
  const child = spawn(path.join(bin, 'postgres'), args, {
    ...asUser(user),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = new LogTail();
  child.stdout?.on('data', (chunk: Buffer) => log.add(chunk));
  child.stderr?.on('data', (chunk: Buffer) => log.add(chunk));
  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    // A failed spawn may emit 'error' and never 'exit'.
    child.once('error', (error) => {
      spawnError = error;
      log.add(Buffer.from(`spawn failed: ${error.message}\n`));
      resolve();
    });
  });
  const dead = (): boolean =>
    spawnError !== undefined || child.exitCode !== null || child.signalCode !== null;

  // If the test process exits without stop() (crash, Ctrl-C), do not leave a server behind.
  const killOnExit = (): void => {
    child.kill('SIGQUIT');
  };
  process.once('exit', killOnExit);

  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (dead()) return;
    // SIGINT = fast shutdown: disconnect clients, abort transactions, exit cleanly.
    child.kill('SIGINT');
    if (!(await settles(exited, STOP_TIMEOUT_MS))) {
      child.kill('SIGKILL');
      await exited;
    }
  };

  try {
    await waitUntilReady(port, dead, log);
  } catch (error) {
    await stop();
    throw error;
  }
  const kill = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (dead()) return;
    child.kill('SIGKILL');
    await exited;
  };
  return { port, stop, kill };
}

/** Polls with a real connection (what tests need, unlike a bare port check), bounded. */
async function waitUntilReady(port: number, dead: () => boolean, log: LogTail): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (dead()) throw new PostgresStartError(`postgres exited while starting:\n${log.text()}`);
    const client = new pg.Client({
      connectionString: `postgres://${SUPERUSER}@127.0.0.1:${port}/postgres`,
      connectionTimeoutMillis: 2_000,
    });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      lastError = error;
    } finally {
      await client.end().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new PostgresStartError(
    `postgres did not accept connections within ${START_TIMEOUT_MS / 1000} s ` +
      `(last error: ${lastError instanceof Error ? lastError.message : String(lastError)}):\n${log.text()}`,
  );
}

async function createDatabase(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

/** Whether `promise` settles within `ms`. */
async function settles(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** The server's last few KB of output, for error messages; the rest is dropped. */
class LogTail {
  static readonly LIMIT = 8192;
  #text = '';

  add(chunk: Buffer): void {
    this.#text = (this.#text + chunk.toString('utf8')).slice(-LogTail.LIMIT);
  }

  text(): string {
    return this.#text.trim();
  }
}
