/**
 * The in-process recorder's other transport: RTP from a mediasoup PlainTransport to a UDP socket
 * the recorder binds before the transport connects (the default is a DirectTransport, see
 * docs/recording.md). A plain-RTP camera with loss and reordering, recorded directly (no
 * StreamRecording): the output must decode with no error and be dated on the camera's clock.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { InProcessRecorder } from '../../src/recording/recorder/InProcessRecorder.ts';
import type { RecordedInit, RecordedSegment } from '../../src/recording/recorder/Recorder.ts';
import { h264AccessUnits, opusPackets } from '../../src/recording/mux/testSupport.ts';
import { FPS, plainRtpCamera, roomKeeper, sendCamera } from './rtpCamera.ts';
import { ffprobe } from './support.ts';

const run = promisify(execFile);

describe('the in-process recorder over a PlainTransport and a UDP socket', () => {
  let ts: TestServer | undefined;
  let dir: string | undefined;
  afterAll(async () => {
    await ts?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('records a lossy camera into fMP4 that decodes with no error, on camera time', async () => {
    const [video, audio] = await Promise.all([
      h264AccessUnits({ width: 640, height: 360, frames: 5 * FPS, gop: FPS }),
      opusPackets(5),
    ]);
    // Recording is off: this test drives the recorder itself.
    ts = await startTestServer({ recording: { defaultMode: 'off' } });
    const deviceId = (await ts.mintWithId('camera', { label: 'Plain' })).id;
    const room = await ts.server.rooms.getOrCreate(ts.siteId);
    roomKeeper(room, ts.siteId);
    const ssrc = { video: 5_300_001, audio: 5_300_002 };
    const cam = await plainRtpCamera(room, ts.siteId, deviceId, ssrc);
    const producers = room.producersOfDevice(deviceId);
    const recorder = await InProcessRecorder.start({
      router: room.router,
      video: producers.find((p) => p.kind === 'video'),
      audio: producers.find((p) => p.kind === 'audio'),
      transport: 'udp',
      segmentMs: 2000,
    });
    const inits: RecordedInit[] = [];
    const segments: RecordedSegment[] = [];
    let anchor: number | undefined;
    recorder.on('init', (i) => inits.push(i));
    recorder.on('segment', (s) => segments.push(s));
    recorder.on('firstFragment', (f) => (anchor = f.endWallMs - f.endMediaMs));
    const exited = new Promise<boolean>((r) => recorder.once('exit', (e) => r(e.expected)));
    const sent = await sendCamera({
      video,
      audio,
      ports: cam.ports,
      ssrc,
      keyframes: [0, 30, 60, 90, 120],
      loss: 0.01,
      reorder: 0.03,
    });
    await recorder.stop();
    expect(await exited).toBe(true);
    expect(await recorder.bytesIngested()).toBeGreaterThan(100_000);

    expect(inits).toHaveLength(1);
    expect(segments.length).toBeGreaterThanOrEqual(2);
    expect(Math.abs(anchor! - sent.capture[0]!)).toBeLessThan(100);
    dir = await mkdtemp(path.join(tmpdir(), 'porchlight-udp-'));
    const file = path.join(dir, 'udp.mp4');
    await writeFile(file, Buffer.concat([inits[0]!.bytes, ...segments.map((s) => s.bytes)]));
    const probe = await ffprobe(file);
    expect(probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual([
      'audio:opus',
      'video:h264',
    ]);
    const { stderr } = await run('ffmpeg', [
      '-hide_banner',
      '-v',
      'error',
      '-i',
      file,
      '-f',
      'null',
      '-',
    ]);
    expect(stderr).toBe('');
    room.leave(cam.peer);
  }, 60_000);

  it('kill() ends a run as a crash: exit is unexpected, the segment in progress is dropped', async () => {
    const deviceId = (await ts!.mintWithId('camera', { label: 'Crash' })).id;
    const room = await ts!.server.rooms.getOrCreate(ts!.siteId);
    const ssrc = { video: 5_300_011, audio: 5_300_012 };
    const cam = await plainRtpCamera(room, ts!.siteId, deviceId, ssrc);
    const producers = room.producersOfDevice(deviceId);
    const recorder = await InProcessRecorder.start({
      router: room.router,
      video: producers.find((p) => p.kind === 'video'),
      audio: undefined,
      segmentMs: 2000,
    });
    const fragments: number[] = [];
    let segments = 0;
    recorder.on('fragment', (f) => fragments.push(f.durationMs));
    recorder.on('segment', () => segments++);
    const exited = new Promise<boolean>((r) => recorder.once('exit', (e) => r(e.expected)));
    const video = await h264AccessUnits({ width: 320, height: 240, frames: 45, gop: 30 });
    const sending = sendCamera({
      video,
      audio: [],
      ports: cam.ports,
      ssrc,
      keyframes: [0, 30],
      loss: 0,
      reorder: 0,
    });
    // Mid-run: the first keyframe's fragments are out, its segment is still open.
    const deadline = Date.now() + 10_000;
    while (fragments.length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(fragments.length).toBeGreaterThanOrEqual(2);
    recorder.kill();
    expect(await exited).toBe(false);
    await sending;
    expect(segments).toBe(0);
    room.leave(cam.peer);
  }, 30_000);
});
