/**
 * A real multi-node cluster for tests: N `node --import tsx server/src/main.ts` processes, each on
 * its own loopback address (127.0.0.2, .3, ...) for HTTPS and media, sharing one throwaway
 * PostgreSQL, one Redis and one s3rver. Nodes are configured the way docs/deployment.md tells an
 * operator to: the deployment settings in environment variables, the same TLS certificate on
 * every node, and the secrets directory of the first node copied to every other node before it
 * first starts (token secret, recording master keys, VAPID keys, TURN secret: one set for all).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres, type TestPostgres } from './postgres.ts';
import { freePort } from './ports.ts';
import { startRedis, type TestRedis } from './redis.ts';
import { ensureTestCert } from './tlsFixture.ts';
import { startS3rver, type TestS3Server } from '../../server/src/recording/storage/testSupport.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY_TIMEOUT_MS = 90_000;
const EXIT_TIMEOUT_MS = 60_000;

export interface ClusterNodeOptions {
  /** Extra environment for this node (PORCHLIGHT_DRAIN_TIMEOUT_MS, ...). */
  env?: Record<string, string>;
}

/** One node process; it keeps its address, ports and data directory across restarts. */
export interface NodeProcess {
  readonly id: string;
  /** Its own loopback address: HTTPS, media and announced address. */
  readonly host: string;
  readonly port: number;
  /** https://<host>:<port> (the node itself, not the balancer). */
  readonly url: string;
  readonly dataDir: string;
  /** The running process's pid; undefined while stopped. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Resolves with the exit code (null when killed by a signal) of the current process. */
  exited(): Promise<number | null>;
  /** Starts the process (again) and waits until /readyz answers 200. */
  start(): Promise<void>;
  /** SIGKILL: no drain, no goodbye; resolves once the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM: the node drains, then exits; resolves with the exit code. */
  terminate(): Promise<number | null>;
  /** The last lines the process printed (stdout and stderr), for failure messages. */
  output(): string;
}

export interface TestCluster {
  readonly nodes: NodeProcess[];
  readonly postgres: TestPostgres;
  readonly redis: TestRedis;
  readonly s3: TestS3Server;
  readonly bucket: string;
  /** The key prefix the nodes use in Redis. */
  readonly keyPrefix: string;
  /** The shared token secret (read from the copied secrets directory) for minting test tokens. */
  readonly tokenSecret: string;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  nodes: number;
  /** Environment every node gets on top of the harness's. */
  env?: Record<string, string>;
  /** Node heartbeat (ms); small so a dead node is noticed quickly in tests. Default 250. */
  heartbeatMs?: number;
}

