import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fmp4Error, parseFragment, shiftDecodeTimes } from './fmp4.ts';
import {
  Fmp4Segmenter,
  type InitSegment,
  type MediaFragment,
  type MediaSegment,
  type SegmenterOptions,
} from './Segmenter.ts';
import {
  decodeAll,
  ffprobe,
  firstVideoFrameIsKey,
  randomChunks,
  recordFmp4,
  tempDir,
  type TempDir,
} from './testSupport.ts';

interface Run {
  init: InitSegment[];
  segments: MediaSegment[];
  fragments: MediaFragment[];
  errors: Fmp4Error[];
  ends: { discardedBytes: number }[];
  /** Fake clock value of each push. */
  pushTimes: number[];
  chunks: Buffer[];
}

/** Feeds `chunks` to a segmenter on a fake clock (one tick per push) and records its events. */
function segment(chunks: Buffer[], o: SegmenterOptions = {}, end = true): Run {
  let clock = 1_000;
  const run: Run = {
    init: [],
    segments: [],
    fragments: [],
    errors: [],
    ends: [],
    pushTimes: [],
    chunks,
  };
  const s = new Fmp4Segmenter({ ...o, now: () => clock });
  s.on('init', (i) => run.init.push(i));
  s.on('segment', (x) => run.segments.push(x));
  s.on('fragment', (f) => run.fragments.push(f));
  s.on('error', (e) => run.errors.push(e));
  s.on('end', (e) => run.ends.push(e));
  for (const chunk of chunks) {
    clock += 1;
    run.pushTimes.push(clock);
    s.push(chunk);
  }
  if (end) s.end();
  return run;
}

