import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { types } from 'mediasoup';
import type { UsageReport } from '@porchlight/protocol';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { api } from '../../../tests/support/http.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { producerBytes } from '../../src/ops/usage/MediaSampler.ts';
import { fragments, startCamera, until } from '../recording/support.ts';

const HOUR = 3_600_000;
/** Metering fast enough for a test: counters read every 200 ms, written every 500 ms. */
const usage = { sampleIntervalMs: 200, flushIntervalMs: 500 };
/**
 * RTP each camera sends before it is measured. The synthetic camera's still picture is ~2 kB/s of
 * VP8, so this is ~10 s of streaming, and one 200 ms sample is well under 3 % of it.
 */
const RTP_BYTES = 20_000;

async function siteUsage(ts: TestServer, token: string, siteId: string, deviceId?: string) {
  const now = Date.now();
  const device = deviceId ? `&deviceId=${deviceId}` : '';
  const r = await api<UsageReport>(
    ts.url,
    'GET',
    `/api/v1/sites/${siteId}/usage?from=${now - HOUR}&to=${now + HOUR}&granularity=hour${device}`,
    { token },
  );
  expect(r.status).toBe(200);
  return r.body.totals;
}

async function cameraProducer(ts: TestServer, siteId: string, deviceId: string) {
  return until(
    'the camera producer',
    () => ts.server.rooms.rooms.get(siteId)?.producersOfDevice(deviceId)[0],
  );
}

/** Waits until the producer's RTP counter passes `bytes`. */
async function received(producer: types.Producer, bytes: number): Promise<void> {
  await until(`${bytes} bytes of RTP`, async () => (await producerBytes(producer)) > bytes);
}

function within3Percent(metered: bigint, low: number, high: number): void {
  expect(Number(metered)).toBeGreaterThanOrEqual(low * 0.97);
  expect(Number(metered)).toBeLessThanOrEqual(high * 1.03);
}

describe('usage metering against the SFU and the HLS server (real server, real mediasoup)', () => {
  const dirs: string[] = [];
  const servers: TestServer[] = [];
  const cameras: { stop: () => void }[] = [];
  afterEach(async () => {
    for (const c of cameras.splice(0)) c.stop();
    for (const s of servers.splice(0)) await s.close();
  });
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('ingested bytes match the producers’ RTP byte counters within 3 %, across a server restart', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-usage-'));
    dirs.push(dataDir);
    const secret = randomBytes(32).toString('base64url');
    const config = { dataDir, usage, auth: { tokenSecret: secret } };

    // First run: a camera streams until its producer has received RTP_BYTES.
    const first = await startTestServer(config);
    servers.push(first);
    const siteId = first.siteId;
    const owner = await first.mint('viewer', { siteRole: 'owner' });
    const cam1 = await startCamera(first);
    cameras.push(cam1);
    const p1 = await cameraProducer(first, siteId, cam1.deviceId);
    await received(p1, RTP_BYTES);
    const before = await producerBytes(p1);
    await first.server.usage?.meter.flush();
    const after = await producerBytes(p1);
    within3Percent(BigInt((await siteUsage(first, owner, siteId)).ingestBytes), before, after);

    // Stopped while the camera is still streaming: the server's last sample and flush are all
    // that is kept of this run.
    const sent1 = await producerBytes(p1);
    servers.splice(servers.indexOf(first), 1);
    await first.close();
    cam1.stop();

    // Second run on the same data directory and database: another camera of the same site.
    const second = await startTestServer(config);
    servers.push(second);
    const owner2 = await second.mint('viewer', { siteId, siteRole: 'owner' });
    const cam2 = await startCamera(second, { siteId });
    cameras.push(cam2);
    const p2 = await cameraProducer(second, siteId, cam2.deviceId);
    await received(p2, RTP_BYTES);
    const sent2Before = await producerBytes(p2);
    await second.server.usage?.meter.flush();
    const sent2After = await producerBytes(p2);

    const totals = await siteUsage(second, owner2, siteId);
    within3Percent(BigInt(totals.ingestBytes), sent1 + sent2Before, sent1 + sent2After);
    const dev1 = await siteUsage(second, owner2, siteId, cam1.deviceId);
    within3Percent(BigInt(dev1.ingestBytes), sent1, sent1);
    const dev2 = await siteUsage(second, owner2, siteId, cam2.deviceId);
    within3Percent(BigInt(dev2.ingestBytes), sent2Before, sent2After);
    // Two cameras connected in this period; each counted once, however many flushes marked it.
    expect(totals.activeChannels).toBe('2');
    expect(BigInt(totals.signalingMessages)).toBeGreaterThan(0n);
  });

  it('HLS bytes equal the bytes the player received; a clip download counts as consumed', async () => {
    const ts = await startTestServer({ usage, recording: { defaultMode: 'continuous' } });
    servers.push(ts);
    const owner = await ts.mint('viewer', { siteRole: 'owner' });
    const cam = await startCamera(ts);
    cameras.push(cam);
    const list = await until('3 recorded segments', async () => {
      const f = await fragments(ts, owner, ts.siteId, cam.deviceId);
      return f.length >= 3 ? f : undefined;
    });
    const from = list[0]!.producerTime;
    const to = list[2]!.producerTime + list[2]!.durationMs;
    const pb = await api<{ vod: string; clip: string }>(
      ts.url,
      'POST',
      `/api/v1/sites/${ts.siteId}/devices/${cam.deviceId}/recording/playback`,
      { token: owner, body: { from, to } },
    );
    expect(pb.status).toBe(200);

    // A player: the playlist, then every URI it lists (init segment and media segments).
    let hlsReceived = 0;
    const get = async (url: string): Promise<Buffer> => {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      return Buffer.from(await res.arrayBuffer());
    };
    const playlistUrl = new URL(pb.body.vod, ts.url);
    const playlist = await get(playlistUrl.href);
    hlsReceived += playlist.length;
    const uris = playlist
      .toString('utf8')
      .split('\n')
      .flatMap((line) => {
        const map = /^#EXT-X-MAP:URI="([^"]+)"/.exec(line);
        if (map) return [map[1]!];
        return line !== '' && !line.startsWith('#') ? [line] : [];
      });
    expect(uris.length).toBeGreaterThanOrEqual(4);
    for (const uri of uris) hlsReceived += (await get(new URL(uri, playlistUrl).href)).length;
    const clip = await get(new URL(pb.body.clip, ts.url).href);

    await ts.server.usage?.meter.flush();
    const totals = await siteUsage(ts, owner, ts.siteId);
    expect(totals.hlsBytes).toBe(String(hlsReceived));
    // No WebRTC viewer watched: everything consumed is the clip download.
    expect(totals.consumeBytes).toBe(String(clip.length));
    // Segments were written while the camera streamed: stored bytes were integrated.
    expect(BigInt(totals.storedByteSeconds)).toBeGreaterThan(0n);
  });
});
