/**
 * The fMP4 box parsers (init and fragment parsing, decode-time shifting for clip export, the
 * streaming box splitter and the Segmenter over ffmpeg's output), fuzzed with fast-check:
 * real init segments and fragments (ffmpeg's and the in-process muxer's) with mutated bytes, box
 * sizes and types, truncations, insertions and cuts, fed whole or in random chunks. The only error
 * allowed is an Fmp4Error thrown by the parser itself (not one wrapping a RangeError).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { BoxSplitter } from '../../../src/recording/media/BoxSplitter.ts';
import { Fmp4Error } from '../../../src/recording/media/errors.ts';
import { parseFragment, shiftDecodeTimes } from '../../../src/recording/media/fragment.ts';
import { parseInit, type InitInfo } from '../../../src/recording/media/init.ts';
import { Fmp4Segmenter } from '../../../src/recording/media/Segmenter.ts';
import { Fmp4Muxer } from '../../../src/recording/mux/Fmp4Muxer.ts';
import { MediaClock } from '../../../src/recording/rtp/MediaClock.ts';
import { avcc } from '../../../src/recording/rtp/testSupport.ts';

const run = promisify(execFile);

export interface Corpus {
  init: Buffer;
  fragments: Buffer[];
}

/** ffmpeg's fragmented MP4 (H264 + AAC, as the ffmpeg recorder writes it), 2 s. */
export async function ffmpegCorpus(): Promise<Corpus> {
  const { stdout } = await run(
    'ffmpeg',
    [
      ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=15'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '2'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '15', '-c:a', 'aac'],
      ...['-movflags', '+frag_keyframe+empty_moov+default_base_moof', '-f', 'mp4', '-'],
    ],
    { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 },
  );
  return split(stdout);
}

/** The in-process muxer's output for 1 s of synthetic 30 fps video and Opus-sized audio. */
export function muxerCorpus(): Corpus {
  const sps = Buffer.from('6742c00ada11ec0440000003004000000f03c489a8', 'hex');
  const pps = Buffer.from('68ce0fc8', 'hex');
  const clock = (rate: number): MediaClock => {
    const c = new MediaClock(rate);
    c.observe(0, 0);
    return c;
  };
  const muxer = new Fmp4Muxer({
    video: { clock: clock(90_000) },
    audio: { clock: clock(48_000), channels: 2 },
    fragmentMs: 200,
  });
  const parts: Buffer[] = [];
  muxer.on('init', (i) => parts.push(i.bytes));
  muxer.on('fragment', (f) => parts.push(f.bytes));
  for (let i = 0; i < 30; i++) {
    const key = i % 15 === 0;
    const slice = Buffer.concat([Buffer.from([key ? 0x65 : 0x41]), Buffer.alloc(40, i)]);
    const data = avcc(key ? [sps, pps, slice] : [slice]);
    muxer.addVideo({ data, keyframe: key, time: i * 3000, arrivedAt: (i * 1000) / 30 });
    for (let a = 0; a < 2; a++) {
      const j = i * 2 + a;
      muxer.addAudio({
        data: Buffer.from([0xfc, j]),
        time: j * 960,
        samples: 960,
        arrivedAt: j * 20,
      });
    }
  }
  muxer.end();
  const [init, ...fragments] = parts;
  return { init: init!, fragments };
}

/** Top-level boxes: ftyp+moov as the init, then each moof with its mdat. */
function split(file: Buffer): Corpus {
  const boxes: Buffer[] = [];
  for (let p = 0; p + 8 <= file.length;) {
    const size = file.readUInt32BE(p);
    boxes.push(file.subarray(p, p + size));
    p += size;
  }
  const moov = boxes.findIndex((b) => b.toString('latin1', 4, 8) === 'moov');
  const init = Buffer.concat(boxes.slice(0, moov + 1));
  const fragments: Buffer[] = [];
  for (let i = moov + 1; i + 1 < boxes.length; i += 2) {
    fragments.push(Buffer.concat([boxes[i]!, boxes[i + 1]!]));
  }
  return { init, fragments };
}

