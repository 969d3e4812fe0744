import { type Box, childBoxes, children, fullBoxHeader, need, safeNumber } from './boxes.ts';
import { Fmp4Error } from './errors.ts';
import type { InitInfo, TrackInfo } from './init.ts';

export interface FragmentTrack {
  id: number;
  /** tfdt baseMediaDecodeTime of the track's first (or only) traf, in track timescale. */
  baseDecodeTime: number;
  /** Sum of sample durations, in track timescale. */
  duration: number;
  sampleCount: number;
  firstSampleIsSync: boolean;
}

export interface FragmentInfo {
  tracks: FragmentTrack[];
}

const TFHD_BASE_DATA_OFFSET = 0x01;
const TFHD_SAMPLE_DESCRIPTION_INDEX = 0x02;
const TFHD_DEFAULT_DURATION = 0x08;
const TFHD_DEFAULT_SIZE = 0x10;
const TFHD_DEFAULT_FLAGS = 0x20;
const TFHD_DURATION_IS_EMPTY = 0x010000;

const TRUN_DATA_OFFSET = 0x01;
const TRUN_FIRST_SAMPLE_FLAGS = 0x04;
const TRUN_DURATION = 0x100;
const TRUN_SIZE = 0x200;
const TRUN_FLAGS = 0x400;
const TRUN_CTO = 0x800;

/** sample_is_non_sync_sample in ISO-BMFF sample flags. */
const NON_SYNC = 0x00010000;

/**
 * Timing of a moof+mdat fragment (leading styp/prft/sidx/emsg allowed). Several moofs (a whole
 * segment) are summed per track. `init` supplies trex defaults and which tracks are audio.
 */
export function parseFragment(fragment: Buffer, init?: InitInfo): FragmentInfo {
  const moofs = childBoxes(fragment, 0, fragment.length).filter((b) => b.type === 'moof');
  if (moofs.length === 0) throw new Fmp4Error('fragment has no moof box');
  const byId = new Map<number, FragmentTrack>();
  for (const moof of moofs) {
    for (const traf of children(fragment, moof).filter((b) => b.type === 'traf')) {
      const t = parseTraf(fragment, traf, init);
      const seen = byId.get(t.id);
      if (!seen) byId.set(t.id, t);
      else {
        seen.duration += t.duration;
        if (seen.sampleCount === 0) seen.firstSampleIsSync = t.firstSampleIsSync;
        seen.sampleCount += t.sampleCount;
      }
    }
  }
  return { tracks: [...byId.values()] };
}

function parseTraf(buf: Buffer, traf: Box, init: InitInfo | undefined): FragmentTrack {
  const boxes = children(buf, traf);
  const tfhd = boxes.find((b) => b.type === 'tfhd');
  if (!tfhd) throw new Fmp4Error('traf has no tfhd box');
  const header = readTfhd(buf, tfhd);
  const track: TrackInfo | undefined = init?.tracks.find((t) => t.id === header.id);
  if (init && !track) throw new Fmp4Error(`fragment has track ${header.id} unknown to the init`);

  const tfdt = boxes.find((b) => b.type === 'tfdt');
  if (!tfdt) throw new Fmp4Error(`traf of track ${header.id} has no tfdt box`);
  const baseDecodeTime = readTfdt(buf, tfdt);

  const defaultDuration = header.defaultDuration ?? track?.defaults?.sampleDuration ?? 0;
  const defaultFlags = header.defaultFlags ?? track?.defaults?.sampleFlags ?? 0;
  let duration = 0;
  let sampleCount = 0;
  let firstFlags: number | undefined;
  if (!header.durationIsEmpty) {
    for (const trun of boxes.filter((b) => b.type === 'trun')) {
      const r = readTrun(buf, trun, defaultDuration);
      if (sampleCount === 0 && r.sampleCount > 0) firstFlags = r.firstFlags ?? defaultFlags;
      duration += r.duration;
      sampleCount += r.sampleCount;
    }
  }
  const firstSampleIsSync =
    track?.kind === 'audio' || (firstFlags !== undefined && (firstFlags & NON_SYNC) === 0);
  return { id: header.id, baseDecodeTime, duration, sampleCount, firstSampleIsSync };
}

interface Tfhd {
  id: number;
  defaultDuration?: number;
  defaultFlags?: number;
  durationIsEmpty: boolean;
}

