/** S3Storage specifics beyond the shared contract (storage.contract.test.ts), against s3rver. */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { InvalidKeyError, ObjectNotFoundError, StorageError } from './errors.ts';
import { S3Storage } from './S3Storage.ts';
import { collect, deadEndpoint, startS3rver, useSuiteFixture } from './testSupport.ts';

describe('S3Storage', () => {
  const s3rver = useSuiteFixture(startS3rver, (server) => server.stop());
  it('works with the default options (no prefix) and reports no capacity nor partials', async () => {
    const server = s3rver();
    const bucket = await server.createBucket();
    const storage = new S3Storage(server.options(bucket));
    expect(storage.kind).toBe('s3');
    expect(storage.prefix).toBe('');
    await storage.put('cam1/0001.m4s', Buffer.from([0, 1, 2]));
    await storage.put('cam1/0002.m4s', Buffer.alloc(0));
    expect(await storage.get('cam1/0001.m4s')).toEqual(Buffer.from([0, 1, 2]));
    expect(await collect(storage.list(''))).toEqual([
      { key: 'cam1/0001.m4s', size: 3 },
      { key: 'cam1/0002.m4s', size: 0 },
    ]);
    await storage.delete(['cam1/0001.m4s', 'cam1/0002.m4s', 'missing']);
    expect(await collect(storage.list(''))).toEqual([]);
    expect(await storage.capacity()).toBeNull();
    expect(await storage.cleanupPartial()).toBe(0);
    await storage.close();
  });

  it('keeps storages with different prefixes apart, normalising the prefix', async () => {
    const server = s3rver();
    const bucket = await server.createBucket();
    const a = new S3Storage(server.options(bucket, { prefix: '/site-a/' }));
    const b = new S3Storage(server.options(bucket, { prefix: 'site-b' }));
    expect([a.prefix, b.prefix]).toEqual(['site-a/', 'site-b/']);
    await a.put('k', Buffer.from('A'));
    await b.put('k', Buffer.from('B'));
    expect((await a.get('k')).toString()).toBe('A');
    expect(await collect(b.list(''))).toEqual([{ key: 'k', size: 1 }]);
    const raw = await server.client.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(raw.Contents?.map((o) => o.Key)).toEqual(['site-a/k', 'site-b/k']);
    await a.delete(['k']);
    expect((await b.get('k')).toString()).toBe('B');
    expect(() => new S3Storage(server.options(bucket, { prefix: 'a/../b' }))).toThrow(
      InvalidKeyError,
    );
    await Promise.all([a.close(), b.close()]);
  });

  it('batches DeleteObjects by 1000 keys', async () => {
    const server = s3rver();
    const bucket = await server.createBucket();
    const storage = new S3Storage(server.options(bucket));
    const before = (await server.requests()).length;
    await storage.delete(Array.from({ length: 2500 }, (_, i) => `missing/${i}`));
    const deletes = (await server.requests())
      .slice(before)
      .filter((r) => r.method === 'POST' && r.status === 200);
    expect(deletes).toHaveLength(3);
    await storage.close();
  });

  it('reports a missing bucket as StorageError, not as a missing object', async () => {
    const server = s3rver();
    const storage = new S3Storage(server.options('no-such-bucket'));
    const error = await storage.get('cam1/0001.m4s').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).not.toBeInstanceOf(ObjectNotFoundError);
    expect((error as Error).message).toMatch(/bucket "no-such-bucket".*NoSuchBucket/);
    await expect(collect(storage.list(''))).rejects.toBeInstanceOf(StorageError);
    await storage.close();
  });

  it('reports an unreachable endpoint as StorageError with the cause', async () => {
    const server = s3rver();
    const storage = new S3Storage({ ...server.options('bucket'), endpoint: await deadEndpoint() });
    const error = await storage.put('cam1/0001.m4s', Buffer.from('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toMatch(/^s3 storage put failed: .*ECONNREFUSED/);
    await storage.close();
  });
});
