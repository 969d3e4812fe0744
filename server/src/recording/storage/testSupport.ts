/**
 * Test helpers for the storage tests: a real S3-compatible server (s3rver) on a free port of
 * 127.0.0.1 with its data in a temp directory, and small async helpers.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { StoredObject } from './ObjectStorage.ts';
import type { S3StorageOptions } from './S3Storage.ts';

/** Messages of s3rverProcess.mjs. */
type ServerMessage =
  | { type: 'ready'; port: number }
  | { type: 'failed'; message: string }
  | { type: 'requests'; requests: RecordedRequest[] };

export interface RecordedRequest {
  method: string;
  url: string;
  /** HTTP status of the response; 0 while unanswered. */
  status: number;
}

/** s3rver only accepts its built-in dummy account. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const START_TIMEOUT_MS = 15_000;

export interface TestS3Server {
  endpoint: string;
  /** A client for test setup (creating buckets, planting foreign objects). */
  client: S3Client;
  /** Every request the server received so far, for asserting on batching. */
  requests(): Promise<RecordedRequest[]>;
  /** Creates a new, empty bucket and returns its name. */
  createBucket(): Promise<string>;
  options(bucket: string, extra?: Partial<S3StorageOptions>): S3StorageOptions;
  /** Fault injection: SIGKILL of the server; its objects stay on disk. */
  crash(): Promise<void>;
  /** Starts it again after crash(), on the same port and directory. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts s3rver in a child process (see s3rverProcess.mjs for why) on a free port of 127.0.0.1;
 * throws, failing the suite rather than skipping it, when it cannot start.
 */
export async function startS3rver(): Promise<TestS3Server> {
  const directory = await mkdtemp(path.join(tmpdir(), 'porchlight-s3rver-'));
  let server: { child: ChildProcess; port: number; exited: Promise<void> };
  try {
    server = await spawnS3rver(directory, 0);
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const { port } = server;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  let buckets = 0;
  return {
    endpoint,
    client,
    requests: () =>
      new Promise((resolve) => {
        server.child.once('message', (message: ServerMessage) => {
          if (message.type === 'requests') resolve(message.requests);
        });
        server.child.send({ type: 'requests' });
      }),
    async createBucket() {
      const name = `bucket-${++buckets}`;
      await client.send(new CreateBucketCommand({ Bucket: name }));
      return name;
    },
    options: (bucket, extra = {}) => ({ endpoint, bucket, ...CREDENTIALS, ...extra }),
    async crash() {
      server.child.kill('SIGKILL');
      await server.exited;
    },
    async restart() {
      server = await spawnS3rver(directory, port);
    },
    async stop() {
      client.destroy();
      const { child, exited } = server;
      if (child.exitCode === null && child.signalCode === null) {
        child.send({ type: 'stop' });
        const timer = setTimeout(() => child.kill(), 5_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** s3rver serving `directory` on `port` (0: a free one), once it answers. */
async function spawnS3rver(
  directory: string,
  port: number,
): Promise<{ child: ChildProcess; port: number; exited: Promise<void> }> {
  const child = fork(
    fileURLToPath(new URL('./s3rverProcess.mjs', import.meta.url)),
    [directory, String(port)],
    { execArgv: ['--openssl-legacy-provider'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const ready = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`s3rver did not start within ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      child.once('error', reject);
      child.once('exit', (code) =>
        reject(new Error(`s3rver exited (code ${code}) before it started`)),
      );
      child.once('message', (message: ServerMessage) => {
        clearTimeout(timer);
        if (message.type === 'ready') resolve(message.port);
        else reject(new Error(`s3rver failed to start: ${JSON.stringify(message)}`));
      });
    });
    return { child, port: ready, exited };
  } catch (error) {
    child.kill();
    throw error;
  }
}

/**
 * Starts a fixture once for the enclosing suite and returns its getter. A failed start fails
 * every test with the start error (a throwing beforeAll would only report them as skipped).
 */
export function useSuiteFixture<T>(
  start: () => Promise<T>,
  stop: (fixture: T) => Promise<void>,
): () => T {
  let fixture: T | undefined;
  let failure: unknown;
  beforeAll(async () => {
    try {
      fixture = await start();
    } catch (error) {
      failure = error;
    }
  });
  beforeEach(() => {
    if (fixture === undefined) throw failure;
  });
  afterAll(async () => {
    if (fixture !== undefined) await stop(fixture);
  });
  return () => {
    if (fixture === undefined) throw failure;
    return fixture;
  };
}

/** An http endpoint on 127.0.0.1 where nothing listens (connections are refused). */
export async function deadEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export async function collect(objects: AsyncIterable<StoredObject>): Promise<StoredObject[]> {
  const all: StoredObject[] = [];
  for await (const object of objects) all.push(object);
  return all;
}

/** Runs `task` over `items`, at most `limit` at a time. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
