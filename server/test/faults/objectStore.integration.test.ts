/**
 * kill -9 of the S3 server (s3rver) that holds the recordings, with a camera recording and a
 * viewer watching: live video goes on, the segments cut while the store is down wait in the
 * stream's write queue and are stored and indexed once it is back (on the same port), recording
 * goes on, and the bucket and the index then hold the same objects. Measured: restart -> the
 * waiting segments indexed.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3rver, type TestS3Server } from '../../src/recording/storage/testSupport.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { until } from '../recording/support.ts';
import { grows, watchedCamera, type Watched } from './world.ts';

describe('kill -9 of the S3 server', () => {
  let s3: TestS3Server;
  let bucket: string;
  let ts: TestServer;
  let w: Watched;

  beforeAll(async () => {
    s3 = await startS3rver();
    bucket = await s3.createBucket();
    ts = await startTestServer({
      recording: {
        defaultMode: 'continuous',
        storage: 's3',
        s3: {
          endpoint: s3.endpoint,
          bucket,
          prefix: 'faults',
          accessKeyId: 'S3RVER',
          secretAccessKey: 'S3RVER',
        },
      },
    });
    w = await watchedCamera(ts);
    await grows('first frames', w.frames, 10);
    await grows('first segments', w.segments, 2);
  }, 90_000);
  afterAll(async () => {
    w?.close();
    await ts?.close();
    await s3?.stop();
  }, 60_000);

  it('segments cut while it is down are stored once it is back; bucket == index', async () => {
    const { service, index } = ts.server.recording;
    const stream = (await service.streamOf(w.camera.deviceId))!;
    const failures: string[] = [];
    service.on('failure', (r) => failures.push(r));
    let cut = 0;
    stream.on('decided', ({ fate }) => fate === 'persisted' && cut++);
    const indexedBefore = w.segments();

    await s3.crash();
    const down = Date.now();
    await until('2 segments cut while down', () => cut >= 2, 30_000);
    await grows('frames while the store is down', w.frames, 30);
    expect(w.segments()).toBe(indexedBefore);
    const t0 = Date.now();
    await s3.restart();
    const backMs = await grows('the waiting segments indexed', w.segments, 2, 60_000);
    await grows('new segments', w.segments, 2);
    expect(failures).toStrictEqual([]);
    console.info(
      `[faults] S3 kill -9: down ${t0 - down} ms, waiting segments stored and indexed ` +
        `${backMs} ms after the restart`,
    );

    const deviceId = w.camera.deviceId;
    w.close();
    const keysIn = async (): Promise<{ bucket: string[]; index: string[] }> => {
      const listed = await s3.client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: 'faults/' }),
      );
      const rows = await index.allSegments(deviceId);
      const runs = await index.listRuns(deviceId);
      return {
        bucket: (listed.Contents ?? [])
          .map((o) => o.Key!)
          .filter((k) => k.includes(deviceId))
          .map((k) => k.slice(k.indexOf(ts.siteId)))
          .sort(),
        index: [...rows, ...runs].map((r) => r.storageKey).sort(),
      };
    };
    const both = await until('bucket == index', async () => {
      const k = await keysIn();
      return k.bucket.join() === k.index.join() && k;
    }).catch(async () => keysIn());
    expect(both.bucket).toStrictEqual(both.index);
    expect(both.index.length).toBeGreaterThan(indexedBefore + 4);
  });
});
