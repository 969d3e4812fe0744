import { type Box, childBoxes, findChild, need } from './boxes.ts';

/** Payload bytes of a VisualSampleEntry before its child boxes (ISO 14496-12 12.1.3). */
const VISUAL_ENTRY_FIELDS = 78;
/** Payload bytes of an AudioSampleEntry v0; QuickTime v1/v2 sound entries carry more. */
const AUDIO_ENTRY_FIELDS: Record<number, number> = { 0: 28, 1: 44, 2: 64 };

export interface SampleEntryInfo {
  codec: string;
  width?: number;
  height?: number;
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
const dec2 = (n: number): string => n.toString().padStart(2, '0');

/** RFC 6381 codec string (and picture size) of a sample entry of an `stsd` box. */
export function describeSampleEntry(buf: Buffer, entry: Box, kind: string): SampleEntryInfo {
  // Encrypted entries (encv/enca) keep the original format in sinf/frma.
  let format = entry.type;
  if (kind === 'video') {
    need(entry, entry.body + VISUAL_ENTRY_FIELDS);
    const boxes = childBoxes(buf, entry.body + VISUAL_ENTRY_FIELDS, entry.end);
    format = originalFormat(buf, boxes) ?? format;
    const codec = videoCodec(buf, format, boxes);
    const width = buf.readUInt16BE(entry.body + 24);
    const height = buf.readUInt16BE(entry.body + 26);
    return width > 0 && height > 0 ? { codec, width, height } : { codec };
  }
  if (kind === 'audio') {
    need(entry, entry.body + 28);
    const fields = AUDIO_ENTRY_FIELDS[buf.readUInt16BE(entry.body + 8)] ?? 28;
    need(entry, entry.body + fields);
    const boxes = childBoxes(buf, entry.body + fields, entry.end);
    format = originalFormat(buf, boxes) ?? format;
    return { codec: audioCodec(buf, format, boxes) };
  }
  return { codec: fourcc(format) };
}

function originalFormat(buf: Buffer, boxes: Box[]): string | undefined {
  const sinf = boxes.find((b) => b.type === 'sinf');
  const frma = sinf && findChild(buf, sinf, 'frma');
  if (!frma) return undefined;
  need(frma, frma.body + 4);
  return buf.toString('latin1', frma.body, frma.body + 4);
}

function videoCodec(buf: Buffer, format: string, boxes: Box[]): string {
  const box = (type: string): Box | undefined => boxes.find((b) => b.type === type);
  switch (format) {
    case 'avc1':
    case 'avc2':
    case 'avc3':
    case 'avc4': {
      const avcC = box('avcC');
      if (!avcC) return format;
      need(avcC, avcC.body + 4);
      const [profile, compat, level] = [1, 2, 3].map((i) => buf.readUInt8(avcC.body + i));
      return `${format}.${hex2(profile!)}${hex2(compat!)}${hex2(level!)}`;
    }
    case 'hvc1':
    case 'hev1': {
      const hvcC = box('hvcC');
      return hvcC ? hevcCodec(buf, format, hvcC) : format;
    }
    case 'vp08':
    case 'vp09': {
      const vpcC = box('vpcC');
      if (!vpcC) return format;
      need(vpcC, vpcC.body + 7);
      const profile = buf.readUInt8(vpcC.body + 4);
      const level = buf.readUInt8(vpcC.body + 5);
      const bitDepth = buf.readUInt8(vpcC.body + 6) >> 4;
      return `${format}.${dec2(profile)}.${dec2(level)}.${dec2(bitDepth)}`;
    }
    case 'av01': {
      const av1C = box('av1C');
      if (!av1C) return format;
      need(av1C, av1C.body + 3);
      const b1 = buf.readUInt8(av1C.body + 1);
      const b2 = buf.readUInt8(av1C.body + 2);
      const bitDepth = b2 & 0x20 ? (b2 & 0x40 ? 12 : 10) : 8;
      return `av01.${b1 >> 5}.${dec2(b1 & 0x1f)}${b2 & 0x80 ? 'H' : 'M'}.${dec2(bitDepth)}`;
    }
    default:
      return fourcc(format);
  }
}

/** `hvc1.<space><profile>.<compat reversed>.<tier><level>[.<constraints>]` (ISO 14496-15 E.3). */
function hevcCodec(buf: Buffer, format: string, hvcC: Box): string {
  const p = hvcC.body;
  need(hvcC, p + 13);
  const b1 = buf.readUInt8(p + 1);
  const space = ['', 'A', 'B', 'C'][b1 >> 6] ?? '';
  const tier = b1 & 0x20 ? 'H' : 'L';
  let compat = buf.readUInt32BE(p + 2);
  let reversed = 0;
  for (let i = 0; i < 32; i++, compat >>>= 1) reversed = ((reversed << 1) | (compat & 1)) >>> 0;
  const constraints = [...buf.subarray(p + 6, p + 12)];
  while (constraints.length > 0 && constraints.at(-1) === 0) constraints.pop();
  const level = buf.readUInt8(p + 12);
  const parts = [format, `${space}${b1 & 0x1f}`, reversed.toString(16), `${tier}${level}`];
  if (constraints.length > 0) parts.push(constraints.map((b) => b.toString(16)).join('.'));
  return parts.join('.');
}

function audioCodec(buf: Buffer, format: string, boxes: Box[]): string {
  switch (format) {
    case 'Opus':
      return 'opus';
    case 'fLaC':
      return 'flac';
    case 'mp4a': {
      const esds = boxes.find((b) => b.type === 'esds');
      return esds ? mp4aCodec(buf, esds) : 'mp4a';
    }
    default:
      return fourcc(format);
  }
}

/** `mp4a.<objectTypeIndication>[.<audioObjectType>]` from the esds descriptors (ISO 14496-1). */
function mp4aCodec(buf: Buffer, esds: Box): string {
  let p = esds.body + 4; // FullBox header
  const end = esds.end;
  const descriptor = (): { tag: number; start: number; end: number } | undefined => {
    if (p + 2 > end) return undefined;
    const tag = buf.readUInt8(p++);
    let size = 0;
    for (let i = 0; i < 4 && p < end; i++) {
      const b = buf.readUInt8(p++);
      size = (size << 7) | (b & 0x7f);
      if (!(b & 0x80)) break;
    }
    return { tag, start: p, end: Math.min(end, p + size) };
  };
  const es = descriptor();
  if (es?.tag !== 0x03 || es.start + 3 > es.end) return 'mp4a';
  const esFlags = buf.readUInt8(es.start + 2);
  p = es.start + 3;
  if (esFlags & 0x80) p += 2;
  if (esFlags & 0x40 && p < end) p += 1 + buf.readUInt8(p);
  if (esFlags & 0x20) p += 2;
  const config = descriptor();
  if (config?.tag !== 0x04 || config.start + 13 > config.end) return 'mp4a';
  const oti = buf.readUInt8(config.start);
  if (oti !== 0x40) return `mp4a.${hex2(oti)}`;
  p = config.start + 13;
  const specific = descriptor();
  if (specific?.tag !== 0x05 || specific.start >= specific.end) return 'mp4a.40';
  let aot = buf.readUInt8(specific.start) >> 3;
  if (aot === 31 && specific.start + 1 < specific.end) {
    aot = 32 + ((buf.readUInt16BE(specific.start) >> 5) & 0x3f);
  }
  return `mp4a.40.${aot}`;
}

function fourcc(format: string): string {
  return format.replace(/[^\x21-\x7e]/g, '');
}
