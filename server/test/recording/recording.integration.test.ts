import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { clipUrl } from '@porchlight/sdk';
import { api } from '../../../tests/support/http.ts';
import { transcodeToAac } from '../../src/recording/playback/aacClip.ts';
import { ClipExporter, type ClipPlan } from '../../src/recording/playback/ClipExporter.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { decodeFrames, ffprobe, fragments, startCamera, tempFile, until } from './support.ts';

describe('recording a camera into encrypted segments, replayed over HLS', () => {
  let ts: TestServer;
  let owner: { token: string; id: string };
  let cam: Awaited<ReturnType<typeof startCamera>>;
  const siteId = () => ts.siteId;

  beforeAll(async () => {
    ts = await startTestServer({ recording: { defaultMode: 'continuous' } });
    owner = await ts.mintWithId('viewer', { siteRole: 'owner' });
    cam = await startCamera(ts);
  });
  afterAll(async () => {
    cam?.stop();
    await ts?.close();
  });

  it('indexes keyframe-aligned ~2 s segments with camera and ingest times', async () => {
    const list = await until('5 segments', async () => {
      const f = await fragments(ts, owner.token, siteId(), cam.deviceId);
      return f.length >= 5 ? f : undefined;
    });
    for (const [i, f] of list.entries()) {
      expect(f.keyframe).toBe(true);
      expect(f.durationMs).toBeGreaterThan(1000);
      expect(f.durationMs).toBeLessThan(4000);
      expect(Math.abs(f.ingestTime - f.producerTime)).toBeLessThan(10_000);
      if (i > 0) {
        expect(f.seq).toBe(list[i - 1]!.seq + 1);
        // Contiguous in camera time: each starts where the previous ended.
        expect(
          Math.abs(f.producerTime - (list[i - 1]!.producerTime + list[i - 1]!.durationMs)),
        ).toBeLessThan(150);
      }
    }
  });

  it('an on-demand HLS playlist and an MP4 clip are read by ffprobe with the expected duration', async () => {
    const list = await fragments(ts, owner.token, siteId(), cam.deviceId);
    const from = list[0]!.producerTime;
    const last = list[list.length - 1]!;
    const to = last.producerTime + last.durationMs;
    const pb = await api<{ vod: string; clip: string; live: string }>(
      ts.url,
      'POST',
      `/api/v1/sites/${siteId()}/devices/${cam.deviceId}/recording/playback`,
      { token: owner.token, body: { from, to } },
    );
    expect(pb.status).toBe(200);
    const expectedSec = (to - from) / 1000;
    const playlist = await ffprobe(`${ts.url}${pb.body.vod}`);
    expect(playlist.streams.some((s) => s.codec_type === 'video' && s.width === 320)).toBe(true);
    expect(Math.abs(Number(playlist.format.duration) - expectedSec)).toBeLessThan(2.5);

    const clipRes = await fetch(`${ts.url}${pb.body.clip}`);
    expect(clipRes.status).toBe(200);
    const file = tempFile('clip.mp4', Buffer.from(await clipRes.arrayBuffer()));
    const clip = await ffprobe(file);
    expect(clip.streams.find((s) => s.codec_type === 'video')?.codec_name).toBe('h264');
    expect(Math.abs(Number(clip.format.duration) - expectedSec)).toBeLessThan(2.5);
    expect(await decodeFrames(file)).toBeGreaterThan(expectedSec * 20);
  });

  it('clip audio: a camera without a microphone gives a video-only clip either way; a bad codec is a 400', async () => {
    const list = await fragments(ts, owner.token, siteId(), cam.deviceId);
    const from = list[0]!.producerTime;
    const to = list[2]!.producerTime + list[2]!.durationMs;
    const pb = await api<{ clip: string }>(
      ts.url,
      'POST',
      `/api/v1/sites/${siteId()}/devices/${cam.deviceId}/recording/playback`,
      { token: owner.token, body: { from, to } },
    );
    expect(pb.status).toBe(200);
    for (const url of [pb.body.clip, clipUrl(pb.body.clip, { audio: 'opus' })]) {
      const res = await fetch(`${ts.url}${url}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('video/mp4');
      const file = tempFile('clip.mp4', Buffer.from(await res.arrayBuffer()));
      expect((await ffprobe(file)).streams.map((s) => `${s.codec_type}:${s.codec_name}`)).toEqual([
        'video:h264',
      ]);
      expect(await decodeFrames(file)).toBeGreaterThan(((to - from) / 1000) * 20);
    }
    for (const query of ['audio=mp3', 'audio=aac&extra=1']) {
      const res = await fetch(`${ts.url}${pb.body.clip}?${query}`);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { message: string } };
      expect(body.error.message).toMatch(
        query === 'audio=mp3' ? /audio must be aac or opus/ : /extra/,
      );
    }
  });

  it('an ffmpeg that fails is a 500; a clip failing half way is cut off, never served as complete', async () => {
    const list = await fragments(ts, owner.token, siteId(), cam.deviceId);
    const from = list[0]!.producerTime;
    const to = list[2]!.producerTime + list[2]!.durationMs;
    const pb = await api<{ clip: string }>(
      ts.url,
      'POST',
      `/api/v1/sites/${siteId()}/devices/${cam.deviceId}/recording/playback`,
      { token: owner.token, body: { from, to } },
    );
    const spy = vi.spyOn(ClipExporter.prototype, 'bytes');
    try {
      // ffmpeg exits at once with an error.
      spy.mockImplementation(function (this: ClipExporter, plan: ClipPlan) {
        return transcodeToAac(this.remux(plan), { ffmpegPath: '/bin/false', channels: 1 });
      });
      const failed = await fetch(`${ts.url}${pb.body.clip}`);
      expect(failed.status).toBe(500);
      expect(((await failed.json()) as { error: { code: string } }).error.code).toBe('INTERNAL');

      // The first segment goes out, then the storage fails: the response is aborted.
      spy.mockImplementation(async function* (this: ClipExporter, plan: ClipPlan) {
        yield* this.remux({ ...plan, segments: plan.segments.slice(0, 1) });
        throw new Error('segment unreadable');
      });
      const cut = await fetch(`${ts.url}${pb.body.clip}`);
      expect(cut.status).toBe(200);
      await expect(cut.arrayBuffer()).rejects.toThrow();
    } finally {
      spy.mockRestore();
    }
  });
});