/** Starts the engines, then node 1, copies its secrets, then the others in parallel. */
export async function startCluster(o: ClusterOptions): Promise<TestCluster> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-cluster-'));
  const [postgres, redis, s3] = await Promise.all([startPostgres(), startRedis(), startS3rver()]);
  const nodes: NodeProcessImpl[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.kill9()));
    await Promise.all([postgres.stop(), redis.stop(), s3.stop()]);
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    const bucket = await s3.createBucket();
    const cert = ensureTestCert();
    const keyPrefix = 'porchlight:';
    // Non-deployment tuning a test wants (quiet, no recorders or detector, fast heartbeats) goes
    // in a config file; everything an operator sets per deployment is in the environment.
    const configFile = path.join(root, 'config.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        logLevel: 'warn',
        cluster: { heartbeatMs: o.heartbeatMs ?? 250, leaseMs: 2_000 },
        recording: { defaultMode: 'off' },
        alarms: { enabled: false },
        detection: { enabledByDefault: false },
        media: { numWorkers: 1 },
      }),
    );
    const shared: Record<string, string> = {
      PORCHLIGHT_CONFIG: configFile,
      PORCHLIGHT_REDIS_URL: redis.url,
      PORCHLIGHT_DATABASE_URL: postgres.url,
      PORCHLIGHT_RECORDING_STORAGE: 's3',
      PORCHLIGHT_S3_ENDPOINT: s3.endpoint,
      PORCHLIGHT_S3_BUCKET: bucket,
      PORCHLIGHT_S3_PREFIX: 'porchlight',
      PORCHLIGHT_S3_ACCESS_KEY_ID: 'S3RVER',
      PORCHLIGHT_S3_SECRET_ACCESS_KEY: 'S3RVER',
      PORCHLIGHT_TLS_CERT: cert.certFile,
      PORCHLIGHT_TLS_KEY: cert.keyFile,
      PORCHLIGHT_TURN_ENABLED: 'false',
      PORCHLIGHT_DETECTION_HOST: 'false',
      PORCHLIGHT_DEV_BOOTSTRAP: 'false',
      ...o.env,
    };
    for (let i = 0; i < o.nodes; i++) {
      const host = `127.0.0.${i + 2}`;
      const dataDir = path.join(root, `node-${i + 1}`);
      fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      nodes.push(
        new NodeProcessImpl(`node-${i + 1}`, host, await freePort(), dataDir, {
          ...shared,
          PORCHLIGHT_NODE_ID: `node-${i + 1}`,
          PORCHLIGHT_HOST: host,
          PORCHLIGHT_PUBLIC_HOST: host,
          PORCHLIGHT_MEDIA_LISTEN_IP: host,
          PORCHLIGHT_ANNOUNCED_ADDRESS: host,
          PORCHLIGHT_RTC_PORT: String(await freePort()),
          PORCHLIGHT_DATA_DIR: dataDir,
        }),
      );
    }
    await nodes[0]!.start();
    // docs/deployment.md "Secrets": the first node's secrets directory, copied as is.
    const secrets = path.join(nodes[0]!.dataDir, 'secrets');
    for (const node of nodes.slice(1)) copySecrets(secrets, path.join(node.dataDir, 'secrets'));
    await Promise.all(nodes.slice(1).map((n) => n.start()));
    const tokenSecret = fs.readFileSync(path.join(secrets, 'token-secret'), 'utf8').trim();
    return { nodes, postgres, redis, s3, bucket, keyPrefix, tokenSecret, stop };
  } catch (error) {
    const outputs = nodes.map((n) => `--- ${n.id}\n${n.output()}`).join('\n');
    await stop().catch(() => undefined);
    throw new Error(`cluster did not start: ${(error as Error).message}\n${outputs}`);
  }
}

/** `cp -rp`: the directory 0700, its files 0600, as the nodes require. */
function copySecrets(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true, mode: 0o700 });
  for (const name of fs.readdirSync(from)) {
    fs.copyFileSync(path.join(from, name), path.join(to, name));
    fs.chmodSync(path.join(to, name), 0o600);
  }
}

class NodeProcessImpl implements NodeProcess {
  readonly url: string;
  #child: ChildProcess | undefined;
  #exit: Promise<number | null> = Promise.resolve(null);
  #output = '';

  constructor(
    readonly id: string,
    readonly host: string,
    readonly port: number,
    readonly dataDir: string,
    readonly env: Record<string, string>,
  ) {
    this.url = `https://${host}:${port}`;
  }

  get pid(): number | undefined {
    return this.running ? this.#child?.pid : undefined;
  }

  get running(): boolean {
    const c = this.#child;
    return c !== undefined && c.exitCode === null && c.signalCode === null;
  }

  exited(): Promise<number | null> {
    return this.#exit;
  }

  output(): string {
    return this.#output;
  }

  async start(): Promise<void> {
    if (this.running) throw new Error(`${this.id} is already running`);
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...this.env, PORCHLIGHT_PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    const keep = (d: Buffer): void => {
      this.#output = (this.#output + d.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.#exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!this.running)
        throw new Error(`${this.id} exited (${child.exitCode ?? child.signalCode}) while starting`);
      if ((await readyz(this.url)) === 200) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${this.id} was not ready within ${READY_TIMEOUT_MS} ms`);
  }

  async kill9(): Promise<void> {
    if (!this.running) return;
    this.#child!.kill('SIGKILL');
    await this.#exit;
  }

  async terminate(): Promise<number | null> {
    if (!this.running) return this.#exit;
    this.#child!.kill('SIGTERM');
    const timer = setTimeout(() => this.#child?.kill('SIGKILL'), EXIT_TIMEOUT_MS);
    try {
      return await this.#exit;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The HTTP status of GET /readyz, 0 when the node does not answer. */
export function readyz(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = https.get(`${url}/readyz`, { rejectUnauthorized: false, timeout: 3_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
  });
}
