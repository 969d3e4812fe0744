import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3rver, type TestS3Server } from '../../src/recording/storage/testSupport.ts';
import { api } from '../../../tests/support/http.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { decodeFrames, fragments, startCamera, until } from './support.ts';

/** The whole recording path on S3-compatible object storage (a real s3rver), not the disk. */
describe('recording to S3-compatible storage', () => {
  let s3: TestS3Server;
  let bucket: string;
  let ts: TestServer;
  let cam: Awaited<ReturnType<typeof startCamera>>;

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
          prefix: 'porchlight',
          accessKeyId: 'S3RVER',
          secretAccessKey: 'S3RVER',
        },
      },
    });
  });
  afterAll(async () => {
    cam?.stop();
    await ts?.close();
    await s3?.stop();
  });

  it('segments land in the bucket sealed, play back over HLS, and are metered', async () => {
    const owner = await ts.mint('viewer', { siteRole: 'owner' });
    cam = await startCamera(ts);
    const list = await until('3 segments', async () => {
      const f = await fragments(ts, owner, ts.siteId, cam.deviceId);
      return f.length >= 3 ? f : undefined;
    });
    const listed = await s3.client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'porchlight/' }),
    );
    const keys = (listed.Contents ?? []).map((o) => o.Key!);
    expect(keys.some((k) => k.endsWith('init.mp4'))).toBe(true);
    expect(keys.filter((k) => k.endsWith('.m4s')).length).toBeGreaterThanOrEqual(3);
    const pb = await api<{ vod: string }>(
      ts.url,
      'POST',
      `/api/v1/sites/${ts.siteId}/devices/${cam.deviceId}/recording/playback`,
      { token: owner, body: { from: list[0]!.producerTime, to: Date.now() } },
    );
    expect(await decodeFrames(`${ts.url}${pb.body.vod}`)).toBeGreaterThan(30);
    const day = new Date().toISOString().slice(0, 10);
    const usage = await api<{
      usage: { deviceId: string; bytesIngested: number; bytesServed: number }[];
    }>(ts.url, 'GET', `/api/v1/sites/${ts.siteId}/recordings/usage?from=${day}&to=${day}`, {
      token: owner,
    });
    const mine = usage.body.usage.find((u) => u.deviceId === cam.deviceId);
    expect(mine?.bytesIngested).toBeGreaterThan(0);
    expect(mine?.bytesServed).toBeGreaterThan(0);
  });
});
