/**
 * A camera ramps up from 320x240 to 640x480 while recorded. What reaches the recorder is what a
 * simulcast layer switch gives it (mediasoup switches at the new layer's keyframe and keeps
 * sequence numbers and timestamps continuous): one RTP stream whose SPS/PPS change at a keyframe.
 * Here the camera side makes that stream (see `resolutionSwitch`), so the switch time is
 * deterministic. The recording must go on without a hole: a new run starts at that keyframe
 * inside the same ffmpeg process, and every frame around the switch is recorded and decodes.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
const run = promisify(execFile);
import type { RequestOf } from '@porchlight/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../tests/support/http.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { joinPlainCamera } from '../../../tests/support/plainCamera.ts';
import { Peer } from '../../src/media/Peer.ts';
import type { Room } from '../../src/media/Room.ts';
import type { RecordingRun, SegmentRecord } from '../../src/recording/types.ts';
import { decodeFrames, ffprobe, until } from './support.ts';

const FPS = 30;
const FRAME_MS = 1000 / FPS;
const SSRC = { low: 4_100_001, high: 4_100_002, audio: 4_100_003 };
const H264 = {
  mimeType: 'video/H264',
  payloadType: 102,
  clockRate: 90000,
  parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' },
  rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
};
const OPUS = { mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 };
const noop = (): void => {};

/** The RTP packet carries an SPS (alone or in a STAP-A): the start of a keyframe (dump_extra). */
function startsKeyframe(rtp: Buffer): boolean {
  const csrcs = (rtp[0]! & 0x0f) * 4;
  const ext = rtp[0]! & 0x10 ? 4 + rtp.readUInt16BE(14 + csrcs) * 4 : 0;
  let at = 12 + csrcs + ext;
  if ((rtp[at]! & 0x1f) !== 24) return (rtp[at]! & 0x1f) === 7;
  for (at += 1; at + 2 < rtp.length; at += 2 + rtp.readUInt16BE(at)) {
    if ((rtp[at + 2]! & 0x1f) === 7) return true;
  }
  return false;
}

/**
 * The camera's encoder: a UDP relay in front of the video PlainTransport that sends the low
 * layer, and after `switchUp()` continues the same RTP stream (SSRC, sequence numbers,
 * timestamps) with the high layer from its next keyframe, as an encoder changing resolution does.
 */
async function resolutionSwitch(target: { rtp: number; rtcp: number }) {
  const bind = (): Promise<dgram.Socket> =>
    new Promise((resolve) => {
      const s = dgram.createSocket('udp4');
      s.bind(0, '127.0.0.1', () => resolve(s));
    });
  const rtp = await bind();
  const rtcp = await bind();
  let wanted = false;
  let offsets: { seq: number; ts: number } | undefined;
  let last = { seq: 0, ts: 0 };
  rtp.on('message', (m) => {
    if (m.length < 13) return;
    const ssrc = m.readUInt32BE(8);
    if (!offsets && ssrc === SSRC.low) {
      last = { seq: m.readUInt16BE(2), ts: m.readUInt32BE(4) };
      rtp.send(m, target.rtp, '127.0.0.1');
      return;
    }
    if (ssrc !== SSRC.high || !wanted) return;
    // The high layer's frame takes the slot after the last low-layer frame sent.
    offsets ??= startsKeyframe(m)
      ? { seq: last.seq + 1 - m.readUInt16BE(2), ts: last.ts + 90_000 / FPS - m.readUInt32BE(4) }
      : undefined;
    if (!offsets) return;
    m.writeUInt16BE((m.readUInt16BE(2) + offsets.seq) & 0xffff, 2);
    m.writeUInt32BE((m.readUInt32BE(4) + offsets.ts) >>> 0, 4);
    m.writeUInt32BE(SSRC.low, 8);
    rtp.send(m, target.rtp, '127.0.0.1');
  });
  // Sender reports of the low layer only: the stream keeps the low layer's clock.
  rtcp.on('message', (m) => {
    if (m.length >= 8 && m.readUInt32BE(4) === SSRC.low) rtcp.send(m, target.rtcp, '127.0.0.1');
  });
  return {
    ports: { rtp: rtp.address().port, rtcp: rtcp.address().port },
    switchUp: () => (wanted = true),
    close: () => [rtp, rtcp].forEach((s) => s.close()),
  };
}

/**
 * Two H264 layers of one picture (320x240 and 640x480, a keyframe a second, SPS/PPS before each
 * keyframe as browsers send them) and Opus, encoded once: the test box is shared and busy, and a
 * live encode falling behind would itself lose frames.
 */