type Edit =
  | { t: 'byte'; at: number; value: number }
  | { t: 'u32'; at: number; value: number }
  | { t: 'u64'; at: number; value: bigint }
  | { t: 'type'; at: number; value: string }
  | { t: 'truncate'; to: number }
  | { t: 'insert'; at: number; bytes: Uint8Array }
  | { t: 'cut'; at: number; length: number };

/** 32-bit values that mean something in a box header or a count field. */
const interesting32 = fc.oneof(
  fc.constantFrom(0, 1, 7, 8, 9, 15, 16, 0x7fffffff, 0x80000000, 0xffffffff, 0x1000000),
  fc.nat({ max: 0xffffffff }),
);

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    t: fc.constant('byte' as const),
    at: fc.nat(),
    value: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ t: fc.constant('u32' as const), at: fc.nat(), value: interesting32 }),
  fc.record({
    t: fc.constant('u64' as const),
    at: fc.nat(),
    value: fc.oneof(
      fc.constantFrom(0n, 16n, 2n ** 53n, 2n ** 64n - 1n),
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    ),
  }),
  fc.record({
    t: fc.constant('type' as const),
    at: fc.nat(),
    value: fc.constantFrom(
      'moov',
      'trak',
      'moof',
      'traf',
      'trun',
      'tfhd',
      'tfdt',
      'mdat',
      'stsd',
      'avcC',
      'esds',
      'dOps',
      'mvex',
      'trex',
      'mdia',
      'minf',
      'stbl',
      'hdlr',
      'mdhd',
      'tkhd',
      'avc1',
      'mp4a',
      'Opus',
      'sidx',
      'styp',
    ),
  }),
  fc.record({ t: fc.constant('truncate' as const), to: fc.nat() }),
  fc.record({
    t: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ maxLength: 24 }),
  }),
  fc.record({
    t: fc.constant('cut' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 64 }),
  }),
);

/**
 * Box headers are where sizes and types live: half of the positioned edits land on one (a
 * position of a box type in the base, minus 4 for its size field), the rest anywhere.
 */
function applyEdit(b: Buffer, e: Edit, headers: number[]): Buffer {
  const pos = (at: number): number => {
    if (b.length === 0) return 0;
    if (at % 2 === 0 && headers.length > 0) {
      const h = headers[(at >> 1) % headers.length]!;
      return Math.min(h + ((at >> 8) % 3 === 1 ? 8 : (at >> 8) % 3 === 2 ? 12 : 0), b.length - 1);
    }
    return at % b.length;
  };
  switch (e.t) {
    case 'byte': {
      const out = Buffer.from(b);
      if (out.length > 0) out[pos(e.at)] = e.value;
      return out;
    }
    case 'u32': {
      const out = Buffer.from(b);
      const p = pos(e.at);
      if (p + 4 <= out.length) out.writeUInt32BE(e.value >>> 0, p);
      return out;
    }
    case 'u64': {
      const out = Buffer.from(b);
      const p = pos(e.at) + 8;
      if (p + 8 <= out.length) out.writeBigUInt64BE(e.value, p);
      return out;
    }
    case 'type': {
      const out = Buffer.from(b);
      const p = pos(e.at) + 4;
      if (p + 4 <= out.length) out.write(e.value, p, 'latin1');
      return out;
    }
    case 'truncate':
      return b.subarray(0, b.length === 0 ? 0 : e.to % (b.length + 1));
    case 'insert': {
      const p = b.length === 0 ? 0 : pos(e.at);
      return Buffer.concat([b.subarray(0, p), e.bytes, b.subarray(p)]);
    }
    case 'cut': {
      const p = pos(e.at);
      return Buffer.concat([b.subarray(0, p), b.subarray(p + e.length)]);
    }
  }
}

/** Offsets of every box header of the base (found by walking containers). */
function boxHeaders(b: Buffer): number[] {
  const containers = new Set([
    'moov',
    'trak',
    'mdia',
    'minf',
    'stbl',
    'mvex',
    'moof',
    'traf',
    'edts',
    'dinf',
    'udta',
  ]);
  const out: number[] = [];
  const walk = (start: number, end: number): void => {
    for (let p = start; p + 8 <= end;) {
      const size = b.readUInt32BE(p);
      if (size < 8 || p + size > end) return;
      out.push(p);
      const type = b.toString('latin1', p + 4, p + 8);
      if (containers.has(type)) walk(p + 8, p + size);
      else if (type === 'stsd') walk(p + 16, p + size);
      p += size;
    }
  };
  walk(0, b.length);
  return out;
}

