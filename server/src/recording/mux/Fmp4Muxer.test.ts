import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFragment } from '../media/fragment.ts';
import type { InitSegment, MediaSegment } from '../media/Segmenter.ts';
import { H264Depacketizer } from '../rtp/H264Depacketizer.ts';
import { MediaClock } from '../rtp/MediaClock.ts';
import { ReorderBuffer } from '../rtp/ReorderBuffer.ts';
import { avcc, packetizeH264 } from '../rtp/testSupport.ts';
import { Fmp4Muxer } from './Fmp4Muxer.ts';
import { h264AccessUnits, opusPackets } from './testSupport.ts';

const run = promisify(execFile);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'porchlight-mux-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A deterministic PRNG (mulberry32): reproducible jitter, loss and reordering. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Run {
  init: InitSegment;
  segments: MediaSegment[];
}

interface Camera {
  video: Buffer[][];
  audio: Buffer[];
  /** Wall clock of frame 0's capture. */
  t0: number;
  loss?: number;
  reorder?: number;
  seed?: number;
  /** Audio starts this much after video (capture time). */
  audioDelayMs?: number;
}

/**
 * Sends the camera's media as RTP (x264 frames packetized, 30 fps; Opus every 20 ms; timestamps
 * starting just before the 32-bit wrap) through reorder buffer → depacketizer → muxer, with
 * transit jitter (5-35 ms), and optional loss and reordering.
 */
function record(c: Camera): { runs: Run[]; anchor: number | undefined; emittedFrames: number } {
  const rnd = random(c.seed ?? 1);
  const videoClock = new MediaClock(90_000);
  const audioClock = new MediaClock(48_000);
  const muxer = new Fmp4Muxer({
    video: { clock: videoClock },
    audio: { clock: audioClock, channels: 2 },
    targetSegmentMs: 1600,
  });
  const runs: Run[] = [];
  let anchor: number | undefined;
  let emittedFrames = 0;
  muxer.on('init', (init) => runs.push({ init, segments: [] }));
  muxer.on('segment', (s) => runs[runs.length - 1]!.segments.push(s));
  muxer.on('anchor', (a) => (anchor = a.wallMs));
  const vts0 = 2 ** 32 - 45_000;
  const ats0 = 2 ** 32 - 20_000;
  type Ev = {
    at: number;
    kind: 'v' | 'a';
    seq: number;
    payload: Buffer;
    ts: number;
    marker: boolean;
  };
  const events: Ev[] = [];
  let seq = 65_000;
  c.video.forEach((nals, i) => {
    const capture = c.t0 + (i * 1000) / 30;
    for (const p of packetizeH264(nals, (vts0 + i * 3000) >>> 0, 1200)) {
      events.push({
        at: capture + 5 + rnd() * 30,
        kind: 'v',
        seq: seq++ & 0xffff,
        payload: p.payload,
        ts: p.timestamp,
        marker: p.marker,
      });
    }
  });
  c.audio.forEach((payload, j) => {
    const capture = c.t0 + (c.audioDelayMs ?? 0) + j * 20;
    events.push({
      at: capture + 5 + rnd() * 30,
      kind: 'a',
      seq: j,
      payload,
      ts: (ats0 + j * 960) >>> 0,
      marker: false,
    });
  });
  events.sort((a, b) => a.at - b.at);
  // Reordering beyond transit jitter: swap some neighbours; loss: drop some video packets.
  for (let i = 0; i + 1 < events.length; i++) {
    if (rnd() < (c.reorder ?? 0)) [events[i], events[i + 1]] = [events[i + 1]!, events[i]!];
  }
  const reorder = new ReorderBuffer();
  const depack = new H264Depacketizer();
  const deliver = (o: ReturnType<ReorderBuffer['push']>): void => {
    for (const x of o) {
      for (const au of depack.push(x.seq, x.packet, x.arrivedAt)) {
        emittedFrames++;
        muxer.addVideo({
          data: au.data,
          keyframe: au.keyframe,
          time: videoClock.extend(au.timestamp),
          arrivedAt: au.arrivedAt,
        });
      }
    }
  };
  for (const e of events) {
    if (e.kind === 'a') {
      const time = audioClock.observe(e.ts, e.at);
      muxer.addAudio({ data: e.payload, time, samples: 960, arrivedAt: e.at });
      continue;
    }
    if (rnd() < (c.loss ?? 0)) continue;
    videoClock.observe(e.ts, e.at);
    deliver(
      reorder.push(
        {
          payloadType: 96,
          marker: e.marker,
          sequenceNumber: e.seq,
          timestamp: e.ts,
          ssrc: 1,
          payload: e.payload,
        },
        e.at,
      ),
    );
  }
  deliver(reorder.flush());
  muxer.end();
  return { runs, anchor, emittedFrames };
}

