/**
 * A resolution (or any H264 parameter-set) change inside one ffmpeg `-c copy` run: ffmpeg keeps
 * the in-band SPS/PPS in the samples but never rewrites its moov, so the keyframe that brings new
 * parameter sets is detected here and a new init segment is derived from the old one (new avcC,
 * sample-entry and tkhd size; every other track unchanged).
 */
import {
  type Box,
  childBoxes,
  children,
  findChild,
  findPath,
  fullBoxHeader,
  need,
} from './boxes.ts';
import { Fmp4Error } from './errors.ts';
import type { FragmentInfo } from './fragment.ts';
import {
  NAL_PPS,
  NAL_SPS,
  buildAvcC,
  parseAvcC,
  parseSps,
  sampleNalUnits,
  type ParameterSets,
} from './h264.ts';
import type { InitInfo } from './init.ts';

interface AvcLocation {
  /** moov down to the sample entry: every box whose size grows with the avcC. */
  chain: Box[];
  tkhd: Box;
  entry: Box;
  avcC: Box;
}

const TFHD_BASE_DATA_OFFSET = 0x01;
const TFHD_SAMPLE_DESCRIPTION_INDEX = 0x02;
const TFHD_DEFAULT_DURATION = 0x08;
const TFHD_DEFAULT_SIZE = 0x10;
const TRUN_DATA_OFFSET = 0x01;
const TRUN_FIRST_SAMPLE_FLAGS = 0x04;
const TRUN_DURATION = 0x100;
const TRUN_SIZE = 0x200;

/** Finds the avcC of the H264 track `trackId` in an init segment. */
function locateAvc(init: Buffer, trackId: number): AvcLocation | undefined {
  const moov = childBoxes(init, 0, init.length).find((b) => b.type === 'moov');
  if (!moov) return undefined;
  for (const trak of children(init, moov).filter((b) => b.type === 'trak')) {
    const tkhd = findChild(init, trak, 'tkhd');
    if (!tkhd) continue;
    const idAt = tkhd.body + (fullBoxHeader(init, tkhd).version === 1 ? 20 : 12);
    need(tkhd, idAt + 4);
    if (init.readUInt32BE(idAt) !== trackId) continue;
    const mdia = findChild(init, trak, 'mdia');
    const minf = mdia && findChild(init, mdia, 'minf');
    const stbl = minf && findChild(init, minf, 'stbl');
    const stsd = stbl && findPath(init, stbl, ['stsd']);
    if (!mdia || !minf || !stbl || !stsd) return undefined;
    const entry = childBoxes(init, stsd.body + 8, stsd.end)[0];
    if (entry?.type !== 'avc1' && entry?.type !== 'avc3') return undefined;
    need(entry, entry.body + 78);
    const avcC = childBoxes(init, entry.body + 78, entry.end).find((b) => b.type === 'avcC');
    if (!avcC) return undefined;
    return { chain: [moov, trak, mdia, minf, stbl, stsd, entry], tkhd, entry, avcC };
  }
  return undefined;
}

/** A copy of `init` with a new avcC payload and picture size for its H264 track. */
export function replaceAvcC(
  init: Buffer,
  trackId: number,
  avcC: Buffer,
  size: { width: number; height: number },
): Buffer {
  const at = locateAvc(init, trackId);
  if (!at) throw new Fmp4Error(`track ${trackId} is not H264 with an avcC box`);
  const delta = avcC.length - (at.avcC.end - at.avcC.body);
  const out = Buffer.concat([init.subarray(0, at.avcC.body), avcC, init.subarray(at.avcC.end)]);
  // Boxes before the avcC keep their offsets, so the sizes of its ancestors are patched in place.
  for (const box of [...at.chain, at.avcC]) {
    if (out.readUInt32BE(box.start) === 1) {
      out.writeBigUInt64BE(BigInt(box.end - box.start + delta), box.start + 8);
    } else {
      out.writeUInt32BE(box.end - box.start + delta, box.start);
    }
  }
  out.writeUInt16BE(size.width, at.entry.body + 24);
  out.writeUInt16BE(size.height, at.entry.body + 26);
  const sizeAt = at.tkhd.body + (fullBoxHeader(init, at.tkhd).version === 1 ? 88 : 76);
  if (sizeAt + 8 <= at.tkhd.end) {
    out.writeUInt32BE(size.width * 0x10000, sizeAt);
    out.writeUInt32BE(size.height * 0x10000, sizeAt + 4);
  }
  return out;
}