export interface Fmp4Input {
  /** Which base: 0 init, then fragments; from which corpus. */
  corpus: number;
  pick: number;
  edits: Edit[];
  /** Chunk sizes for the streaming parsers. */
  chunks: number[];
  shift: number;
}

export const fmp4Input: fc.Arbitrary<Fmp4Input> = fc.record({
  corpus: fc.nat(),
  pick: fc.nat(),
  edits: fc.array(edit, { minLength: 0, maxLength: 4 }),
  chunks: fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 8 }),
  shift: fc.oneof(
    fc.integer({ min: -1000, max: 100_000 }),
    fc.constantFrom(0.5, 2 ** 53, -(2 ** 40)),
  ),
});

export type Fmp4Outcome = 'parsed' | 'refused';

/** One input through every parser; throws on any error but the parsers' own Fmp4Error. */
export function parseAll(corpora: Corpus[], input: Fmp4Input): Record<Fmp4Outcome, number> {
  const counts: Record<Fmp4Outcome, number> = { parsed: 0, refused: 0 };
  const c = corpora[input.corpus % corpora.length]!;
  const pick = input.pick % (c.fragments.length + 1);
  const base = pick === 0 ? c.init : c.fragments[pick - 1]!;
  const headers = boxHeaders(base);
  let bytes = base;
  for (const e of input.edits) bytes = applyEdit(bytes, e, headers);
  const attempt = (fn: () => void): void => {
    try {
      fn();
      counts.parsed++;
    } catch (error) {
      if (!(error instanceof Fmp4Error)) throw error;
      counts.refused++;
    }
  };
  let info: InitInfo | undefined;
  if (pick === 0) {
    attempt(() => {
      info = parseInit(bytes);
      for (const t of info.tracks) {
        if (!(t.timescale > 0) || !Number.isInteger(t.id))
          throw new Error(`bad track ${JSON.stringify(t)}`);
      }
    });
  } else {
    const good = parseInit(c.init);
    for (const withInit of [good, undefined]) {
      attempt(() => {
        for (const t of parseFragment(bytes, withInit).tracks) {
          if (
            !Number.isFinite(t.duration) ||
            t.duration < 0 ||
            !Number.isSafeInteger(t.baseDecodeTime)
          ) {
            throw new Error(`bad fragment timing ${JSON.stringify(t)}`);
          }
        }
      });
    }
    attempt(() => {
      const shifted = shiftDecodeTimes(bytes, new Map(good.tracks.map((t) => [t.id, input.shift])));
      if (shifted.length !== bytes.length) throw new Error('shiftDecodeTimes changed the length');
    });
  }
  // Streaming: the init then the (mutated) box, in chunks, through the splitter and the Segmenter.
  const stream =
    pick === 0 ? Buffer.concat([bytes, ...c.fragments]) : Buffer.concat([c.init, bytes]);
  const pieces: Buffer[] = [];
  for (let p = 0, i = 0; p < stream.length; i++) {
    const n = input.chunks[i % input.chunks.length]!;
    pieces.push(stream.subarray(p, p + n));
    p += n;
  }
  attempt(() => {
    const splitter = new BoxSplitter({ maxBoxSize: 1024 * 1024 });
    const out: Buffer[] = [];
    for (const piece of pieces) out.push(...splitter.push(piece));
    const joined = Buffer.concat(out);
    if (!joined.equals(stream.subarray(0, joined.length)))
      throw new Error('BoxSplitter changed the bytes');
    if (joined.length + splitter.buffered !== stream.length)
      throw new Error('BoxSplitter lost bytes');
  });
  const segmenter = new Fmp4Segmenter({
    targetDurationMs: 500,
    maxBoxSize: 1024 * 1024,
    now: () => 0,
  });
  let failure: Fmp4Error | undefined;
  segmenter.on('error', (e) => (failure = e));
  for (const piece of pieces) segmenter.push(piece);
  segmenter.end();
  if (failure?.cause !== undefined) throw failure.cause;
  counts[failure ? 'refused' : 'parsed']++;
  return counts;
}
