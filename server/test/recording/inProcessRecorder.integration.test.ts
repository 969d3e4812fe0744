/**
 * The in-process recorder end to end: a camera sends H264 + Opus over plain RTP (its frames paced
 * in real time, keyframes at irregular times, 1 % of video packets lost and 3 % reordered on the
 * way, keyframes whole), the server records it without ffmpeg, and independent clients check the result: ffprobe
 * reads H264 + Opus, a full ffmpeg decode reports no error, each segment's camera time is within
 * 100 ms of when the camera captured its first frame, and each segment is playable within 1 s of
 * the end of its media.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../tests/support/http.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import type { Peer } from '../../src/media/Peer.ts';
import type { Room } from '../../src/media/Room.ts';
import { h264AccessUnits, opusPackets } from '../../src/recording/mux/testSupport.ts';
import type { SegmentRecord } from '../../src/recording/types.ts';
import { FPS, plainRtpCamera, roomKeeper, sendCamera, type Sent } from './rtpCamera.ts';
import { ffprobe, until } from './support.ts';

const run = promisify(execFile);
const SECONDS = 8;
/** Irregular keyframe times (s): a camera time off by 0.3 s or more cannot match them by chance. */
const KEYFRAMES = [0, 1.1, 2.5, 3.3, 4.9, 5.6, 7.0];
const SSRC = { video: 5_200_001, audio: 5_200_002 };

describe('the in-process recorder (H264 + Opus over RTP, with loss and reordering)', () => {
  let ts: TestServer;
  let owner: { token: string };
  let deviceId: string;
  let room: Room;
  let keeper: Peer;
  let sent: Sent;
  let segments: SegmentRecord[];
  const lagMs: number[] = [];
  let recorderPid: number | undefined;

  beforeAll(async () => {
    const [video, audio] = await Promise.all([
      h264AccessUnits({
        width: 640,
        height: 360,
        frames: SECONDS * FPS,
        gop: 1000,
        keyframes: KEYFRAMES,
      }),
      opusPackets(SECONDS),
    ]);
    ts = await startTestServer({ recording: { defaultMode: 'continuous' } });
    owner = await ts.mintWithId('viewer', { siteRole: 'owner' });
    deviceId = (await ts.mintWithId('camera', { label: 'Plain' })).id;
    room = await ts.server.rooms.getOrCreate(ts.siteId);
    keeper = roomKeeper(room, ts.siteId);
    const cam = await plainRtpCamera(room, ts.siteId, deviceId, SSRC);
    const service = ts.server.recording.service;
    const stream = await until('the recorder to start', async () => {
      const s = await service.streamOf(deviceId);
      return s?.recorderPid !== undefined ? s : undefined;
    });
    recorderPid = stream.recorderPid;
    stream.on('segment', (r) => lagMs.push(Date.now() - (r.producerTime + r.durationMs)));
    sent = await sendCamera({
      video,
      audio,
      ports: cam.ports,
      ssrc: SSRC,
      keyframes: KEYFRAMES.map((k) => Math.round(k * FPS)),
      loss: 0.01,
      reorder: 0.03,
    });
    // The camera leaves: the recorder writes what it holds.
    room.leave(cam.peer);
    const index = ts.server.recording.index;
    await until('the recorder to stop', () => stream.recorderPid === undefined || undefined);
    await stream.drain();
    segments = await index.allSegments(deviceId);
  }, 60_000);
  afterAll(async () => {
    if (keeper) room.leave(keeper);
    await ts?.close();
  });

  it('records in the server process, no ffmpeg', () => {
    expect(recorderPid).toBe(process.pid);
  });

  it('dates each segment within 100 ms of its first frame’s capture (camera time)', () => {
    const keyframeTimes = KEYFRAMES.map((s) => Math.round(s * FPS));
    for (const s of segments) {
      const diffs = keyframeTimes.map((k) => s.producerTime - sent.capture[k]!);
      const best = diffs.reduce((a, b) => (Math.abs(b) < Math.abs(a) ? b : a));
      const k = keyframeTimes[diffs.indexOf(best)]!;
      const vsSend = s.producerTime - sent.sentAt[k]!;
      console.log(
        `[in-process] segment ${s.seq}: camera time − capture ${best.toFixed(1)} ms, − send ${vsSend.toFixed(1)} ms`,
      );
      expect(Math.abs(best)).toBeLessThan(100);
      expect(Math.abs(vsSend)).toBeLessThan(100);
    }
    // Segments start at the keyframes after 1.6 s each: 0 → 2.5 → 4.9 → 7.0 → end.
    expect(
      segments.map((s) => Math.round((s.producerTime - segments[0]!.producerTime) / 100)),
    ).toEqual([0, 25, 49, 70]);
  });

  it('makes each segment playable within 1 s of the end of its media', () => {
    // The last one is written when the camera leaves, not when its media ends.
    const live = lagMs.slice(0, -1);
    console.log(`[in-process] segment playable after its media ended: ${live.join(', ')} ms`);
    expect(live.length).toBeGreaterThanOrEqual(3);
    for (const l of live) expect(l).toBeLessThan(1000);
  });

  it('plays: ffprobe reads H264 + Opus and a full decode reports no error', async () => {
    const from = segments[0]!.producerTime;
    const end = segments.at(-1)!;
    const pb = await api<{ vod: string }>(
      ts.url,
      'POST',
      `/api/v1/sites/${ts.siteId}/devices/${deviceId}/recording/playback`,
      { token: owner.token, body: { from, to: end.producerTime + end.durationMs - 1 } },
    );
    expect(pb.status).toBe(200);
    const url = `${ts.url}${pb.body.vod}`;
    const probe = await ffprobe(url);
    expect(probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual([
      'audio:opus',
      'video:h264',
    ]);
    const { stderr, stdout } = await run(
      'ffmpeg',
      [
        '-hide_banner',
        '-v',
        'error',
        '-tls_verify',
        '0',
        '-i',
        url,
        '-f',
        'null',
        '-',
        '-progress',
        'pipe:1',
      ],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
    );
    const frames = Number([...stdout.matchAll(/^frame=(\d+)$/gm)].at(-1)?.[1] ?? 0);
    console.log(
      `[in-process] decoded ${frames} of ${SECONDS * FPS} frames sent (${sent.lost} packets lost)`,
    );
    expect(stderr).toBe('');
    expect(sent.lost).toBeGreaterThan(0);
    // Frames after a loss are dropped up to the next keyframe; the rest decode.
    expect(frames).toBeGreaterThan(FPS * 2);
  });
});
