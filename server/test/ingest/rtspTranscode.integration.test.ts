/**
 * A camera that is not H264 + Opus: GStreamer's RTSP server sending MJPEG video and G.711 A-law
 * audio (as many older IP cameras do). The server transcodes both (H264 for viewers and recording,
 * Opus for audio) and the recording plays back with both tracks.
 */
import type { Device, ProbeResult } from '@porchlight/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGstRtsp, type GstRtspServer } from '../../../tests/support/gstRtsp.ts';
import { api } from '../../../tests/support/http.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { ffprobe, fragments, until } from '../recording/support.ts';

describe('an MJPEG + G.711 RTSP camera is transcoded to H264 + Opus', () => {
  let ts: TestServer;
  let token: string;
  let gst: GstRtspServer;
  const site = () => `/api/v1/sites/${ts.siteId}`;

  beforeAll(async () => {
    ts = await startTestServer({ recording: { defaultMode: 'continuous' } });
    token = (await ts.mintWithId('viewer', { siteRole: 'owner' })).token;
    gst = await startGstRtsp({ video: 'mjpeg', audio: 'pcma' });
  });
  afterAll(async () => {
    await ts?.close();
    await gst?.stop();
  });

  it('the probe says what will be transcoded; the camera is recorded as H264 with Opus audio', async () => {
    const probe = await api<ProbeResult>(ts.url, 'POST', `${site()}/ingest/rtsp/probe`, {
      token,
      body: { url: gst.url },
    });
    expect(probe.body).toMatchObject({
      ok: true,
      video: { codec: 'mjpeg', action: 'transcode' },
      audio: { codec: 'pcm_alaw', action: 'transcode' },
    });
    const created = await api<{ device: Device }>(ts.url, 'POST', `${site()}/ingest/rtsp`, {
      token,
      body: { name: 'Old camera', url: gst.url, transport: 'udp' },
    });
    const id = created.body.device.id;
    const list = await until(
      '2 segments',
      async () => {
        const f = await fragments(ts, token, ts.siteId, id);
        return f.length >= 2 ? f : undefined;
      },
      40_000,
    );
    const last = list[list.length - 1]!;
    const pb = await api<{ vod: string }>(
      ts.url,
      'POST',
      `${site()}/devices/${id}/recording/playback`,
      { token, body: { from: list[0]!.producerTime, to: last.producerTime + last.durationMs } },
    );
    const tracks = (await ffprobe(`${ts.url}${pb.body.vod}`)).streams.map(
      (s) => `${s.codec_type}:${s.codec_name}`,
    );
    expect(tracks).toContain('video:h264');
    expect(tracks.some((t) => t.startsWith('audio:'))).toBe(true);
  });
});
