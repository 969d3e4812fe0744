/**
 * RTP into the in-process recorder (`RtpPipeline`: parse → SSRC → reorder → H264/Opus
 * depacketize → fMP4 muxer), fuzzed with fast-check: sessions of near-valid packets (a real
 * packetizer's output with mutated header fields, truncations, padding and extension bits,
 * FU-A/STAP-A garbage, sequence and timestamp wraps and jumps, reordering) mixed with random bytes.
 * A session must never throw (the recorder's socket handler has nothing to catch it), and whatever
 * the muxer writes must be well-formed fMP4.
 */
import fc from 'fast-check';
import { Fmp4Muxer } from '../../../src/recording/mux/Fmp4Muxer.ts';
import { parseInit, type InitInfo } from '../../../src/recording/media/init.ts';
import { RtpPipeline, rtpTrack } from '../../../src/recording/recorder/RtpPipeline.ts';
import { serializeRtp } from '../../../src/recording/rtp/RtpPacket.ts';
import { packetizeH264 } from '../../../src/recording/rtp/testSupport.ts';
import { fragmentProblems, type TrackTimes } from './wellFormed.ts';

export const VIDEO_SSRC = 0x1111_2222;
export const AUDIO_SSRC = 0x3333_4444;
export const VIDEO_PT = 96;
export const AUDIO_PT = 111;

/** x264 baseline 64x48 parameter sets: a real SPS so that the muxer can start a timeline. */
const SPS = Buffer.from('6742c00ada11ec0440000003004000000f03c489a8', 'hex');
const PPS = Buffer.from('68ce0fc8', 'hex');

type Step = 'next' | 'same' | 'wrap' | 'jump' | 'back';

interface FrameSpec {
  kind: 'key' | 'delta' | 'sps-only' | 'garbage';
  size: number;
  mtu: number;
  tsStep: Step;
  jump: number;
  /** Sequence numbers skipped before the frame (loss). */
  lost: number;
  marker: boolean;
  /** Arrival after the previous frame, ms. */
  gapMs: number;
  audio: number;
  /** Keyframes: SPS bytes overwritten (odd or broken parameter sets, a new init each time). */
  spsEdits: [number, number][];
}

type Mutation =
  | { t: 'none' }
  | { t: 'byte'; at: number; value: number }
  | { t: 'truncate'; to: number }
  | { t: 'padding'; value: number }
  | { t: 'extension'; words: number }
  | { t: 'csrc'; count: number }
  | { t: 'header'; pt: number; ssrc: boolean }
  | { t: 'nal'; value: number }
  | { t: 'append'; bytes: Uint8Array }
  | { t: 'random'; bytes: Uint8Array };

const step = fc.constantFrom<Step>('next', 'next', 'next', 'next', 'same', 'wrap', 'jump', 'back');

const frameSpec: fc.Arbitrary<FrameSpec> = fc.record({
  kind: fc.constantFrom<FrameSpec['kind']>('key', 'delta', 'delta', 'delta', 'sps-only', 'garbage'),
  size: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 65, max: 6000 })),
  mtu: fc.oneof(fc.constant(1200), fc.integer({ min: 4, max: 1400 })),
  tsStep: step,
  jump: fc.oneof(
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
    fc.constantFrom(2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 32 - 1),
  ),
  lost: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, fc.integer({ min: 1, max: 40_000 })),
  marker: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, fc.constant(false)),
  gapMs: fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0, max: 70 }) },
    fc.integer({ min: 0, max: 120_000 }),
  ),
  audio: fc.integer({ min: 0, max: 3 }),
  spsEdits: fc.oneof(
    { weight: 3, arbitrary: fc.constant<[number, number][]>([]) },
    fc.array(fc.tuple(fc.nat(40), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
  ),
});

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 30, arbitrary: fc.constant({ t: 'none' as const }) },
  fc.record({
    t: fc.constant('byte' as const),
    at: fc.nat(2000),
    value: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ t: fc.constant('truncate' as const), to: fc.nat(40) }),
  fc.record({ t: fc.constant('padding' as const), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ t: fc.constant('extension' as const), words: fc.integer({ min: 0, max: 0xffff }) }),
  fc.record({ t: fc.constant('csrc' as const), count: fc.integer({ min: 0, max: 15 }) }),
  fc.record({
    t: fc.constant('header' as const),
    pt: fc.integer({ min: 0, max: 127 }),
    ssrc: fc.boolean(),
  }),
  fc.record({ t: fc.constant('nal' as const), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ t: fc.constant('append' as const), bytes: fc.uint8Array({ maxLength: 32 }) }),
  fc.record({ t: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 80 }) }),
);

