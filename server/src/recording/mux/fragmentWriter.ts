/**
 * One moof+mdat built straight into a single Buffer (sizes computed first): the sample bytes are
 * copied once, from the depacketized frames into the fragment, and never again until storage.
 */

export interface MuxSample {
  data: Buffer;
  /** In the track's timescale. */
  duration: number;
  keyframe: boolean;
}

export interface FragmentTrackRun {
  id: number;
  /** Decode time of the first sample (track timescale). */
  baseDecodeTime: number;
  samples: MuxSample[];
  /** Per-sample flags (video); audio samples are all sync (trex default). */
  flags: boolean;
}

const TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;
const TRUN_DATA_OFFSET = 0x001;
const TRUN_DURATION = 0x100;
const TRUN_SIZE = 0x200;
const TRUN_FLAGS = 0x400;
/** sample_depends_on = 2 (an I frame). */
const SYNC_FLAGS = 0x02000000;
/** sample_depends_on = 1, sample_is_non_sync_sample. */
const NON_SYNC_FLAGS = 0x01010000;

export function buildFragment(sequence: number, runs: readonly FragmentTrackRun[]): Buffer {
  const tracks = runs.filter((r) => r.samples.length > 0);
  let moofSize = 8 + 16;
  let dataSize = 0;
  for (const t of tracks) {
    moofSize += 8 + 16 + 20 + 20 + t.samples.length * (t.flags ? 12 : 8);
    for (const s of t.samples) dataSize += s.data.length;
  }
  const out = Buffer.allocUnsafe(moofSize + 8 + dataSize);
  let p = 0;
  const header = (size: number, type: string): void => {
    out.writeUInt32BE(size, p);
    out.write(type, p + 4, 'latin1');
    p += 8;
  };
  header(moofSize, 'moof');
  header(16, 'mfhd');
  out.writeUInt32BE(0, p);
  out.writeUInt32BE(sequence >>> 0, p + 4);
  p += 8;
  let dataOffset = moofSize + 8;
  for (const t of tracks) {
    const stride = t.flags ? 12 : 8;
    const trunSize = 20 + t.samples.length * stride;
    header(8 + 16 + 20 + trunSize, 'traf');
    header(16, 'tfhd');
    out.writeUInt32BE(TFHD_DEFAULT_BASE_IS_MOOF, p);
    out.writeUInt32BE(t.id, p + 4);
    p += 8;
    header(20, 'tfdt');
    out.writeUInt32BE(0x01000000, p); // version 1: 64-bit time
    // Two 32-bit halves: BigInt conversion showed up in profiles at a few hundred streams.
    out.writeUInt32BE(Math.floor(t.baseDecodeTime / 2 ** 32), p + 4);
    out.writeUInt32BE(t.baseDecodeTime % 2 ** 32, p + 8);
    p += 12;
    header(trunSize, 'trun');
    const flags = TRUN_DATA_OFFSET | TRUN_DURATION | TRUN_SIZE | (t.flags ? TRUN_FLAGS : 0);
    out.writeUInt32BE(flags, p);
    out.writeUInt32BE(t.samples.length, p + 4);
    out.writeInt32BE(dataOffset, p + 8);
    p += 12;
    for (const s of t.samples) {
      out.writeUInt32BE(s.duration, p);
      out.writeUInt32BE(s.data.length, p + 4);
      if (t.flags) out.writeUInt32BE(s.keyframe ? SYNC_FLAGS : NON_SYNC_FLAGS, p + 8);
      p += stride;
      dataOffset += s.data.length;
    }
  }
  header(8 + dataSize, 'mdat');
  for (const t of tracks) for (const s of t.samples) p += s.data.copy(out, p);
  return out;
}