async function encodeClip(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-layers-'));
  const clip = path.join(dir, 'layers.ts');
  const x264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'baseline'];
  const gop = ['-g', String(FPS), '-keyint_min', String(FPS), '-sc_threshold', '0'];
  await run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'],
    ...['-f', 'lavfi', '-i', `testsrc2=size=640x480:rate=${FPS}`],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '40'],
    ...['-filter_complex', '[0:v]split[a][high];[a]scale=320:240[low]'],
    ...['-map', '[low]', '-map', '[high]', '-map', '1:a', ...x264, ...gop],
    ...['-pix_fmt', 'yuv420p', '-b:v:0', '300k', '-b:v:1', '900k', '-bsf:v', 'dump_extra'],
    ...['-c:a', 'libopus', '-ac', '2', '-f', 'mpegts', clip],
  ]);
  return clip;
}

/** Sends the clip's layers and audio over RTP at its native rate (`-c copy`). */
function startSource(
  clip: string,
  video: { rtp: number; rtcp: number },
  audio: { rtp: number; rtcp: number },
): ChildProcess {
  const out = (ssrc: number, pt: number, to: { rtp: number; rtcp: number }): string[] => [
    ...['-c', 'copy', '-payload_type', String(pt), '-ssrc', String(ssrc), '-f', 'rtp'],
    `rtp://127.0.0.1:${to.rtp}?rtcpport=${to.rtcp}&pkt_size=1200`,
  ];
  return spawn(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-i', clip],
      ...['-map', '0:v:0', ...out(SSRC.low, 102, video)],
      ...['-map', '0:v:1', ...out(SSRC.high, 102, video)],
      ...['-map', '0:a:0', ...out(SSRC.audio, 100, audio)],
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

/** A camera Peer in the site's Room publishing through PlainTransports (Room.produce, as SDK cameras do). */
async function rampingCamera(room: Room, siteId: string, deviceId: string, clip: string) {
  const { peer, transport } = joinPlainCamera(room, { siteId, deviceId, label: 'Ramp' });
  const vt = await transport();
  const at = await transport();
  const rtcp = { cname: 'ramp-camera', reducedSize: false };
  const params = (p: object): RequestOf<'produce'>['rtpParameters'] =>
    p as RequestOf<'produce'>['rtpParameters'];
  await room.produce(peer, {
    transportId: vt.id,
    kind: 'video',
    source: 'camera',
    rtpParameters: params({
      codecs: [H264],
      encodings: [{ ssrc: SSRC.low }],
      rtcp,
    }),
  });
  await room.produce(peer, {
    transportId: at.id,
    kind: 'audio',
    source: 'microphone',
    rtpParameters: params({ codecs: [OPUS], encodings: [{ ssrc: SSRC.audio }], rtcp }),
  });
  const gate = await resolutionSwitch({ rtp: vt.tuple.localPort, rtcp: vt.rtcpTuple!.localPort });
  const source = startSource(clip, gate.ports, {
    rtp: at.tuple.localPort,
    rtcp: at.rtcpTuple!.localPort,
  });
  return { peer, gate, source };
}

describe('a resolution change (simulcast ramp-up) while recording', () => {
  let ts: TestServer;
  let owner: { token: string };
  let deviceId: string;
  let room: Room;
  let keeper: Peer;
  let cam: { peer: Peer; gate: Awaited<ReturnType<typeof resolutionSwitch>>; source: ChildProcess };
  let segments: SegmentRecord[];
  let clipDir: string | undefined;
  const segmentsOf = (runId: string): SegmentRecord[] => segments.filter((s) => s.runId === runId);
  /** The device's runs in recording order (both runs of one recorder share their start time). */
  const runsInOrder = async (): Promise<RecordingRun[]> => {
    const runs = await ts.server.recording.index.listRuns(deviceId);
    const firstSeq = (r: RecordingRun): number => segmentsOf(r.id)[0]?.seq ?? Infinity;
    return runs.sort((x, y) => firstSeq(x) - firstSeq(y));
  };

  beforeAll(async () => {
    ts = await startTestServer({ recording: { defaultMode: 'continuous' } });
    owner = await ts.mintWithId('viewer', { siteRole: 'owner' });
    deviceId = (await ts.mintWithId('camera', { label: 'Ramp' })).id;
    room = await ts.server.rooms.getOrCreate(ts.siteId);
    keeper = new Peer({
      ...{ id: randomUUID(), siteId: ts.siteId, role: 'viewer', label: 'keeper' },
      ...{ deviceId: undefined, can: () => true, notify: noop },
    });
    room.join(keeper);
    const clip = await encodeClip();
    clipDir = path.dirname(clip);
    cam = await rampingCamera(room, ts.siteId, deviceId, clip);
    const index = ts.server.recording.index;
    const all = (): Promise<SegmentRecord[]> => index.allSegments(deviceId);
    // The low layer records for a while, then the high layer starts flowing.
    await until('3 low-layer segments', async () => (await all()).length >= 3, 25_000);
    cam.gate.switchUp();
    segments = await until(
      'a second run with 3 segments',
      async () => {
        const list = await all();
        const runs = [...new Set(list.map((s) => s.runId))];
        return runs.length >= 2 && list.filter((s) => s.runId === runs[1]).length >= 3
          ? list
          : undefined;
      },
      25_000,
    );
  });
  afterAll(async () => {
    cam?.source.kill('SIGKILL');
    cam?.gate.close();
    if (cam) room.leave(cam.peer);
    if (keeper) room.leave(keeper);
    await ts?.close();
    if (clipDir) fs.rmSync(clipDir, { recursive: true, force: true });
  });

  it('records the high layer as a new run of the same recorder, gapless in the index', async () => {
    const runs = await runsInOrder();
    expect(runs.map((r) => `${r.width}x${r.height}`)).toEqual(['320x240', '640x480']);
    const [a, b] = runs.map((r) => segmentsOf(r.id)) as [SegmentRecord[], SegmentRecord[]];
    const lastA = a.at(-1)!;
    const firstB = b[0]!;
    expect(firstB.seq).toBe(lastA.seq + 1);
    expect(firstB.keyframe).toBe(true);
    const gapMs = firstB.producerTime - (lastA.producerTime + lastA.durationMs);
    console.log(`[layer switch] index gap between runs: ${gapMs} ms`);
    expect(Math.abs(gapMs)).toBeLessThanOrEqual(FRAME_MS);
  });

  it('plays each run at its own size and decodes every frame across the switch', async () => {
    const runs = await runsInOrder();
    const [a, b] = runs.map((r) => segmentsOf(r.id)) as [SegmentRecord[], SegmentRecord[]];
    const playback = async (from: number, to: number): Promise<string> => {
      const pb = await api<{ vod: string }>(
        ts.url,
        'POST',
        `/api/v1/sites/${ts.siteId}/devices/${deviceId}/recording/playback`,
        { token: owner.token, body: { from, to } },
      );
      expect(pb.status).toBe(200);
      return `${ts.url}${pb.body.vod}`;
    };
    const end = (s: SegmentRecord): number => s.producerTime + s.durationMs;
    // Each run alone (its last / first two segments) through its own init segment.
    const runA = await playback(a.at(-2)!.producerTime, end(a.at(-1)!) - 1);
    const runB = await playback(b[0]!.producerTime, end(b[1]!) - 1);
    for (const [url, width] of [
      [runA, 320],
      [runB, 640],
    ] as const) {
      const probe = await ffprobe(url);
      expect(probe.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width });
    }
    // Across the switch: two segments before it, two after, one VOD playlist.
    const from = a.at(-2)!.producerTime;
    const to = end(b[1]!);
    const across = await playback(from, to - 1);
    // Frame times decoded across the boundary. A missing frame would show as a step of two
    // intervals; steps vary by a few ms where the recorder's ffmpeg re-bases RTP time on a
    // sender report.
    const { stdout } = await run('ffprobe', [
      ...['-v', 'error', '-tls_verify', '0', '-select_streams', 'v'],
      ...['-show_entries', 'frame=pts_time', '-of', 'csv=p=0', across],
    ]);
    const times = stdout.trim().split('\n').map(Number);
    const steps = times.slice(1).map((t, i) => (t - times[i]!) * 1000);
    const maxStep = Math.max(...steps);
    console.log(`[layer switch] largest step between decoded frames: ${maxStep.toFixed(1)} ms`);
    expect(maxStep).toBeLessThan(1.5 * FRAME_MS);
    const frames = await decodeFrames(across);
    const expected = ((to - from) / 1000) * FPS;
    console.log(
      `[layer switch] decoded ${frames} frames across the switch, expected ${expected.toFixed(1)}`,
    );
    expect(Math.abs(frames - expected)).toBeLessThanOrEqual(1);
  });
});
