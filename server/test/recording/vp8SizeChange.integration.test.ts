/**
 * A VP8 camera (transcoded to H264 by the recorder) whose frame size changes: ffmpeg scales the new
 * size to the one its encoder opened with, so the run goes on without a hole (docs/recording.md).
 */
import { PorchlightClient } from '@porchlight/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../tests/support/http.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { YUV, installWrtcGlobals } from '../../../tests/support/wrtc.ts';
import type { SegmentRecord } from '../../src/recording/types.ts';
import { decodeFrames, ffprobe, until } from './support.ts';

/** A wrtc video source that sends 320x240 frames until `grow()`, then 640x480. */
function growingCamera(fps = 30) {
  const w = installWrtcGlobals();
  const source = new w.nonstandard.RTCVideoSource();
  const track = source.createTrack();
  const frame = (width: number, height: number): Uint8Array => {
    const data = new Uint8Array(width * height * 1.5);
    data.fill(YUV.blue[0], 0, width * height);
    data.fill(YUV.blue[1], width * height, width * height * 1.25);
    data.fill(YUV.blue[2], width * height * 1.25);
    return data;
  };
  let size = { width: 320, height: 240, data: frame(320, 240) };
  const timer = setInterval(() => source.onFrame(size), 1000 / fps);
  return {
    track: track as unknown as MediaStreamTrack,
    grow: () => (size = { width: 640, height: 480, data: frame(640, 480) }),
    stop: () => {
      clearInterval(timer);
      track.stop();
    },
  };
}

describe('a transcoded (VP8) camera that changes frame size while recording', () => {
  let ts: TestServer;
  let owner: { token: string };
  let deviceId: string;
  let client: PorchlightClient;
  let camera: ReturnType<typeof growingCamera>;
  let segments: SegmentRecord[];

  beforeAll(async () => {
    ts = await startTestServer({ recording: { defaultMode: 'continuous' } });
    owner = await ts.mintWithId('viewer', { siteRole: 'owner' });
    const cam = await ts.mintWithId('camera', { label: 'Growing' });
    deviceId = cam.id;
    installWrtcGlobals();
    client = new PorchlightClient({
      url: ts.url,
      token: cam.token,
      device: { handlerName: 'Chrome111' },
      socketOptions: { rejectUnauthorized: false },
    });
    await client.connect();
    camera = growingCamera();
    await client.publish(camera.track, { source: 'camera', simulcast: false });
    const all = (): Promise<SegmentRecord[]> => ts.server.recording.index.allSegments(deviceId);
    await until('2 segments at 320x240', async () => (await all()).length >= 2, 25_000);
    camera.grow();
    const grownAt = (await all()).length;
    segments = await until(
      '3 segments after the size change',
      async () => {
        const list = await all();
        return list.length >= grownAt + 3 ? list : undefined;
      },
      25_000,
    );
  });
  afterAll(async () => {
    camera?.stop();
    client?.close();
    await ts?.close();
  });

  it('keeps one run, contiguous in the index, decoding every frame at the first size', async () => {
    const runs = new Set(segments.map((s) => s.runId));
    expect(runs.size).toBe(1);
    for (const [i, s] of segments.slice(1).entries()) {
      const previous = segments[i]!;
      expect(s.seq).toBe(previous.seq + 1);
      expect(Math.abs(s.producerTime - (previous.producerTime + previous.durationMs))).toBeLessThan(
        34,
      );
    }
    const from = segments[1]!.producerTime;
    const last = segments.at(-1)!;
    const to = last.producerTime + last.durationMs;
    const pb = await api<{ vod: string }>(
      ts.url,
      'POST',
      `/api/v1/sites/${ts.siteId}/devices/${deviceId}/recording/playback`,
      { token: owner.token, body: { from, to: to - 1 } },
    );
    expect(pb.status).toBe(200);
    const url = `${ts.url}${pb.body.vod}`;
    const probe = await ffprobe(url);
    expect(probe.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 320 });
    const frames = await decodeFrames(url);
    console.log(`[vp8 size change] decoded ${frames} frames over ${(to - from) / 1000} s`);
    // wrtc paces its encoder itself: at least 90 % of 30 fps, and nothing undecodable.
    expect(frames).toBeGreaterThan(((to - from) / 1000) * 30 * 0.9);
  });
});
