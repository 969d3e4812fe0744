/**
 * H264 parameter sets (ITU-T H.264 7.3.2.1) and the `avcC` record built from them (ISO 14496-15
 * 5.3.3.1): enough to describe a new resolution that arrives in band, at a keyframe.
 */
import { Fmp4Error } from './errors.ts';

export const NAL_SPS = 7;
export const NAL_PPS = 8;

export interface SpsInfo {
  profileIdc: number;
  /** constraint_set flags byte (profile_compatibility in avcC). */
  constraints: number;
  levelIdc: number;
  spsId: number;
  chromaFormatIdc: number;
  bitDepthLuma: number;
  bitDepthChroma: number;
  /** Displayed size (cropping applied). */
  width: number;
  height: number;
}

/** Profiles whose SPS carries chroma format and bit depths (and whose avcC repeats them). */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);
/**
 * Profiles whose avcC omits the chroma/bit-depth extension. ISO 14496-15 requires it for
 * 100/110/122/144; ffmpeg writes it for every other profile too, and we match ffmpeg's bytes.
 */
const AVCC_NO_EXTENSION = new Set([66, 77, 88]);

/** The RBSP of a NAL unit: emulation-prevention bytes (00 00 03) removed, header byte kept. */
export function unescapeRbsp(nal: Buffer): Buffer {
  const out = Buffer.allocUnsafe(nal.length);
  let n = 0;
  let zeros = 0;
  for (const byte of nal) {
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    zeros = byte === 0 ? zeros + 1 : 0;
    out[n++] = byte;
  }
  return out.subarray(0, n);
}

/** MSB-first bit reader with exp-Golomb codes; reading past the end throws Fmp4Error. */
class BitReader {
  #bit = 0;
  constructor(readonly buf: Buffer) {}

