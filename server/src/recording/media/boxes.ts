import { Fmp4Error } from './errors.ts';

/** One ISO-BMFF box located inside a buffer (offsets are absolute). */
export interface Box {
  type: string;
  start: number;
  /** First byte after the header (payload start). */
  body: number;
  end: number;
}

/** Reads the box header at `offset`; a size of 0 means "up to the end of the container". */
export function readBox(buf: Buffer, offset: number, end: number): Box {
  if (end - offset < 8) throw new Fmp4Error(`truncated box header at ${offset}`);
  const size32 = buf.readUInt32BE(offset);
  const type = buf.toString('latin1', offset + 4, offset + 8);
  let size = size32;
  let header = 8;
  if (size32 === 1) {
    if (end - offset < 16) throw new Fmp4Error(`truncated largesize of ${type} box at ${offset}`);
    size = safeNumber(buf.readBigUInt64BE(offset + 8), `${type} box size`);
    header = 16;
  } else if (size32 === 0) {
    size = end - offset;
  }
  if (size < header) throw new Fmp4Error(`${type} box at ${offset} has invalid size ${size}`);
  if (offset + size > end) throw new Fmp4Error(`${type} box at ${offset} overruns its container`);
  return { type, start: offset, body: offset + header, end: offset + size };
}

/** The boxes directly inside [start, end). */
export function childBoxes(buf: Buffer, start: number, end: number): Box[] {
  const boxes: Box[] = [];
  for (let offset = start; offset < end;) {
    const box = readBox(buf, offset, end);
    boxes.push(box);
    offset = box.end;
  }
  return boxes;
}

export function children(buf: Buffer, parent: Box, skip = 0): Box[] {
  return childBoxes(buf, parent.body + skip, parent.end);
}

export function findChild(buf: Buffer, parent: Box, type: string, skip = 0): Box | undefined {
  return children(buf, parent, skip).find((b) => b.type === type);
}

export function requireChild(buf: Buffer, parent: Box, type: string): Box {
  const box = findChild(buf, parent, type);
  if (!box) throw new Fmp4Error(`${parent.type} box has no ${type} box`);
  return box;
}

/** Follows a path of single children, e.g. `['mdia', 'minf', 'stbl']`. */
export function findPath(buf: Buffer, parent: Box, path: readonly string[]): Box | undefined {
  let box: Box | undefined = parent;
  for (const type of path) {
    if (!box) return undefined;
    box = findChild(buf, box, type);
  }
  return box;
}

/** Version and flags of a FullBox. */
export function fullBoxHeader(buf: Buffer, box: Box): { version: number; flags: number } {
  need(box, box.body + 4);
  return { version: buf.readUInt8(box.body), flags: buf.readUIntBE(box.body + 1, 3) };
}

/** Throws unless the box holds at least up to `offset`. */
export function need(box: Box, offset: number): void {
  if (offset > box.end) throw new Fmp4Error(`${box.type} box at ${box.start} is truncated`);
}

export function safeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Fmp4Error(`${what} is too large`);
  return Number(value);
}
