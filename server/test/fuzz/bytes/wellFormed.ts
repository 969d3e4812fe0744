/**
 * What "well-formed" means for the fragmented MP4 the in-process muxer writes, checked box by box
 * (not only by our own parser's leniency): top-level boxes tile the buffer, each traf's trun points
 * into the mdat and the samples fill it exactly, no sample duration needs more than 31 bits, and
 * decode times only go forward. Returns the problems found (empty: well-formed).
 */
import {
  childBoxes,
  children,
  fullBoxHeader,
  type Box,
} from '../../../src/recording/media/boxes.ts';
import type { InitInfo } from '../../../src/recording/media/init.ts';

const TRUN_DATA_OFFSET = 0x001;
const TRUN_DURATION = 0x100;
const TRUN_SIZE = 0x200;
const TRUN_FLAGS = 0x400;

/** Per track: the decode time the next fragment must not go below. */
export type TrackTimes = Map<number, number>;

export function fragmentProblems(bytes: Buffer, init: InitInfo, times: TrackTimes): string[] {
  const problems: string[] = [];
  let top: Box[];
  try {
    top = childBoxes(bytes, 0, bytes.length);
  } catch (error) {
    return [`top-level boxes do not tile the buffer: ${String(error)}`];
  }
  for (let i = 0; i < top.length; i += 2) {
    const moof = top[i]!;
    const mdat = top[i + 1];
    if (moof.type !== 'moof' || mdat?.type !== 'mdat') {
      problems.push(`box ${i} is ${moof.type}+${mdat?.type}, not moof+mdat`);
      continue;
    }
    let sampleBytes = 0;
    let expectedOffset = moof.end - moof.start + 8;
    for (const traf of children(bytes, moof).filter((b) => b.type === 'traf')) {
      const boxes = children(bytes, traf);
      const tfhd = boxes.find((b) => b.type === 'tfhd')!;
      const tfdt = boxes.find((b) => b.type === 'tfdt')!;
      const trun = boxes.find((b) => b.type === 'trun')!;
      const id = bytes.readUInt32BE(tfhd.body + 4);
      if (!init.tracks.some((t) => t.id === id)) problems.push(`traf of unknown track ${id}`);
      const base = bytes.readUInt32BE(tfdt.body + 4) * 2 ** 32 + bytes.readUInt32BE(tfdt.body + 8);
      const { flags } = fullBoxHeader(bytes, trun);
      const count = bytes.readUInt32BE(trun.body + 4);
      const stride = [TRUN_DURATION, TRUN_SIZE, TRUN_FLAGS].filter((f) => flags & f).length * 4;
      if (!(flags & TRUN_DATA_OFFSET) || !(flags & TRUN_SIZE) || !(flags & TRUN_DURATION)) {
        problems.push(`trun flags ${flags.toString(16)} lack offset, size or duration`);
        continue;
      }
      if (trun.body + 12 + count * stride !== trun.end) {
        problems.push(
          `trun of track ${id}: ${count} samples do not fill its ${trun.end - trun.start} bytes`,
        );
        continue;
      }
      const offset = bytes.readInt32BE(trun.body + 8);
      if (offset !== expectedOffset) {
        problems.push(
          `trun of track ${id}: data offset ${offset}, its samples are at ${expectedOffset}`,
        );
      }
      let duration = 0;
      for (let s = 0; s < count; s++) {
        const at = trun.body + 12 + s * stride;
        const d = bytes.readUInt32BE(at);
        const size = bytes.readUInt32BE(at + 4);
        if (d === 0 || d > 0x7fffffff) problems.push(`track ${id} sample ${s}: duration ${d}`);
        duration += d;
        sampleBytes += size;
        expectedOffset += size;
      }
      const floor = times.get(id) ?? 0;
      if (base < floor) problems.push(`track ${id}: decode time ${base} goes back before ${floor}`);
      times.set(id, base + duration);
    }
    if (sampleBytes !== mdat.end - mdat.body) {
      problems.push(`samples take ${sampleBytes} bytes, mdat holds ${mdat.end - mdat.body}`);
    }
  }
  return problems;
}