/** Writes a run as one file; ffprobe's view of it and ffmpeg's full decode (errors, frames). */
async function check(
  r: Run,
  name: string,
): Promise<{ errors: string; frames: number; streams: string[]; width: number }> {
  const file = path.join(dir, name);
  await writeFile(file, Buffer.concat([r.init.bytes, ...r.segments.map((s) => s.bytes)]));
  const probe = await run('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', file]);
  const streams = (
    JSON.parse(probe.stdout) as {
      streams: { codec_type: string; codec_name: string; width?: number }[];
    }
  ).streams;
  const decoded = await run('ffmpeg', [
    '-hide_banner',
    '-v',
    'error',
    '-i',
    file,
    '-map',
    '0:v:0',
    '-map',
    '0:a:0',
    '-f',
    'null',
    '-',
    '-progress',
    'pipe:1',
  ]);
  const frames = [...decoded.stdout.matchAll(/^frame=(\d+)$/gm)].map((m) => Number(m[1]));
  return {
    errors: decoded.stderr,
    frames: frames[frames.length - 1] ?? 0,
    streams: streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort(),
    width: streams.find((s) => s.codec_type === 'video')?.width ?? 0,
  };
}

describe('Fmp4Muxer (H264 + Opus from RTP, checked by ffprobe and a full ffmpeg decode)', () => {
  it('writes keyframe-aligned segments that decode with no error, every frame, on a camera-clock anchor', async () => {
    const video = await h264AccessUnits({ width: 320, height: 240, frames: 150, gop: 30 });
    const audio = await opusPackets(5);
    const t0 = 1_700_000_000_000;
    const { runs, anchor } = record({ video, audio, t0 });
    expect(runs).toHaveLength(1);
    const r = runs[0]!;
    expect(r.init.info.codecs).toMatch(/^avc1\.42c0..,opus$/);
    // 5 s at a keyframe a second, cut at the first keyframe after 1.6 s: 2 s segments.
    expect(r.segments.map((s) => Math.round(s.durationMs))).toEqual([2000, 2000, 1000]);
    expect(r.segments.every((s) => s.keyframe)).toBe(true);
    for (let i = 1; i < r.segments.length; i++) {
      const prev = r.segments[i - 1]!;
      expect(r.segments[i]!.startMs).toBeCloseTo(prev.startMs + prev.durationMs, 6);
    }
    // Fragments of at most ~0.5 s (15 frames at 30 fps), two tracks each.
    const first = parseFragment(r.segments[0]!.bytes, r.init.info);
    expect(first.tracks.map((t) => t.id)).toEqual([1, 2]);
    const got = await check(r, 'av.mp4');
    expect(got.errors).toBe('');
    expect(got.streams).toEqual(['audio:opus', 'video:h264']);
    expect(got.frames).toBe(150);
    // Camera time: the timeline zero is frame 0's capture plus the smallest transit (5 ms).
    expect(Math.abs(anchor! - t0)).toBeLessThan(10);
  });

  it('puts audio on the video timeline by the wall clock', async () => {
    const video = await h264AccessUnits({ width: 320, height: 240, frames: 60, gop: 30 });
    const audio = await opusPackets(2);
    const { runs } = record({ video, audio, t0: 1_000_000, audioDelayMs: 300 });
    const r = runs[0]!;
    let audioStart: number | undefined;
    for (const s of r.segments) {
      // Each segment holds several fragments; parseFragment sums them, tfdt is the first's.
      const t = parseFragment(s.bytes, r.init.info).tracks.find((x) => x.id === 2);
      if (t && audioStart === undefined) audioStart = t.baseDecodeTime;
    }
    // 300 ms of 48 kHz = 14 400, within the transit jitter (30 ms).
    expect(Math.abs(audioStart! - 14_400)).toBeLessThan(48 * 31);
  });

  it('starts a new init at a resolution change, on one continuous timeline, every frame decoded', async () => {
    const small = await h264AccessUnits({ width: 320, height: 240, frames: 60, gop: 30 });
    const large = await h264AccessUnits({ width: 640, height: 480, frames: 60, gop: 30 });
    const audio = await opusPackets(4);
    const { runs } = record({ video: [...small, ...large], audio, t0: 5_000 });
    expect(runs.map((r) => r.init.info.tracks[0]!.width)).toEqual([320, 640]);
    const [a, b] = runs as [Run, Run];
    const end = a.segments.at(-1)!;
    expect(b.segments[0]!.startMs).toBeCloseTo(end.startMs + end.durationMs, 6);
    expect(b.segments[0]!.startMs).toBeCloseTo(2000, 6);
    const ca = await check(a, 'small.mp4');
    const cb = await check(b, 'large.mp4');
    expect([ca.errors, cb.errors]).toEqual(['', '']);
    expect([ca.width, cb.width]).toEqual([320, 640]);
    expect(ca.frames + cb.frames).toBe(120);
  });

  it('with packet loss and reordering: no decode error, frames resume at the next keyframe', async () => {
    const video = await h264AccessUnits({ width: 640, height: 480, frames: 180, gop: 30 });
    const audio = await opusPackets(6);
    const { runs, emittedFrames } = record({
      video,
      audio,
      t0: 0,
      loss: 0.01,
      reorder: 0.05,
      seed: 7,
    });
    expect(runs).toHaveLength(1);
    const got = await check(runs[0]!, 'lossy.mp4');
    expect(got.errors).toBe('');
    expect(emittedFrames).toBeLessThan(180);
    expect(emittedFrames).toBeGreaterThan(30);
    expect(got.frames).toBe(emittedFrames);
  });

  it('records a camera without audio, and a microphone alone', async () => {
    const video = await h264AccessUnits({ width: 320, height: 240, frames: 90, gop: 30 });
    const audio = await opusPackets(3);
    const clock = (rate: number): MediaClock => {
      const c = new MediaClock(rate);
      c.observe(0, 0);
      return c;
    };
    const videoOnly = new Fmp4Muxer({ video: { clock: clock(90_000) } });
    const audioOnly = new Fmp4Muxer({ audio: { clock: clock(48_000), channels: 2 } });
    const runs: Run[] = [];
    for (const m of [videoOnly, audioOnly]) {
      m.on('init', (init) => runs.push({ init, segments: [] }));
      m.on('segment', (seg) => runs.at(-1)!.segments.push(seg));
    }
    video.forEach((nals, i) =>
      videoOnly.addVideo({
        data: avcc(nals),
        keyframe: i % 30 === 0,
        time: i * 3000,
        arrivedAt: (i * 1000) / 30,
      }),
    );
    videoOnly.end();
    audio.forEach((data, j) =>
      audioOnly.addAudio({ data, time: j * 960, samples: 960, arrivedAt: j * 20 }),
    );
    audioOnly.end();
    const [v, a] = runs as [Run, Run];
    expect(v.init.info.codecs).toMatch(/^avc1\./);
    expect(a.init.info.codecs).toBe('opus');
    expect(v.segments.map((s) => Math.round(s.durationMs))).toEqual([2000, 1000]);
    expect(a.segments.reduce((n, s) => n + s.durationMs, 0)).toBeCloseTo(audio.length * 20, 0);
    for (const [r, name, map] of [
      [v, 'video-only.mp4', '0:v:0'],
      [a, 'audio-only.mp4', '0:a:0'],
    ] as const) {
      const file = path.join(dir, name);
      await writeFile(file, Buffer.concat([r.init.bytes, ...r.segments.map((s) => s.bytes)]));
      const { stderr } = await run('ffmpeg', [
        '-hide_banner',
        '-v',
        'error',
        '-i',
        file,
        '-map',
        map,
        '-f',
        'null',
        '-',
      ]);
      expect(stderr).toBe('');
    }
  });
});