/** The fake clock of the push that delivered byte `offset` of the stream. */
function pushTimeOf(run: Run, offset: number): number {
  let at = 0;
  for (const [i, c] of run.chunks.entries()) {
    if (offset < at + c.length) return run.pushTimes[i]!;
    at += c.length;
  }
  throw new Error('offset past the stream');
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

let dir: TempDir;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(() => dir.remove());

describe('Fmp4Segmenter with H264 + Opus, keyframe every second', () => {
  let stream: Buffer;
  let run: Run;
  beforeAll(async () => {
    stream = await recordFmp4('av', { gop: 30, seconds: 7 });
    run = segment(randomChunks(stream, 42, 3000));
  });

  it('emits the init segment, then ~2 s keyframe segments covering 7 s', () => {
    expect(run.errors).toEqual([]);
    expect(run.init).toHaveLength(1);
    const { info, bytes } = run.init[0]!;
    expect(info.codecs).toBe('avc1.64000d,opus');
    expect(info.tracks.map((t) => [t.kind, t.timescale])).toEqual([
      ['video', 15360],
      ['audio', 48000],
    ]);
    expect(bytes.toString('latin1', 4, 8)).toBe('ftyp');

    const durations = run.segments.map((s) => s.durationMs);
    expect(durations).toHaveLength(4);
    for (const d of durations.slice(0, 3)) expect(d).toBeCloseTo(2000, 0);
    expect(Math.abs(sum(durations) - 7000)).toBeLessThanOrEqual(100);
    expect(run.segments.map((s) => s.fragments)).toEqual([2, 2, 2, 2]);
    let expectedStart = 0;
    for (const s of run.segments) {
      expect(s.keyframe).toBe(true);
      expect(s.startMs).toBeCloseTo(expectedStart, 0);
      expectedStart += s.durationMs;
    }
    expect(run.ends).toEqual([{ discardedBytes: 0 }]);
  });

  it('starts every keyframe segment with a sync sample', async () => {
    const init = run.init[0]!;
    for (const [k, s] of run.segments.entries()) {
      expect(parseFragment(s.bytes, init.info).tracks[0]).toMatchObject({
        id: 1,
        firstSampleIsSync: true,
      });
      const file = await dir.file(`seg${k}.mp4`, Buffer.concat([init.bytes, s.bytes]));
      expect(await firstVideoFrameIsKey(file)).toBe(true);
    }
  });

  it('loses no byte: init + segments play as the whole 7 s recording', async () => {
    const all = Buffer.concat([run.init[0]!.bytes, ...run.segments.map((s) => s.bytes)]);
    const withoutTrailer = stream.subarray(0, all.length);
    expect(all.equals(withoutTrailer)).toBe(true); // only ffmpeg's trailing mfra is dropped
    const probe = await ffprobe(await dir.file('all.mp4', all));
    expect(probe.streams.map((s) => s.codec_name)).toEqual(['h264', 'opus']);
    expect(Number(probe.format.duration)).toBeCloseTo(7, 0);
    expect(Math.abs(Number(probe.format.duration) - 7)).toBeLessThan(0.1);
  });

  it('makes init + any one keyframe segment decodable on its own', async () => {
    const init = run.init[0]!.bytes;
    const file = await dir.file('alone.mp4', Buffer.concat([init, run.segments[2]!.bytes]));
    expect(await decodeAll(file)).toEqual({ code: 0, stderr: '' });
  });

  it('emits every fragment, with its timing and independence', () => {
    expect(run.fragments).toHaveLength(8);
    const fragmentBytes = Buffer.concat(run.fragments.map((f) => f.bytes));
    expect(fragmentBytes.equals(Buffer.concat(run.segments.map((s) => s.bytes)))).toBe(true);
    expect(run.fragments.slice(0, 7).map((f) => [f.startMs, f.durationMs, f.independent])).toEqual(
      [0, 1, 2, 3, 4, 5, 6].map((s) => [s * 1000, 1000, true]),
    );
    // ffmpeg's last fragment holds only the audio tail, after the last video frame.
    expect(run.fragments[7]!.independent).toBe(false);
  });

  it('stamps each segment with the arrival time of its first byte', () => {
    let offset = run.init[0]!.bytes.length;
    for (const s of run.segments) {
      expect(s.firstByteAt).toBe(pushTimeOf(run, offset));
      offset += s.bytes.length;
    }
  });

  it('gives identical output for 1-byte chunks', () => {
    const bytewise = segment(randomChunks(stream, 7, 1));
    expect(bytewise.errors).toEqual([]);
    expect(bytewise.init[0]!.bytes.equals(run.init[0]!.bytes)).toBe(true);
    const meta = (r: Run): unknown[] => r.segments.map(({ bytes: _, firstByteAt: __, ...s }) => s);
    expect(meta(bytewise)).toEqual(meta(run));
    for (const [k, s] of bytewise.segments.entries()) {
      expect(s.bytes.equals(run.segments[k]!.bytes)).toBe(true);
    }
    let offset = run.init[0]!.bytes.length;
    for (const s of bytewise.segments) {
      expect(s.firstByteAt).toBe(pushTimeOf(bytewise, offset));
      offset += s.bytes.length;
    }
  });

  it('shifts a segment to start at 0 for a stand-alone clip', async () => {
    const { info, bytes: init } = run.init[0]!;
    const second = run.segments[1]!;
    const tracks = parseFragment(second.bytes, info).tracks;
    const timescale = (id: number): number => info.tracks.find((t) => t.id === id)!.timescale;
    // One shift in seconds for all tracks keeps audio and video in sync.
    const startSeconds = Math.min(...tracks.map((t) => t.baseDecodeTime / timescale(t.id)));
    expect(startSeconds).toBeCloseTo(2, 2);
    const shift = new Map(tracks.map((t) => [t.id, Math.round(startSeconds * timescale(t.id))]));
    const clip = Buffer.concat([init, shiftDecodeTimes(second.bytes, shift)]);
    const file = await dir.file('clip.mp4', clip);
    const probe = await ffprobe(file);
    expect(Number(probe.format.start_time)).toBeCloseTo(0, 1);
    for (const s of probe.streams) expect(Number(s.start_time)).toBeLessThan(0.1);
    expect(Number(probe.format.duration)).toBeCloseTo(2, 0);
    expect((await decodeAll(file)).code).toBe(0);
  });

  it('emits complete segments and reports the discarded tail of a cut-off stream', () => {
    const sevenFragments = sum(run.fragments.slice(0, 7).map((f) => f.bytes.length));
    const cutAt = run.init[0]!.bytes.length + sevenFragments + 200;
    const cut = segment([stream.subarray(0, cutAt)]);
    expect(cut.errors).toEqual([]);
    expect(cut.segments).toHaveLength(4);
    expect(cut.segments[3]!.fragments).toBe(1); // the fragment missing its mdat end is dropped
    expect(cut.ends[0]!.discardedBytes).toBe(200);
  });
});

describe('Fmp4Segmenter without regular keyframes', () => {
  it('cuts at maxDurationMs even without a keyframe', async () => {
    const stream = await recordFmp4('av', { gop: 300, seconds: 7 });
    const run = segment(randomChunks(stream, 3, 10_000));
    expect(run.errors).toEqual([]);
    expect(run.segments.map((s) => s.keyframe)).toEqual([true, false]);
    expect(run.segments[0]!.durationMs).toBeCloseTo(6000, 0);
    // The last segment also holds ffmpeg's trailing audio-only fragment (~67 ms past the video).
    expect(run.segments[1]!.durationMs).toBeGreaterThanOrEqual(1000);
    expect(run.segments[1]!.durationMs).toBeLessThan(1100);
    expect(run.fragments.map((f) => f.independent).slice(0, 7)).toEqual([
      true,
      ...Array<boolean>(6).fill(false),
    ]);
    const file = await dir.file(
      'gop300.mp4',
      Buffer.concat([run.init[0]!.bytes, run.segments[0]!.bytes]),
    );
    expect((await decodeAll(file)).code).toBe(0);
  });

  it('honours custom target and max durations', async () => {
    const stream = await recordFmp4('video', { gop: 300, seconds: 5 });
    const run = segment([stream], { targetDurationMs: 1000, maxDurationMs: 2000 });
    expect(run.segments.map((s) => Math.round(s.durationMs))).toEqual([2000, 2000, 1000]);
    expect(() => new Fmp4Segmenter({ targetDurationMs: 2000, maxDurationMs: 1000 })).toThrow(
      RangeError,
    );
  });
});

describe('Fmp4Segmenter with a single track', () => {
  it('cuts audio-only streams at the target duration', async () => {
    const run = segment(randomChunks(await recordFmp4('audio', { seconds: 7 }), 5, 2000));
    expect(run.errors).toEqual([]);
    expect(run.init[0]!.info.codecs).toBe('opus');
    const durations = run.segments.map((s) => s.durationMs);
    expect(durations.slice(0, 3).map(Math.round)).toEqual([2000, 2000, 2000]);
    expect(Math.abs(sum(durations) - 7000)).toBeLessThanOrEqual(100);
    expect(run.segments.every((s) => s.keyframe)).toBe(true);
  });

  it('cuts video-only streams at keyframes', async () => {
    const stream = await recordFmp4('video', { gop: 30, seconds: 7 });
    const run = segment(randomChunks(stream, 9, 2000));
    expect(run.errors).toEqual([]);
    expect(run.init[0]!.info.codecs).toBe('avc1.64000d');
    expect(run.init[0]!.info.tracks[0]).toMatchObject({ width: 320, height: 240 });
    expect(run.segments.map((s) => [Math.round(s.durationMs), s.keyframe])).toEqual([
      [2000, true],
      [2000, true],
      [2000, true],
      [1000, true],
    ]);
    const all = Buffer.concat([run.init[0]!.bytes, ...run.segments.map((s) => s.bytes)]);
    const probe = await ffprobe(await dir.file('video.mp4', all));
    expect(probe.streams.map((s) => s.codec_type)).toEqual(['video']);
    expect(Number(probe.format.duration)).toBeCloseTo(7, 1);
  });
});

describe('Fmp4Segmenter on malformed input', () => {
  it('emits error for garbage instead of throwing, then ignores the stream', () => {
    const garbage = Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff]), randomBytes(4096)]);
    const run = segment(randomChunks(garbage, 11, 100));
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toBeInstanceOf(Fmp4Error);
    expect(run.ends).toEqual([{ discardedBytes: expect.any(Number) as number }]);
  });

  it('emits error for random bytes too', () => {
    for (let i = 0; i < 20; i++) {
      const run = segment([randomBytes(1 + i * 97)], {}, false);
      expect(run.errors.length).toBeLessThanOrEqual(1);
      expect(run.init).toEqual([]);
    }
    const noListener = new Fmp4Segmenter();
    expect(() => noListener.push(Buffer.from([0, 0, 0, 1, 0, 0, 0, 0]))).not.toThrow();
  });

  it('emits error for media before the init, and for corruption after it', async () => {
    const stream = await recordFmp4('audio', { seconds: 2 });
    const boxes = segment([stream]);
    const init = boxes.init[0]!.bytes;
    const media = stream.subarray(init.length);
    expect(segment([media]).errors[0]?.message).toMatch(/before the moov/);

    const corrupt = Buffer.from(stream);
    corrupt.writeUInt32BE(3, init.length); // size field of the first moof
    const run = segment([corrupt]);
    expect(run.init).toHaveLength(1);
    expect(run.errors).toHaveLength(1);
    expect(run.segments).toEqual([]);

    const moofTwice = Buffer.concat([init, media.subarray(0, 300), media.subarray(0, 300)]);
    expect(segment([moofTwice]).errors[0]?.message).toMatch(/moof without mdat/);
  });
});
