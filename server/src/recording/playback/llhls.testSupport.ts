import type { RecordingRun, SegmentRecord } from '../types.ts';

/** One tag or URI line of a playlist, attributes parsed (`KEY=VALUE,KEY="VALUE"`). */
export interface M3u8Line {
  tag: string;
  value: string;
  attrs: Record<string, string>;
}

/** A parsed media playlist: its lines, and the segments with the parts listed before each. */
export interface ParsedPlaylist {
  lines: M3u8Line[];
  tag(name: string): M3u8Line | undefined;
  segments: {
    uri: string;
    duration: number;
    parts: { uri: string; duration: number; independent: boolean }[];
  }[];
  /** Parts after the last segment URI (the segment being written). */
  trailingParts: { uri: string; duration: number; independent: boolean }[];
  hint: string | undefined;
}

function attributes(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of value.matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)) {
    out[m[1]!] = m[2]!.replace(/^"|"$/g, '');
  }
  return out;
}

/** Reads a playlist back the way a player would (tests only). */
export function parsePlaylist(text: string): ParsedPlaylist {
  const lines: M3u8Line[] = text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      if (!l.startsWith('#')) return { tag: 'URI', value: l, attrs: {} };
      const i = l.indexOf(':');
      const tag = i < 0 ? l.slice(1) : l.slice(1, i);
      const value = i < 0 ? '' : l.slice(i + 1);
      return { tag, value, attrs: attributes(value) };
    });
  const segments: ParsedPlaylist['segments'] = [];
  let parts: ParsedPlaylist['trailingParts'] = [];
  let duration = 0;
  let hint: string | undefined;
  for (const l of lines) {
    if (l.tag === 'EXT-X-PART') {
      parts.push({
        uri: l.attrs['URI']!,
        duration: Number(l.attrs['DURATION']),
        independent: l.attrs['INDEPENDENT'] === 'YES',
      });
    } else if (l.tag === 'EXTINF') duration = Number(l.value.split(',')[0]);
    else if (l.tag === 'URI') {
      segments.push({ uri: l.value, duration, parts });
      parts = [];
    } else if (l.tag === 'EXT-X-PRELOAD-HINT') hint = l.attrs['URI'];
  }
  return {
    lines,
    tag: (name) => lines.find((l) => l.tag === name),
    segments,
    trailingParts: parts,
    hint,
  };
}

export function run(id: string, deviceId = 'dev_1'): RecordingRun {
  return {
    id,
    deviceId,
    siteId: 'site_1',
    startedAt: 0,
    codecs: 'avc1.42e01f,opus',
    width: 1280,
    height: 720,
    keyId: 'k',
    storageKey: `s/${id}`,
    bytes: 1,
    storedBytes: 1,
  };
}

export function segment(
  seq: number,
  runId: string,
  producerTime: number,
  durationMs: number,
): SegmentRecord {
  return {
    deviceId: 'dev_1',
    seq,
    runId,
    producerTime,
    ingestTime: producerTime,
    durationMs,
    bytes: 1,
    storedBytes: 1,
    keyframe: true,
    tags: [],
    keyId: 'k',
    storageKey: `s/${seq}`,
  };
}
