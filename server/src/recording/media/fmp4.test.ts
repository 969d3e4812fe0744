import { beforeAll, describe, expect, it } from 'vitest';
import {
  BoxSplitter,
  Fmp4Error,
  parseFragment,
  parseInit,
  shiftDecodeTimes,
  type InitInfo,
} from './fmp4.ts';
import { ffprobe, randomChunks, recordFmp4, tempDir } from './testSupport.ts';

/** An ISO-BMFF box with a 32-bit size. */
function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
}
function u32(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}
function u64(value: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(value);
  return b;
}
/** FullBox version and flags. */
function vf(version: number, flags: number): Buffer {
  return u32(((version << 24) | flags) >>> 0);
}
function typesOf(boxes: Buffer[]): string[] {
  return boxes.map((b) => b.toString('latin1', 4, 8));
}

/** A moof+mdat of one track, fields given as raw words. */
function fragment(o: {
  trackId?: number;
  tfhdFlags?: number;
  tfhdFields?: number[];
  tfdt: { version: 0 | 1; time: bigint };
  trunFlags: number;
  trunWords: number[];
}): Buffer {
  const trackId = o.trackId ?? 1;
  const tfdtTime = o.tfdt.version === 1 ? u64(o.tfdt.time) : u32(Number(o.tfdt.time));
  const traf = box(
    'traf',
    box('tfhd', vf(0, 0x020000 | (o.tfhdFlags ?? 0)), u32(trackId, ...(o.tfhdFields ?? []))),
    box('tfdt', vf(o.tfdt.version, 0), tfdtTime),
    box('trun', vf(0, o.trunFlags), u32(...o.trunWords)),
  );
  return Buffer.concat([box('moof', box('mfhd', vf(0, 0), u32(1)), traf), box('mdat')]);
}

const videoInit = (defaults: { sampleDuration: number; sampleFlags: number }): InitInfo => ({
  codecs: 'avc1.64000d',
  tracks: [
    {
      id: 1,
      kind: 'video',
      timescale: 90000,
      codec: 'avc1.64000d',
      defaults: { ...defaults, sampleSize: 0 },
    },
  ],
});

describe('BoxSplitter', () => {
  let stream: Buffer;
  beforeAll(async () => {
    stream = await recordFmp4('av', { seconds: 3 });
  });

  it('returns the same boxes whatever the chunking, down to single bytes', () => {
    const whole = new BoxSplitter().push(stream);
    expect(typesOf(whole).slice(0, 4)).toEqual(['ftyp', 'moov', 'moof', 'mdat']);
    expect(Buffer.concat(whole).equals(stream)).toBe(true);
    for (const maxChunk of [1, 7, 5000]) {
      const splitter = new BoxSplitter();
      const boxes = randomChunks(stream, maxChunk, maxChunk).flatMap((c) => splitter.push(c));
      expect(typesOf(boxes)).toEqual(typesOf(whole));
      expect(Buffer.concat(boxes).equals(stream)).toBe(true);
      expect(splitter.buffered).toBe(0);
    }
  });

  it('reads 64-bit largesize boxes', () => {
    const large = Buffer.concat([u32(1), Buffer.from('free'), u64(24n), Buffer.alloc(8, 7)]);
    const next = box('skip', Buffer.from('x'));
    const splitter = new BoxSplitter();
    const boxes = [...Buffer.concat([large, next])].flatMap((b) => splitter.push(Buffer.from([b])));
    expect(boxes).toEqual([large, next]);
  });

  it('holds an incomplete box', () => {
    const splitter = new BoxSplitter();
    const b = box('free', Buffer.alloc(10));
    expect(splitter.push(b.subarray(0, 12))).toEqual([]);
    expect(splitter.buffered).toBe(12);
    expect(splitter.push(b.subarray(12))).toEqual([b]);
  });

  it.each([
    ['size < 8', u32(7, 0x66726565)],
    ['size 0', u32(0, 0x6d646174)],
    ['largesize < 16', Buffer.concat([u32(1, 0x66726565), u64(15n)])],
    ['32-bit size > 256 MiB', u32(0x10000001, 0x6d646174)],
    ['largesize > 256 MiB', Buffer.concat([u32(1, 0x6d646174), u64(1n << 40n)])],
  ])('rejects %s with Fmp4Error', (_name, header) => {
    expect(() => new BoxSplitter().push(header)).toThrow(Fmp4Error);
  });
});