describe('Fmp4Muxer across RTP timestamp jumps', () => {
  /** Muxes 30 fps video and 20 ms audio whose timestamps jump by `jump` ticks at 1 s. */
  async function jumped(o: { videoJump: number; audioJump: number; pauseMs?: number }) {
    const video = await h264AccessUnits({ width: 320, height: 240, frames: 60, gop: 30 });
    const audio = await opusPackets(2);
    const clock = (rate: number): MediaClock => {
      const c = new MediaClock(rate);
      c.observe(0, 0);
      return c;
    };
    const muxer = new Fmp4Muxer({
      video: { clock: clock(90_000) },
      audio: { clock: clock(48_000), channels: 2 },
    });
    const runs: Run[] = [];
    muxer.on('init', (init) => runs.push({ init, segments: [] }));
    muxer.on('segment', (seg) => runs.at(-1)!.segments.push(seg));
    const pause = o.pauseMs ?? 0;
    const events: { at: number; add: () => void }[] = [];
    video.forEach((nals, i) => {
      const after = i >= 30;
      const at = (i * 1000) / 30 + (after ? pause : 0);
      const time = i * 3000 + (after ? o.videoJump : 0);
      const data = avcc(nals);
      events.push({
        at,
        add: () => muxer.addVideo({ data, keyframe: i % 30 === 0, time, arrivedAt: at }),
      });
    });
    audio.forEach((data, j) => {
      const after = j >= 50;
      const at = j * 20 + (after ? pause : 0);
      const time = j * 960 + (after ? o.audioJump : 0);
      events.push({
        at,
        add: () => muxer.addAudio({ data, time, samples: 960, arrivedAt: at }),
      });
    });
    events.sort((a, b) => a.at - b.at);
    for (const e of events) e.add();
    muxer.end();
    expect(runs).toHaveLength(1);
    const r = runs[0]!;
    const tracks = r.segments.map((s) => parseFragment(s.bytes, r.init.info).tracks);
    const total = (id: number): number =>
      tracks.flat().reduce((n, t) => (t.id === id ? n + t.duration : n), 0);
    return { run: r, videoTicks: total(1), audioTicks: total(2) };
  }

  it("a jump of 2^33 ticks (beyond trun's 32 bits) is a discontinuity: the timeline goes on, every frame decodes", async () => {
    const { run, videoTicks, audioTicks } = await jumped({
      videoJump: 2 ** 33,
      audioJump: 2 ** 34,
    });
    // 60 frames of 1/30 s and 100 packets of 20 ms: the jumps are gone, within a frame or two.
    expect(Math.abs(videoTicks - 2 * 90_000)).toBeLessThan(3 * 3000);
    expect(Math.abs(audioTicks - 2 * 48_000)).toBeLessThan(3 * 960);
    const got = await check(run, 'jump.mp4');
    expect(got.errors).toBe('');
    expect(got.frames).toBe(60);
  });

  it('a jump back by an hour goes on too, instead of dropping every frame after it', async () => {
    const { run, videoTicks } = await jumped({
      videoJump: -3600 * 90_000,
      audioJump: -3600 * 48_000,
    });
    expect(Math.abs(videoTicks - 2 * 90_000)).toBeLessThan(3 * 3000);
    expect((await check(run, 'back.mp4')).frames).toBe(60);
  });

  it('a real pause (arrivals as far apart as the timestamps) keeps its length', async () => {
    const pauseMs = 60_000;
    const { videoTicks, audioTicks } = await jumped({
      videoJump: 60 * 90_000,
      audioJump: 60 * 48_000,
      pauseMs,
    });
    expect(Math.abs(videoTicks - 62 * 90_000)).toBeLessThan(3 * 3000);
    expect(Math.abs(audioTicks - 62 * 48_000)).toBeLessThan(3 * 960);
  });
});