export interface RtpSession {
  startTs: number;
  startSeq: number;
  frames: FrameSpec[];
  mutations: Mutation[];
  /** Swaps of neighbouring datagrams (indices), beyond what the reorder buffer expects. */
  swaps: number[];
}

export const rtpSession: fc.Arbitrary<RtpSession> = fc.record({
  startTs: fc.oneof(fc.constant(2 ** 32 - 6000), fc.nat({ max: 2 ** 32 - 1 })),
  startSeq: fc.oneof(fc.constant(0xfffe), fc.nat({ max: 0xffff })),
  frames: fc.array(frameSpec, { minLength: 1, maxLength: 60 }),
  mutations: fc.array(mutation, { maxLength: 64 }),
  swaps: fc.array(fc.nat(200), { maxLength: 6 }),
});

function framePayloadNals(f: FrameSpec, fill: number): Buffer[] {
  const body = Buffer.alloc(f.size, fill);
  switch (f.kind) {
    case 'key': {
      const sps = Buffer.from(SPS);
      // Byte 0 stays an SPS header; the rest (profile, level, sizes, VUI) takes any value.
      for (const [at, value] of f.spsEdits) sps[1 + (at % (sps.length - 1))] = value;
      return [sps, PPS, Buffer.concat([Buffer.from([0x65]), body])];
    }
    case 'delta':
      return [Buffer.concat([Buffer.from([0x41]), body])];
    case 'sps-only':
      return [SPS];
    case 'garbage':
      // Any first byte: forbidden bit, NAL type 0, STAP-A/FU-A/STAP-B/MTAP headers on garbage.
      return [Buffer.concat([Buffer.from([fill]), body])];
  }
}

function mutate(d: Buffer, m: Mutation): Buffer {
  const b = Buffer.from(d);
  switch (m.t) {
    case 'none':
      return b;
    case 'byte':
      if (b.length > 0) b[m.at % b.length] = m.value;
      return b;
    case 'truncate':
      return b.subarray(0, Math.min(m.to, b.length));
    case 'padding':
      b[0] = b[0]! | 0x20;
      if (b.length > 0) b[b.length - 1] = m.value;
      return b;
    case 'extension':
      b[0] = b[0]! | 0x10;
      if (b.length >= 16) b.writeUInt16BE(m.words, 14);
      return b;
    case 'csrc':
      b[0] = (b[0]! & 0xf0) | m.count;
      return b;
    case 'header':
      if (b.length < 12) return b;
      b[1] = (b[1]! & 0x80) | m.pt;
      if (m.ssrc) b.writeUInt32BE(b.readUInt32BE(8) ^ 1, 8);
      return b;
    case 'nal':
      if (b.length > 12) b[12] = m.value;
      return b;
    case 'append':
      return Buffer.concat([b, m.bytes]);
    case 'random':
      return Buffer.from(m.bytes);
  }
}