  u(bits: number): number {
    let v = 0;
    for (let i = 0; i < bits; i++) {
      const byte = this.buf[this.#bit >> 3];
      if (byte === undefined) throw new Fmp4Error('SPS is truncated');
      v = v * 2 + ((byte >> (7 - (this.#bit & 7))) & 1);
      this.#bit++;
    }
    return v;
  }

  ue(): number {
    let zeros = 0;
    while (this.u(1) === 0) {
      // 32 leading zeros cannot encode any legal SPS field.
      if (++zeros > 31) throw new Fmp4Error('SPS has an invalid exp-Golomb code');
    }
    return 2 ** zeros - 1 + this.u(zeros);
  }

  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -k / 2;
  }
}

/** Parses a sequence parameter set NAL unit (with its header byte, escaped as on the wire). */
export function parseSps(nal: Buffer): SpsInfo {
  if (nal.length < 4 || (nal[0]! & 0x1f) !== NAL_SPS) throw new Fmp4Error('not an SPS NAL unit');
  const r = new BitReader(unescapeRbsp(nal).subarray(1));
  const profileIdc = r.u(8);
  const constraints = r.u(8);
  const levelIdc = r.u(8);
  const spsId = r.ue();
  if (spsId > 31) throw new Fmp4Error(`SPS id ${spsId} is out of range`);
  let chromaFormatIdc = 1;
  let bitDepthLuma = 8;
  let bitDepthChroma = 8;
  if (HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = r.ue();
    if (chromaFormatIdc > 3) throw new Fmp4Error('SPS has an invalid chroma format');
    if (chromaFormatIdc === 3) r.u(1); // separate_colour_plane_flag
    bitDepthLuma = 8 + r.ue();
    bitDepthChroma = 8 + r.ue();
    r.u(1); // qpprime_y_zero_transform_bypass_flag
    if (r.u(1) === 1) skipScalingLists(r, chromaFormatIdc === 3 ? 12 : 8);
  }
  r.ue(); // log2_max_frame_num_minus4
  const pocType = r.ue();
  if (pocType === 0) r.ue();
  else if (pocType === 1) {
    r.u(1);
    r.se();
    r.se();
    const cycle = r.ue();
    if (cycle > 255) throw new Fmp4Error('SPS has too many reference frames in a POC cycle');
    for (let i = 0; i < cycle; i++) r.se();
  } else if (pocType !== 2) throw new Fmp4Error('SPS has an invalid POC type');
  r.ue(); // max_num_ref_frames
  r.u(1); // gaps_in_frame_num_value_allowed_flag
  const widthMbs = r.ue() + 1;
  const heightMapUnits = r.ue() + 1;
  const frameMbsOnly = r.u(1);
  if (frameMbsOnly === 0) r.u(1); // mb_adaptive_frame_field_flag
  r.u(1); // direct_8x8_inference_flag
  const crop = r.u(1) === 1 ? [r.ue(), r.ue(), r.ue(), r.ue()] : [0, 0, 0, 0];
  const [left, right, top, bottom] = crop as [number, number, number, number];
  // Crop units (7-19 .. 7-22): chroma subsampling, times 2 for field-coded frames.
  const subWidth = chromaFormatIdc === 1 || chromaFormatIdc === 2 ? 2 : 1;
  const subHeight = chromaFormatIdc === 1 ? 2 : 1;
  const cropX = chromaFormatIdc === 0 ? 1 : subWidth;
  const cropY = (chromaFormatIdc === 0 ? 1 : subHeight) * (2 - frameMbsOnly);
  const width = widthMbs * 16 - cropX * (left + right);
  const height = (2 - frameMbsOnly) * heightMapUnits * 16 - cropY * (top + bottom);
  if (width <= 0 || height <= 0 || width > 16384 || height > 16384) {
    throw new Fmp4Error(`SPS describes an impossible picture size ${width}x${height}`);
  }
  return {
    profileIdc,
    constraints,
    levelIdc,
    spsId,
    chromaFormatIdc,
    bitDepthLuma,
    bitDepthChroma,
    width,
    height,
  };
}

function skipScalingLists(r: BitReader, count: number): void {
  for (let i = 0; i < count; i++) {
    if (r.u(1) === 0) continue;
    const size = i < 6 ? 16 : 64;
    let last = 8;
    let next = 8;
    for (let j = 0; j < size && next !== 0; j++) {
      next = (last + r.se() + 256) % 256;
      last = next === 0 ? last : next;
    }
  }
}

export interface ParameterSets {
  sps: Buffer[];
  pps: Buffer[];
}

/** The `avcC` box payload (AVCDecoderConfigurationRecord) for these parameter sets. */
export function buildAvcC(sets: ParameterSets, nalLengthSize = 4): Buffer {
  const first = sets.sps[0];
  if (!first || sets.pps.length === 0) throw new Fmp4Error('avcC needs an SPS and a PPS');
  if (sets.sps.length > 31 || sets.pps.length > 255) throw new Fmp4Error('too many parameter sets');
  const sps = parseSps(first);
  const parts: Buffer[] = [
    Buffer.from([
      1,
      sps.profileIdc,
      sps.constraints,
      sps.levelIdc,
      0xfc | (nalLengthSize - 1),
      0xe0 | sets.sps.length,
    ]),
  ];
  const withLength = (nal: Buffer): Buffer[] => {
    if (nal.length > 0xffff) throw new Fmp4Error('parameter set is too large for avcC');
    const len = Buffer.alloc(2);
    len.writeUInt16BE(nal.length);
    return [len, nal];
  };
  for (const s of sets.sps) parts.push(...withLength(s));
  parts.push(Buffer.from([sets.pps.length]));
  for (const p of sets.pps) parts.push(...withLength(p));
  if (!AVCC_NO_EXTENSION.has(sps.profileIdc)) {
    parts.push(
      Buffer.from([
        0xfc | sps.chromaFormatIdc,
        0xf8 | (sps.bitDepthLuma - 8),
        0xf8 | (sps.bitDepthChroma - 8),
        0, // no SPS extensions
      ]),
    );
  }
  return Buffer.concat(parts);
}

/** The parameter sets and NAL length size of an `avcC` payload. */
export function parseAvcC(payload: Buffer): ParameterSets & { nalLengthSize: number } {
  if (payload.length < 7 || payload[0] !== 1) throw new Fmp4Error('unsupported avcC record');
  const nalLengthSize = (payload[4]! & 3) + 1;
  let p = 5;
  const read = (count: number): Buffer[] => {
    const out: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      if (p + 2 > payload.length) throw new Fmp4Error('avcC is truncated');
      const len = payload.readUInt16BE(p);
      if (p + 2 + len > payload.length) throw new Fmp4Error('avcC is truncated');
      out.push(payload.subarray(p + 2, p + 2 + len));
      p += 2 + len;
    }
    return out;
  };
  const sps = read(payload[p++]! & 0x1f);
  if (p >= payload.length) throw new Fmp4Error('avcC is truncated');
  const pps = read(payload[p++]!);
  return { sps, pps, nalLengthSize };
}

/** NAL units of one length-prefixed (AVCC) sample. */
export function sampleNalUnits(sample: Buffer, nalLengthSize: number): Buffer[] {
  const nals: Buffer[] = [];
  for (let p = 0; p + nalLengthSize <= sample.length;) {
    const len = sample.readUIntBE(p, nalLengthSize);
    p += nalLengthSize;
    if (len === 0 || p + len > sample.length) throw new Fmp4Error('sample has a bad NAL length');
    nals.push(sample.subarray(p, p + len));
    p += len;
  }
  return nals;
}
