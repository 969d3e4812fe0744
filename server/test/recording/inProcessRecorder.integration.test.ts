/**
 * The in-process recorder end to end: a camera sends H264 + Opus over plain RTP (its frames paced
 * in real time, keyframes at irregular times, 1 % of video packets lost and 3 % reordered on the
 * way, keyframes whole), the server records it without ffmpeg, and independent clients check the result: ffprobe
 * reads H264 + Opus, a full ffmpeg decode reports no error, each segment's camera time is within
 * 100 ms of when the camera captured its first frame, and each segment is playable within 1 s of
 * the end of its media.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import { promisify } from 'node:util';
import type { RequestOf } from '@porchlight/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../tests/support/http.ts';
import { joinPlainCamera } from '../../../tests/support/plainCamera.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { Peer } from '../../src/media/Peer.ts';
import type { Room } from '../../src/media/Room.ts';
import { h264AccessUnits, opusPackets } from '../../src/recording/mux/testSupport.ts';
import { serializeRtp } from '../../src/recording/rtp/RtpPacket.ts';
import { packetizeH264 } from '../../src/recording/rtp/testSupport.ts';
import type { SegmentRecord } from '../../src/recording/types.ts';
import { ffprobe, until } from './support.ts';

const run = promisify(execFile);
const FPS = 30;
const SECONDS = 8;
/** Irregular keyframe times (s): a camera time off by 0.3 s or more cannot match them by chance. */
const KEYFRAMES = [0, 1.1, 2.5, 3.3, 4.9, 5.6, 7.0];
const SSRC = { video: 5_200_001, audio: 5_200_002 };
const H264 = {
  mimeType: 'video/H264',
  payloadType: 102,
  clockRate: 90000,
  parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' },
  rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
};
const OPUS = { mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 };

/** mulberry32: reproducible loss and reordering. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Sent {
  /** Scheduled capture time of each frame (the camera's clock). */
  capture: number[];
  /** When each frame's first packet left the camera. */
  sentAt: number[];
  lost: number;
}

/** Sends the frames and audio in real time; returns when everything was sent. */
async function sendCamera(o: {
  video: Buffer[][];
  audio: Buffer[];
  ports: { video: number; audio: number };
}): Promise<Sent> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  const rnd = random(42);
  const send = (b: Buffer, port: number): void => socket.send(b, port, '127.0.0.1');
  const t0 = Date.now() + 50;
  const sent: Sent = { capture: [], sentAt: [], lost: 0 };
  type Ev = { at: number; go: () => void };
  const events: Ev[] = [];
  let vseq = 1000;
  o.video.forEach((nals, i) => {
    const at = t0 + (i * 1000) / FPS;
    sent.capture.push(at);
    events.push({
      at,
      go: () => {
        sent.sentAt[i] = Date.now();
        const packets = packetizeH264(nals, (i * 3000) >>> 0, 1200).map((p) =>
          serializeRtp({
            ...p,
            payloadType: H264.payloadType,
            sequenceNumber: vseq++ & 0xffff,
            ssrc: SSRC.video,
          }),
        );
        // The camera ignores keyframe requests, so keyframes are never lost here: each loss in
        // a delta frame costs the frames up to the next keyframe, not the rest of the recording.
        const keyframe = KEYFRAMES.some((k) => Math.round(k * FPS) === i);
        for (let k = 0; k < packets.length; k++) {
          if (!keyframe && rnd() < 0.01) {
            sent.lost++;
            continue;
          }
          if (k + 1 < packets.length && rnd() < 0.03) {
            send(packets[k + 1]!, o.ports.video);
            send(packets[k]!, o.ports.video);
            k++;
            continue;
          }
          send(packets[k]!, o.ports.video);
        }
      },
    });
  });
  o.audio.forEach((payload, j) => {
    events.push({
      at: t0 + j * 20,
      go: () =>
        send(
          serializeRtp({
            payloadType: OPUS.payloadType,
            marker: j === 0,
            sequenceNumber: j,
            timestamp: 7_000 + j * 960,
            ssrc: SSRC.audio,
            payload,
          }),
          o.ports.audio,
        ),
    });
  });
  events.sort((a, b) => a.at - b.at);
  for (const e of events) {
    const wait = e.at - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    e.go();
  }
  socket.close();
  return sent;
}

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
    keeper = new Peer({
      ...{ id: randomUUID(), siteId: ts.siteId, role: 'viewer', label: 'keeper' },
      ...{ deviceId: undefined, can: () => true, notify: () => {} },
    });
    room.join(keeper);
    const cam = joinPlainCamera(room, { siteId: ts.siteId, deviceId, label: 'Plain' });
    const vt = await cam.transport();
    const at = await cam.transport();
    const rtcp = { cname: 'plain-camera', reducedSize: false };
    const params = (p: object): RequestOf<'produce'>['rtpParameters'] =>
      p as RequestOf<'produce'>['rtpParameters'];
    await room.produce(cam.peer, {
      transportId: vt.id,
      kind: 'video',
      source: 'camera',
      rtpParameters: params({ codecs: [H264], encodings: [{ ssrc: SSRC.video }], rtcp }),
    });
    await room.produce(cam.peer, {
      transportId: at.id,
      kind: 'audio',
      source: 'microphone',
      rtpParameters: params({ codecs: [OPUS], encodings: [{ ssrc: SSRC.audio }], rtcp }),
    });
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
      ports: { video: vt.tuple.localPort, audio: at.tuple.localPort },
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