function readTfhd(buf: Buffer, tfhd: Box): Tfhd {
  const { flags } = fullBoxHeader(buf, tfhd);
  let p = tfhd.body + 4;
  need(tfhd, p + 4);
  const result: Tfhd = {
    id: buf.readUInt32BE(p),
    durationIsEmpty: (flags & TFHD_DURATION_IS_EMPTY) !== 0,
  };
  p += 4;
  if (flags & TFHD_BASE_DATA_OFFSET) p += 8;
  if (flags & TFHD_SAMPLE_DESCRIPTION_INDEX) p += 4;
  if (flags & TFHD_DEFAULT_DURATION) {
    need(tfhd, p + 4);
    result.defaultDuration = buf.readUInt32BE(p);
    p += 4;
  }
  if (flags & TFHD_DEFAULT_SIZE) p += 4;
  if (flags & TFHD_DEFAULT_FLAGS) {
    need(tfhd, p + 4);
    result.defaultFlags = buf.readUInt32BE(p);
  }
  return result;
}

function readTfdt(buf: Buffer, tfdt: Box): number {
  const { version } = fullBoxHeader(buf, tfdt);
  const at = tfdt.body + 4;
  need(tfdt, at + (version === 1 ? 8 : 4));
  return version === 1 ? safeNumber(buf.readBigUInt64BE(at), 'tfdt time') : buf.readUInt32BE(at);
}

function readTrun(
  buf: Buffer,
  trun: Box,
  defaultDuration: number,
): { sampleCount: number; duration: number; firstFlags?: number } {
  const { flags } = fullBoxHeader(buf, trun);
  let p = trun.body + 4;
  need(trun, p + 4);
  const sampleCount = buf.readUInt32BE(p);
  p += 4;
  if (flags & TRUN_DATA_OFFSET) p += 4;
  let firstFlags: number | undefined;
  if (flags & TRUN_FIRST_SAMPLE_FLAGS) {
    need(trun, p + 4);
    firstFlags = buf.readUInt32BE(p);
    p += 4;
  }
  const fields = [TRUN_DURATION, TRUN_SIZE, TRUN_FLAGS, TRUN_CTO].filter((f) => flags & f);
  const stride = fields.length * 4;
  // Checked before looping so a garbage sample_count cannot spin for billions of iterations.
  need(trun, p + stride * sampleCount);
  let duration = 0;
  if (flags & TRUN_DURATION) {
    for (let i = 0; i < sampleCount; i++) duration += buf.readUInt32BE(p + i * stride);
  } else {
    duration = defaultDuration * sampleCount;
  }
  if (firstFlags === undefined && flags & TRUN_FLAGS && sampleCount > 0) {
    const flagsAt = fields.indexOf(TRUN_FLAGS) * 4;
    firstFlags = buf.readUInt32BE(p + flagsAt);
  }
  return firstFlags === undefined
    ? { sampleCount, duration }
    : { sampleCount, duration, firstFlags };
}

/**
 * A copy of `fragment` whose tfdt times are decreased by the shift of their track (in track
 * timescale; tracks not in the map are unchanged), e.g. to make an exported clip start at 0.
 * sidx boxes are left as they are.
 */
export function shiftDecodeTimes(fragment: Buffer, shiftByTrackId: Map<number, number>): Buffer {
  const out = Buffer.from(fragment);
  for (const moof of childBoxes(out, 0, out.length).filter((b) => b.type === 'moof')) {
    for (const traf of children(out, moof).filter((b) => b.type === 'traf')) {
      const boxes = children(out, traf);
      const tfhd = boxes.find((b) => b.type === 'tfhd');
      const tfdt = boxes.find((b) => b.type === 'tfdt');
      if (!tfhd || !tfdt) throw new Fmp4Error('traf without tfhd or tfdt');
      const id = readTfhd(out, tfhd).id;
      const shift = shiftByTrackId.get(id);
      if (shift === undefined || shift === 0) continue;
      if (!Number.isSafeInteger(shift))
        throw new Fmp4Error(`shift of track ${id} is not an integer`);
      const { version } = fullBoxHeader(out, tfdt);
      const at = tfdt.body + 4;
      need(tfdt, at + (version === 1 ? 8 : 4));
      const time =
        (version === 1 ? out.readBigUInt64BE(at) : BigInt(out.readUInt32BE(at))) - BigInt(shift);
      if (time < 0n)
        throw new Fmp4Error(`shifting track ${id} by ${shift} makes its time negative`);
      if (version === 1) {
        if (time >= 1n << 64n) throw new Fmp4Error(`shifted time of track ${id} overflows tfdt`);
        out.writeBigUInt64BE(time, at);
      } else {
        if (time >= 1n << 32n) throw new Fmp4Error(`shifted time of track ${id} overflows tfdt v0`);
        out.writeUInt32BE(Number(time), at);
      }
    }
  }
  return out;
}