/** The session's datagrams with their arrival times (ms). */
export function sessionDatagrams(s: RtpSession): { datagram: Buffer; at: number }[] {
  const out: { datagram: Buffer; at: number }[] = [];
  let ts = s.startTs;
  let seq = s.startSeq;
  let audioTs = (s.startTs * 7) >>> 0;
  let audioSeq = (s.startSeq * 3) & 0xffff;
  let at = 1_700_000_000_000;
  s.frames.forEach((f, i) => {
    if (i > 0) {
      ts =
        f.tsStep === 'next'
          ? ts + 3000
          : f.tsStep === 'same'
            ? ts
            : f.tsStep === 'wrap'
              ? ts + 2 ** 32 - 3000
              : f.tsStep === 'jump'
                ? ts + f.jump
                : ts - 3000;
      ts = ((ts % 2 ** 32) + 2 ** 32) % 2 ** 32;
    }
    seq += f.lost;
    at += f.gapMs;
    for (const p of packetizeH264(framePayloadNals(f, i * 37), ts, f.mtu, f.marker)) {
      const datagram = serializeRtp({
        payloadType: VIDEO_PT,
        marker: p.marker,
        sequenceNumber: seq++ & 0xffff,
        timestamp: ts,
        ssrc: VIDEO_SSRC,
        payload: p.payload,
      });
      out.push({ datagram, at });
    }
    for (let a = 0; a < f.audio; a++) {
      // Opus TOC bytes of every config and frame count code, some packets empty of frames.
      const payload = Buffer.from([(i * 29 + a * 11) & 0xff, (i + a) & 0xff, 1, 2, 3]);
      const datagram = serializeRtp({
        payloadType: AUDIO_PT,
        marker: false,
        sequenceNumber: audioSeq++ & 0xffff,
        timestamp: audioTs,
        ssrc: AUDIO_SSRC,
        payload,
      });
      audioTs = (audioTs + (f.tsStep === 'jump' ? f.jump : 960)) >>> 0;
      out.push({ datagram, at: at + a * 20 });
    }
  });
  s.mutations.forEach((m, i) => {
    const at = (i * 7919) % out.length;
    out[at] = { datagram: mutate(out[at]!.datagram, m), at: out[at]!.at };
  });
  for (const i of s.swaps) {
    if (i + 1 < out.length) [out[i], out[i + 1]] = [out[i + 1]!, out[i]!];
  }
  return out;
}

export interface SessionResult {
  datagrams: number;
  inits: number;
  fragments: number;
  problems: string[];
}

/**
 * Feeds a session through a fresh pipeline (video + audio tracks, as the recorder builds them).
 * Throws whatever the pipeline throws; returns the well-formedness problems of its output.
 */
export function runSession(s: RtpSession): SessionResult {
  const video = rtpTrack({
    kind: 'video',
    ssrc: VIDEO_SSRC,
    payloadType: VIDEO_PT,
    clockRate: 90_000,
  });
  const audio = rtpTrack({
    kind: 'audio',
    ssrc: AUDIO_SSRC,
    payloadType: AUDIO_PT,
    clockRate: 48_000,
  });
  const muxer = new Fmp4Muxer({
    video: { clock: video.clock },
    audio: { clock: audio.clock, channels: 2 },
    targetSegmentMs: 800,
    maxSegmentMs: 3000,
  });
  const pipeline = new RtpPipeline([video, audio], muxer);
  const result: SessionResult = { datagrams: 0, inits: 0, fragments: 0, problems: [] };
  let init: InitInfo | undefined;
  const times: TrackTimes = new Map();
  muxer.on('init', (i) => {
    result.inits++;
    init = parseInit(i.bytes);
  });
  muxer.on('fragment', (f) => {
    result.fragments++;
    if (!init) result.problems.push('a fragment before any init');
    else result.problems.push(...fragmentProblems(f.bytes, init, times));
    if (!Number.isFinite(f.startMs) || !Number.isFinite(f.durationMs) || f.durationMs < 0) {
      result.problems.push(`fragment timing ${f.startMs} + ${f.durationMs} ms`);
    }
  });
  for (const d of sessionDatagrams(s)) {
    pipeline.push(d.datagram, d.at);
    result.datagrams++;
  }
  pipeline.flush();
  return result;
}