/** The bytes of the first sample of `trackId` in a moof+mdat, if the moof locates it simply. */
export function firstSample(fragment: Buffer, trackId: number): Buffer | undefined {
  for (const moof of childBoxes(fragment, 0, fragment.length).filter((b) => b.type === 'moof')) {
    for (const traf of children(fragment, moof).filter((b) => b.type === 'traf')) {
      const boxes = children(fragment, traf);
      const tfhd = boxes.find((b) => b.type === 'tfhd');
      const trun = boxes.find((b) => b.type === 'trun');
      if (!tfhd || !trun) continue;
      const th = fullBoxHeader(fragment, tfhd);
      need(tfhd, tfhd.body + 8);
      if (fragment.readUInt32BE(tfhd.body + 4) !== trackId) continue;
      // An absolute base offset refers to a file position a pipe reader does not know.
      if (th.flags & TFHD_BASE_DATA_OFFSET) return undefined;
      let p = tfhd.body + 8;
      if (th.flags & TFHD_SAMPLE_DESCRIPTION_INDEX) p += 4;
      if (th.flags & TFHD_DEFAULT_DURATION) p += 4;
      let size: number | undefined;
      if (th.flags & TFHD_DEFAULT_SIZE) {
        need(tfhd, p + 4);
        size = fragment.readUInt32BE(p);
      }
      const tr = fullBoxHeader(fragment, trun);
      let q = trun.body + 4;
      need(trun, q + 4);
      if (fragment.readUInt32BE(q) === 0 || !(tr.flags & TRUN_DATA_OFFSET)) return undefined;
      q += 4;
      const dataOffset = fragment.readInt32BE(q);
      q += 4;
      if (tr.flags & TRUN_FIRST_SAMPLE_FLAGS) q += 4;
      if (tr.flags & TRUN_DURATION) q += 4;
      if (tr.flags & TRUN_SIZE) {
        need(trun, q + 4);
        size = fragment.readUInt32BE(q);
      }
      // ffmpeg's `default_base_moof`: data offsets count from the moof's first byte.
      const start = moof.start + dataOffset;
      if (size === undefined || start < 0 || start + size > fragment.length) return undefined;
      return fragment.subarray(start, start + size);
    }
  }
  return undefined;
}

/** Every set of `inBand` is already known (a keyframe that repeats them changes nothing). */
const known = (inBand: Buffer[], current: Buffer[]): boolean =>
  inBand.every((x) => current.some((c) => c.equals(x)));

/**
 * Follows the H264 parameter sets of a run: `check` looks at each fragment that starts with a
 * keyframe and returns a new init segment when its in-band SPS/PPS differ from the current ones.
 */
export class AvcParameterWatch {
  #init: Buffer;
  #sets: ParameterSets;
  readonly #nalLengthSize: number;
  readonly #trackId: number;

  private constructor(init: Buffer, trackId: number, avcC: Buffer) {
    const parsed = parseAvcC(avcC);
    this.#init = init;
    this.#trackId = trackId;
    this.#sets = { sps: parsed.sps, pps: parsed.pps };
    this.#nalLengthSize = parsed.nalLengthSize;
  }

  /** A watch for the init's H264 video track, or undefined when it has none. */
  static create(init: Buffer, info: InitInfo): AvcParameterWatch | undefined {
    const video = info.tracks.find((t) => t.kind === 'video' && /^avc[13]\./.test(t.codec));
    const at = video && locateAvc(init, video.id);
    if (!video || !at) return undefined;
    return new AvcParameterWatch(init, video.id, init.subarray(at.avcC.body, at.avcC.end));
  }

  /**
   * The new init segment when this fragment's keyframe carries new parameter sets. Parameter
   * sets we cannot parse leave the current init in place: decoders still get them in band, and a
   * camera's odd SPS must not stop its recording.
   */
  check(fragment: Buffer, info: FragmentInfo): Buffer | undefined {
    try {
      return this.#check(fragment, info);
    } catch (error) {
      if (error instanceof Fmp4Error) return undefined;
      throw error;
    }
  }

  #check(fragment: Buffer, info: FragmentInfo): Buffer | undefined {
    const track = info.tracks.find((t) => t.id === this.#trackId);
    if (!track?.firstSampleIsSync) return undefined;
    const sample = firstSample(fragment, this.#trackId);
    if (!sample) return undefined;
    const nals = sampleNalUnits(sample, this.#nalLengthSize);
    const sps = nals.filter((n) => (n[0]! & 0x1f) === NAL_SPS);
    const pps = nals.filter((n) => (n[0]! & 0x1f) === NAL_PPS);
    if (sps.length === 0 && pps.length === 0) return undefined;
    const next: ParameterSets = {
      sps: sps.length > 0 ? sps : this.#sets.sps,
      pps: pps.length > 0 ? pps : this.#sets.pps,
    };
    if (known(sps, this.#sets.sps) && known(pps, this.#sets.pps)) return undefined;
    const parsed = parseSps(next.sps[0]!);
    const avcC = buildAvcC(next, this.#nalLengthSize);
    // Copies: the sets must outlive the fragment buffer they were cut from.
    this.#sets = {
      sps: next.sps.map((b) => Buffer.from(b)),
      pps: next.pps.map((b) => Buffer.from(b)),
    };
    this.#init = replaceAvcC(this.#init, this.#trackId, avcC, parsed);
    return this.#init;
  }
}
