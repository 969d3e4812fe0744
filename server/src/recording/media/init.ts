import {
  type Box,
  childBoxes,
  children,
  findPath,
  fullBoxHeader,
  need,
  requireChild,
} from './boxes.ts';
import { describeSampleEntry } from './codecs.ts';
import { Fmp4Error } from './errors.ts';

export type TrackKind = 'video' | 'audio' | 'other';

/** Per-sample defaults of a track from `mvex/trex`, used when a fragment states none. */
export interface TrackDefaults {
  sampleDuration: number;
  sampleSize: number;
  sampleFlags: number;
}

export interface TrackInfo {
  id: number;
  kind: TrackKind;
  timescale: number;
  /** RFC 6381, e.g. `avc1.64000d`, `opus`, `mp4a.40.2`. */
  codec: string;
  width?: number;
  height?: number;
  /** Present when the init segment has a `trex` box for the track. */
  defaults?: TrackDefaults;
}

export interface InitInfo {
  tracks: TrackInfo[];
  /** Codecs of the video then audio tracks, comma separated (HLS `CODECS`). */
  codecs: string;
}

/** Describes the tracks of an init segment (ftyp + moov; other top-level boxes are ignored). */
export function parseInit(init: Buffer): InitInfo {
  const moov = childBoxes(init, 0, init.length).find((b) => b.type === 'moov');
  if (!moov) throw new Fmp4Error('init segment has no moov box');
  const boxes = children(init, moov);
  const defaults = new Map<number, TrackDefaults>();
  const mvex = boxes.find((b) => b.type === 'mvex');
  for (const trex of mvex ? children(init, mvex).filter((b) => b.type === 'trex') : []) {
    need(trex, trex.body + 24);
    defaults.set(init.readUInt32BE(trex.body + 4), {
      sampleDuration: init.readUInt32BE(trex.body + 12),
      sampleSize: init.readUInt32BE(trex.body + 16),
      sampleFlags: init.readUInt32BE(trex.body + 20),
    });
  }
  const tracks = boxes.filter((b) => b.type === 'trak').map((trak) => parseTrack(init, trak));
  if (tracks.length === 0) throw new Fmp4Error('init segment has no tracks');
  for (const track of tracks) {
    const d = defaults.get(track.id);
    if (d) track.defaults = d;
  }
  const codecs = [
    ...tracks.filter((t) => t.kind === 'video'),
    ...tracks.filter((t) => t.kind === 'audio'),
  ].map((t) => t.codec);
  return { tracks, codecs: codecs.join(',') };
}

function parseTrack(buf: Buffer, trak: Box): TrackInfo {
  const tkhd = requireChild(buf, trak, 'tkhd');
  const tkhdV1 = fullBoxHeader(buf, tkhd).version === 1;
  const idAt = tkhd.body + (tkhdV1 ? 20 : 12);
  need(tkhd, idAt + 4);
  const id = buf.readUInt32BE(idAt);

  const mdia = requireChild(buf, trak, 'mdia');
  const mdhd = requireChild(buf, mdia, 'mdhd');
  const timescaleAt = mdhd.body + (fullBoxHeader(buf, mdhd).version === 1 ? 20 : 12);
  need(mdhd, timescaleAt + 4);
  const timescale = buf.readUInt32BE(timescaleAt);
  if (timescale === 0) throw new Fmp4Error(`track ${id} has timescale 0`);

  const hdlr = requireChild(buf, mdia, 'hdlr');
  need(hdlr, hdlr.body + 12);
  const handler = buf.toString('latin1', hdlr.body + 8, hdlr.body + 12);
  const kind: TrackKind = handler === 'vide' ? 'video' : handler === 'soun' ? 'audio' : 'other';

  const stsd = findPath(buf, mdia, ['minf', 'stbl', 'stsd']);
  if (!stsd) throw new Fmp4Error(`track ${id} has no stsd box`);
  const entry = childBoxes(buf, stsd.body + 8, stsd.end)[0];
  if (!entry) throw new Fmp4Error(`track ${id} has no sample entry`);
  const described = describeSampleEntry(buf, entry, kind);

  const track: TrackInfo = { id, kind, timescale, codec: described.codec };
  if (kind === 'video') {
    // tkhd holds the presentation size as 16.16 fixed point after the matrix.
    const sizeAt = tkhd.body + (tkhdV1 ? 88 : 76);
    const fromTkhd =
      sizeAt + 8 <= tkhd.end
        ? { width: buf.readUInt32BE(sizeAt) >>> 16, height: buf.readUInt32BE(sizeAt + 4) >>> 16 }
        : { width: 0, height: 0 };
    const width = described.width ?? fromTkhd.width;
    const height = described.height ?? fromTkhd.height;
    if (width > 0 && height > 0) Object.assign(track, { width, height });
  }
  return track;
}