describe('parseInit', () => {
  it('describes ffmpeg H264 + Opus tracks like ffprobe does', async () => {
    const stream = await recordFmp4('av', { seconds: 1 });
    const [ftyp, moov] = new BoxSplitter().push(stream);
    const info = parseInit(Buffer.concat([ftyp!, moov!]));
    const dir = await tempDir();
    try {
      const probe = await ffprobe(await dir.file('av.mp4', stream));
      const video = probe.streams.find((s) => s.codec_type === 'video')!;
      const audio = probe.streams.find((s) => s.codec_type === 'audio')!;
      const profileIdc = { High: 0x64, Main: 0x4d, Baseline: 0x42 }[video.profile!]!;
      const avc1 = `avc1.${profileIdc.toString(16)}00${video.level!.toString(16).padStart(2, '0')}`;
      expect(avc1).toBe('avc1.64000d'); // libx264 default profile/level at 320x240@30
      expect(info.codecs).toBe(`${avc1},opus`);
      expect(info.tracks).toMatchObject([
        { id: 1, kind: 'video', codec: avc1, width: 320, height: 240 },
        { id: 2, kind: 'audio', codec: 'opus' },
      ]);
      expect(`1/${info.tracks[0]!.timescale}`).toBe(video.time_base);
      expect(`1/${info.tracks[1]!.timescale}`).toBe(audio.time_base);
      expect(info.tracks[1]).not.toHaveProperty('width');
      expect(info.tracks[0]!.defaults).toBeDefined();
    } finally {
      await dir.remove();
    }
  });

  it('names AAC mp4a.40.2', async () => {
    const stream = await recordFmp4('audio', { seconds: 1, audioCodec: 'aac' });
    const info = parseInit(stream);
    expect(info.codecs).toBe('mp4a.40.2');
    expect(info.tracks[0]).toMatchObject({ kind: 'audio', timescale: 44100 });
  });

  it('rejects an init without moov', () => {
    expect(() => parseInit(box('ftyp', Buffer.from('isom')))).toThrow(Fmp4Error);
    expect(() => parseInit(Buffer.from('garbage!garbage!'))).toThrow(Fmp4Error);
  });
});

