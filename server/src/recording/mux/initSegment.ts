/**
 * The init segment (ftyp + moov with an empty sample table and mvex) of an in-process recording:
 * an H264 track (avc1/avcC from in-band SPS/PPS, 90 kHz) and/or an Opus track (dOps, 48 kHz), in
 * the layout ffmpeg's `empty_moov` writes, so the rest of the pipeline cannot tell them apart.
 */
import { buildAvcC, parseSps, type ParameterSets } from '../media/h264.ts';

export const VIDEO_TIMESCALE = 90_000;
export const AUDIO_TIMESCALE = 48_000;

export interface InitTracks {
  /** H264 parameter sets of the track's current picture (the first SPS sets the size). */
  video?: ParameterSets;
  audio?: { channels: number };
}

export function box(type: string, ...payload: Buffer[]): Buffer {
  const size = 8 + payload.reduce((n, b) => n + b.length, 0);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(size, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, ...payload], size);
}

function fullBox(type: string, version: number, flags: number, ...payload: Buffer[]): Buffer {
  const vf = Buffer.alloc(4);
  vf.writeUInt32BE(((version & 0xff) << 24) | (flags & 0xffffff));
  return box(type, vf, ...payload);
}

function u32(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, 4 * i));
  return b;
}

function u16(...values: number[]): Buffer {
  const b = Buffer.alloc(2 * values.length);
  values.forEach((v, i) => b.writeUInt16BE(v & 0xffff, 2 * i));
  return b;
}

const MATRIX = u32(0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000);

function tkhd(id: number, audio: boolean, width = 0, height = 0): Buffer {
  return fullBox(
    'tkhd',
    0,
    3, // enabled, in movie
    u32(0, 0, id, 0, 0, 0, 0),
    u16(0, 0, audio ? 0x0100 : 0, 0),
    MATRIX,
    u32(width * 0x10000, height * 0x10000),
  );
}

function mdia(timescale: number, handler: 'vide' | 'soun', header: Buffer, entry: Buffer): Buffer {
  const name = handler === 'vide' ? 'VideoHandler' : 'SoundHandler';
  const dinf = box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1)));
  const stbl = box(
    'stbl',
    fullBox('stsd', 0, 0, u32(1), entry),
    fullBox('stts', 0, 0, u32(0)),
    fullBox('stsc', 0, 0, u32(0)),
    fullBox('stsz', 0, 0, u32(0, 0)),
    fullBox('stco', 0, 0, u32(0)),
  );
  return box(
    'mdia',
    fullBox('mdhd', 0, 0, u32(0, 0, timescale, 0), u16(0x55c4, 0)), // language 'und'
    fullBox(
      'hdlr',
      0,
      0,
      u32(0),
      Buffer.from(handler, 'latin1'),
      u32(0, 0, 0),
      Buffer.from(`${name}\0`),
    ),
    box('minf', header, dinf, stbl),
  );
}

function avc1(sets: ParameterSets, width: number, height: number): Buffer {
  const compressor = Buffer.alloc(32);
  return box(
    'avc1',
    Buffer.alloc(6),
    u16(1, 0, 0),
    u32(0, 0, 0),
    u16(width, height),
    u32(0x480000, 0x480000, 0),
    u16(1),
    compressor,
    u16(0x18, 0xffff),
    box('avcC', buildAvcC(sets)),
  );
}

function opus(channels: number): Buffer {
  const dOps = Buffer.alloc(11);
  dOps[0] = 0; // version
  dOps[1] = channels;
  dOps.writeUInt16BE(0, 2); // pre-skip: RTP carries no encoder delay
  dOps.writeUInt32BE(AUDIO_TIMESCALE, 4);
  dOps.writeInt16BE(0, 8); // output gain
  dOps[10] = 0; // mapping family 0: mono or stereo
  return box(
    'Opus',
    Buffer.alloc(6),
    u16(1),
    u32(0, 0),
    u16(channels, 16, 0, 0),
    u32(AUDIO_TIMESCALE * 0x10000),
    box('dOps', dOps),
  );
}

/** Track ids: video 1 then audio, in that order. */
export function trackIds(t: { video: boolean; audio: boolean }): { video: number; audio: number } {
  return { video: t.video ? 1 : 0, audio: t.audio ? (t.video ? 2 : 1) : 0 };
}

export function buildInitSegment(t: InitTracks): Buffer {
  const ids = trackIds({ video: !!t.video, audio: !!t.audio });
  const traks: Buffer[] = [];
  const trex: Buffer[] = [];
  if (t.video) {
    const sps = parseSps(t.video.sps[0]!);
    const header = fullBox('vmhd', 0, 1, u16(0, 0, 0, 0));
    traks.push(
      box(
        'trak',
        tkhd(ids.video, false, sps.width, sps.height),
        mdia(VIDEO_TIMESCALE, 'vide', header, avc1(t.video, sps.width, sps.height)),
      ),
    );
    trex.push(fullBox('trex', 0, 0, u32(ids.video, 1, 0, 0, 0)));
  }
  if (t.audio) {
    const header = fullBox('smhd', 0, 0, u16(0, 0));
    traks.push(
      box(
        'trak',
        tkhd(ids.audio, true),
        mdia(AUDIO_TIMESCALE, 'soun', header, opus(t.audio.channels)),
      ),
    );
    trex.push(fullBox('trex', 0, 0, u32(ids.audio, 1, 0, 0, 0)));
  }
  const mvhd = fullBox(
    'mvhd',
    0,
    0,
    u32(0, 0, 1000, 0, 0x10000),
    u16(0x0100, 0),
    u32(0, 0),
    MATRIX,
    Buffer.alloc(24),
    u32(traks.length + 1),
  );
  const ftyp = box(
    'ftyp',
    Buffer.from('iso5', 'latin1'),
    u32(512),
    Buffer.from('iso5iso6mp41', 'latin1'),
  );
  return Buffer.concat([ftyp, box('moov', mvhd, ...traks, box('mvex', ...trex))]);
}
