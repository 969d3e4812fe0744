/**
 * The ObjectStorage contract, run against every backend: FileStorage on a temp directory and
 * S3Storage against a real S3-compatible server (s3rver), with and without a key prefix.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidKeyError, ObjectNotFoundError, StorageError } from './errors.ts';
import { FileStorage } from './FileStorage.ts';
import type { ObjectStorage } from './ObjectStorage.ts';
import { S3Storage } from './S3Storage.ts';
import {
  collect,
  deadEndpoint,
  forEachLimited,
  startS3rver,
  useSuiteFixture,
  type RecordedRequest,
} from './testSupport.ts';

interface Backend {
  /** A new, empty storage. */
  open(): Promise<ObjectStorage>;
  /** A storage on which every I/O fails, to show that invalid keys are rejected before any. */
  openBroken(): Promise<ObjectStorage>;
  /** Requests the server received so far (S3 only), to check pagination and batching. */
  requests?(): Promise<RecordedRequest[]>;
  dispose(): Promise<void>;
}

interface BackendFactory {
  name: string;
  start(): Promise<Backend>;
}

const fileBackend: BackendFactory = {
  name: 'FileStorage',
  async start() {
    const base = await mkdtemp(path.join(tmpdir(), 'porchlight-storage-'));
    let n = 0;
    return {
      open: () => Promise.resolve(new FileStorage({ dir: path.join(base, `root-${++n}`) })),
      // A directory cannot be created below /dev/null.
      openBroken: () => Promise.resolve(new FileStorage({ dir: '/dev/null/storage' })),
      dispose: () => rm(base, { recursive: true, force: true }),
    };
  },
};

const s3Backend: BackendFactory = {
  // With a key prefix: the superset of the code paths (the prefix is added and stripped);
  // S3Storage.test.ts covers the default, no prefix.
  name: 'S3Storage (s3rver, prefix "porchlight/recordings")',
  async start() {
    const server = await startS3rver();
    const prefix = 'porchlight/recordings';
    return {
      async open() {
        const bucket = await server.createBucket();
        // Foreign objects that must stay invisible: outside the prefix, or not a valid key.
        for (const Key of ['outside/x', `${prefix}X/y`, `${prefix}/foreign object.txt`]) {
          await server.client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'x' }));
        }
        return new S3Storage(server.options(bucket, { prefix }));
      },
      openBroken: async () =>
        new S3Storage({ ...server.options('bucket', { prefix }), endpoint: await deadEndpoint() }),
      requests: () => server.requests(),
      dispose: () => server.stop(),
    };
  },
};

const backends: BackendFactory[] = [fileBackend, s3Backend];

const INVALID_KEYS = [
  '../x',
  '/abs',
  'a//b',
  '',
  'a'.repeat(600),
  'a/./b',
  'a/',
  'sp ace',
  'a/../b',
];
const INVALID_PREFIXES = ['../', '/abs', 'a//', 'a/./', 'a/../', 'a\\b', 'a b'];