describe('parseFragment', () => {
  it('reads timing and sync of ffmpeg fragments', async () => {
    const stream = await recordFmp4('av', { seconds: 3, gop: 60 });
    const boxes = new BoxSplitter().push(stream);
    const info = parseInit(Buffer.concat(boxes.slice(0, 2)));
    const first = parseFragment(Buffer.concat(boxes.slice(2, 4)), info);
    expect(first.tracks).toEqual([
      { id: 1, baseDecodeTime: 0, duration: 15360, sampleCount: 30, firstSampleIsSync: true },
      expect.objectContaining({ id: 2, baseDecodeTime: 0, firstSampleIsSync: true }),
    ]);
    const second = parseFragment(Buffer.concat(boxes.slice(4, 6)), info);
    expect(second.tracks[0]).toEqual({
      id: 1,
      baseDecodeTime: 15360,
      duration: 15360,
      sampleCount: 30,
      firstSampleIsSync: false, // frag_duration cut inside the 2 s GOP
    });
    expect(second.tracks[1]!.firstSampleIsSync).toBe(true); // audio is always sync
  });

  it('sums durations and samples of several moofs per track', async () => {
    const stream = await recordFmp4('video', { seconds: 3 });
    const boxes = new BoxSplitter().push(stream);
    const info = parseInit(Buffer.concat(boxes.slice(0, 2)));
    const both = parseFragment(Buffer.concat(boxes.slice(2, 6)), info);
    expect(both.tracks).toEqual([
      { id: 1, baseDecodeTime: 0, duration: 30720, sampleCount: 60, firstSampleIsSync: true },
    ]);
  });

  it('falls back to tfhd then trex defaults for durations and flags', () => {
    const init = videoInit({ sampleDuration: 3000, sampleFlags: 0x01010000 });
    const trexOnly = fragment({ tfdt: { version: 0, time: 9000n }, trunFlags: 0, trunWords: [5] });
    expect(parseFragment(trexOnly, init).tracks[0]).toEqual({
      id: 1,
      baseDecodeTime: 9000,
      duration: 15000,
      sampleCount: 5,
      firstSampleIsSync: false,
    });
    // Without the init there is no default: no duration, flags 0 (sync).
    expect(parseFragment(trexOnly).tracks[0]).toMatchObject({
      duration: 0,
      firstSampleIsSync: true,
    });

    const tfhdDefaults = fragment({
      tfhdFlags: 0x08 | 0x20,
      tfhdFields: [1500, 0x02000000],
      tfdt: { version: 1, time: 1n << 40n },
      trunFlags: 0,
      trunWords: [4],
    });
    expect(parseFragment(tfhdDefaults, init).tracks[0]).toMatchObject({
      baseDecodeTime: 2 ** 40,
      duration: 6000,
      firstSampleIsSync: true,
    });
  });

  it('prefers first_sample_flags, then per-sample flags', () => {
    const init = videoInit({ sampleDuration: 3000, sampleFlags: 0x01010000 });
    const firstFlags = fragment({
      tfdt: { version: 0, time: 0n },
      trunFlags: 0x04 | 0x100 | 0x400,
      trunWords: [2, 0x02000000, 100, 0x01010000, 200, 0x01010000],
    });
    expect(parseFragment(firstFlags, init).tracks[0]).toMatchObject({
      duration: 300,
      firstSampleIsSync: true,
    });
    const perSample = fragment({
      tfdt: { version: 0, time: 0n },
      trunFlags: 0x200 | 0x400,
      trunWords: [2, 10, 0x02000000, 10, 0x01010000],
    });
    expect(parseFragment(perSample, init).tracks[0]).toMatchObject({
      duration: 6000,
      firstSampleIsSync: true,
    });
  });

  it('rejects a trun whose sample count exceeds its box', () => {
    const lying = fragment({
      tfdt: { version: 0, time: 0n },
      trunFlags: 0x100,
      trunWords: [0xffffffff, 1],
    });
    expect(() => parseFragment(lying)).toThrow(Fmp4Error);
    expect(() => parseFragment(box('mdat'))).toThrow(Fmp4Error);
  });
});

describe('shiftDecodeTimes', () => {
  const v0 = fragment({ tfdt: { version: 0, time: 9000n }, trunFlags: 0, trunWords: [1] });
  const v1 = fragment({ tfdt: { version: 1, time: 5n << 33n }, trunFlags: 0, trunWords: [1] });

  it('decreases tfdt v0 and v1 of the given tracks, on a copy', () => {
    const shifted = shiftDecodeTimes(v0, new Map([[1, 9000]]));
    expect(parseFragment(shifted).tracks[0]!.baseDecodeTime).toBe(0);
    expect(parseFragment(v0).tracks[0]!.baseDecodeTime).toBe(9000);
    const shifted1 = shiftDecodeTimes(v1, new Map([[1, 2 ** 33]]));
    expect(parseFragment(shifted1).tracks[0]!.baseDecodeTime).toBe(4 * 2 ** 33);
    expect(shiftDecodeTimes(v0, new Map([[2, 5]])).equals(v0)).toBe(true);
  });

  it('refuses negative times and v0 overflow', () => {
    expect(() => shiftDecodeTimes(v0, new Map([[1, 9001]]))).toThrow(Fmp4Error);
    expect(() => shiftDecodeTimes(v0, new Map([[1, -(2 ** 32)]]))).toThrow(Fmp4Error);
    expect(() => shiftDecodeTimes(v1, new Map([[1, 2 ** 40]]))).toThrow(Fmp4Error);
  });
});