describe.each(backends)('ObjectStorage contract: $name', (factory) => {
  const backend = useSuiteFixture(
    () => factory.start(),
    (b) => b.dispose(),
  );
  const opened: ObjectStorage[] = [];

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  async function open(): Promise<ObjectStorage> {
    const storage = await backend().open();
    opened.push(storage);
    return storage;
  }
  async function openBroken(): Promise<ObjectStorage> {
    const storage = await backend().openBroken();
    opened.push(storage);
    return storage;
  }

  it('round-trips binary data, including empty and 5 MB objects', async () => {
    const storage = await open();
    const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const big = randomBytes(5 * 1024 * 1024);
    await storage.put('cam1/bytes.bin', allBytes);
    await storage.put('cam1/empty.bin', Buffer.alloc(0));
    await storage.put('cam1/big.bin', big);

    expect((await storage.get('cam1/bytes.bin')).equals(allBytes)).toBe(true);
    expect(await storage.get('cam1/empty.bin')).toEqual(Buffer.alloc(0));
    expect((await storage.get('cam1/big.bin')).equals(big)).toBe(true);
    expect(await collect(storage.list(''))).toEqual([
      { key: 'cam1/big.bin', size: big.length },
      { key: 'cam1/bytes.bin', size: 256 },
      { key: 'cam1/empty.bin', size: 0 },
    ]);
  });

  it('overwrites an existing key', async () => {
    const storage = await open();
    await storage.put('cam1/0001.m4s', randomBytes(100));
    await storage.put('cam1/0001.m4s', Buffer.from('new'));
    expect((await storage.get('cam1/0001.m4s')).toString()).toBe('new');
    expect(await collect(storage.list(''))).toEqual([{ key: 'cam1/0001.m4s', size: 3 }]);
  });

  it('throws ObjectNotFoundError for a missing key, also one that is only a prefix', async () => {
    const storage = await open();
    await storage.put('cam1/0001.m4s', Buffer.from('x'));
    for (const key of ['missing', 'cam1', 'cam1/0002.m4s', 'cam2/0001.m4s']) {
      const error = await storage.get(key).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ObjectNotFoundError);
      expect((error as ObjectNotFoundError).key).toBe(key);
    }
  });

  it('lists by prefix in key order with sizes', async () => {
    const storage = await open();
    const objects: Record<string, number> = {
      other: 1,
      'cam2/0001.m4s': 2,
      'cam1/sub/init.mp4': 3,
      'cam1/0002.m4s': 4,
      'cam10/0001.m4s': 5,
      'cam1/0001.m4s': 6,
    };
    for (const [key, size] of Object.entries(objects)) await storage.put(key, randomBytes(size));
    const keys = async (prefix: string) => (await collect(storage.list(prefix))).map((o) => o.key);

    expect(await collect(storage.list('cam1/'))).toEqual([
      { key: 'cam1/0001.m4s', size: 6 },
      { key: 'cam1/0002.m4s', size: 4 },
      { key: 'cam1/sub/init.mp4', size: 3 },
    ]);
    expect(await keys('')).toEqual([
      'cam1/0001.m4s',
      'cam1/0002.m4s',
      'cam1/sub/init.mp4',
      'cam10/0001.m4s',
      'cam2/0001.m4s',
      'other',
    ]);
    // A prefix is a string prefix, not a directory: `cam1` also matches `cam10/...`.
    expect(await keys('cam1')).toEqual([
      'cam1/0001.m4s',
      'cam1/0002.m4s',
      'cam1/sub/init.mp4',
      'cam10/0001.m4s',
    ]);
    expect(await keys('cam1/000')).toEqual(['cam1/0001.m4s', 'cam1/0002.m4s']);
    expect(await keys('cam1/sub/init.mp4')).toEqual(['cam1/sub/init.mp4']);
    expect(await keys('cam3/')).toEqual([]);
    expect(await keys('other/')).toEqual([]);
  });

  it('lists and deletes across pages (more than 1000 objects)', async () => {
    const storage = await open();
    const keys = Array.from({ length: 1100 }, (_, i) => `many/${String(i).padStart(5, '0')}.m4s`);
    await forEachLimited(keys, 32, (key) => storage.put(key, Buffer.alloc(keys.indexOf(key) % 7)));
    await storage.put('zzz', Buffer.from('tail'));
    const before = (await backend().requests?.())?.length ?? 0;

    const listed = await collect(storage.list('many/'));
    expect(listed.map((o) => o.key)).toEqual(keys);
    expect(listed.map((o) => o.size)).toEqual(keys.map((_, i) => i % 7));
    expect(await collect(storage.list(''))).toHaveLength(1101);

    await storage.delete([...keys, 'many/missing', 'nope/also-missing']);
    expect(await collect(storage.list(''))).toEqual([{ key: 'zzz', size: 4 }]);

    // Answered requests only: s3rver sometimes fails a DeleteObjects with a 500 (it races itself
    // pruning directories), which the SDK retries.
    const requests = (await backend().requests?.())?.slice(before).filter((r) => r.status === 200);
    if (requests !== undefined) {
      // Two listings of 2 pages each and one of 1 page; 1102 keys in 2 DeleteObjects batches.
      const lists = requests.filter((r) => r.method === 'GET' && r.url.includes('list-type=2'));
      const deletes = requests.filter((r) => r.method === 'POST' && /[?&]delete/.test(r.url));
      expect(lists).toHaveLength(5);
      expect(deletes).toHaveLength(2);
    }
  });

  it('deletes many keys at once, ignoring missing ones', async () => {
    const storage = await open();
    const keys = Array.from({ length: 10 }, (_, i) => `cam1/${i}.m4s`);
    for (const key of keys) await storage.put(key, Buffer.from(key));

    await storage.delete([]);
    await storage.delete([...keys.slice(0, 7), 'cam1/missing.m4s', 'missing/x', 'cam1']);
    expect((await collect(storage.list(''))).map((o) => o.key)).toEqual(keys.slice(7));
    await expect(storage.get('cam1/0.m4s')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await storage.delete(keys);
    expect(await collect(storage.list(''))).toEqual([]);
  });

  it('rejects invalid keys and prefixes before any I/O', async () => {
    const broken = await openBroken();
    // A valid key reaches the backend, which fails: so InvalidKeyError below means "no I/O done".
    await expect(broken.put('cam1/0001.m4s', Buffer.from('x'))).rejects.toBeInstanceOf(
      StorageError,
    );
    for (const key of INVALID_KEYS) {
      await expect(broken.put(key, Buffer.from('x'))).rejects.toBeInstanceOf(InvalidKeyError);
      await expect(broken.get(key)).rejects.toBeInstanceOf(InvalidKeyError);
      await expect(broken.delete(['cam1/ok', key])).rejects.toBeInstanceOf(InvalidKeyError);
    }
    for (const prefix of INVALID_PREFIXES) {
      await expect(collect(broken.list(prefix))).rejects.toBeInstanceOf(InvalidKeyError);
    }

    const storage = await open();
    for (const key of INVALID_KEYS) {
      await expect(storage.put(key, Buffer.from('x'))).rejects.toBeInstanceOf(InvalidKeyError);
    }
    expect(await collect(storage.list(''))).toEqual([]);
  });

  it('stores concurrent puts of distinct keys', async () => {
    const storage = await open();
    const keys = Array.from({ length: 64 }, (_, i) => `site/cam${i % 4}/run/${i}.m4s`);
    await Promise.all(keys.map((key) => storage.put(key, Buffer.from(key))));
    const listed = await collect(storage.list('site/'));
    expect(listed.map((o) => o.key)).toEqual([...keys].sort());
    for (const key of keys) expect((await storage.get(key)).toString()).toBe(key);
  });

  it('fails calls after close with StorageError', async () => {
    const storage = await open();
    await storage.close();
    await expect(storage.put('cam1/x', Buffer.from('x'))).rejects.toBeInstanceOf(StorageError);
    await expect(storage.get('cam1/x')).rejects.toBeInstanceOf(StorageError);
  });
});
