import { describe, expect, it } from 'vitest';
import { parsePlaylist, run, segment } from './llhls.testSupport.ts';
import {
  blockingVerdict,
  liveEdge,
  mediaPlaylist,
  type LowLatency,
  type PartView,
} from './playlists.ts';

const T0 = 1_700_000_000_000;
const runs = new Map([['run_a', run('run_a')]]);
/** Four segments of ~2 s, each of four ~0.5 s parts; the first part of each a keyframe. */
const partsOf = (durations: number[]): PartView[] =>
  durations.map((d, i) => ({ durationMs: d, independent: i === 0 }));
const SEGS = [10, 11, 12, 13].map((seq, i) => segment(seq, 'run_a', T0 + i * 2000, 2000));
const PARTS = partsOf([500, 500, 533.3, 466.7]);

function ll(open: LowLatency['open'], partsFor = [12, 13]): LowLatency {
  return { partTargetMs: 588, parts: new Map(partsFor.map((s) => [s, PARTS])), open };
}

describe('LL-HLS live playlist', () => {
  const openSeg = { seq: 14, runId: 'run_a', producerTime: T0 + 8000, durationMs: 1000 };
  const text = mediaPlaylist(SEGS, runs, {
    kind: 'live',
    segmentMs: 2000,
    lowLatency: ll({ ...openSeg, parts: partsOf([500, 500]) }),
  });
  const p = parsePlaylist(text);

  it('declares blocking reloads, the part target and a hold-back of at least 3 part targets', () => {
    const target = Number(p.tag('EXT-X-PART-INF')!.attrs['PART-TARGET']);
    expect(target).toBe(0.588);
    const control = p.tag('EXT-X-SERVER-CONTROL')!.attrs;
    expect(control['CAN-BLOCK-RELOAD']).toBe('YES');
    expect(Number(control['PART-HOLD-BACK'])).toBeGreaterThanOrEqual(3 * target);
  });

  it('keeps every full segment listed (players without LL-HLS play it as before)', () => {
    expect(p.segments.map((s) => s.uri)).toEqual([
      'seg/10.m4s',
      'seg/11.m4s',
      'seg/12.m4s',
      'seg/13.m4s',
    ]);
    expect(p.tag('EXT-X-MEDIA-SEQUENCE')!.value).toBe('10');
    expect(p.tag('EXT-X-ENDLIST')).toBeUndefined();
  });

  it('lists the parts of the last segments before them: numbered by MSN, summing to the segment', () => {
    for (const s of p.segments.slice(2)) {
      const seq = /seg\/(\d+)\.m4s/.exec(s.uri)![1];
      expect(s.parts.map((x) => x.uri)).toEqual([0, 1, 2, 3].map((i) => `part/${seq}.${i}.m4s`));
      const sum = s.parts.reduce((n, x) => n + x.duration, 0);
      expect(Math.abs(sum - s.duration)).toBeLessThanOrEqual(0.002);
      expect(s.parts.map((x) => x.independent)).toEqual([true, false, false, false]);
    }
    // Older segments carry no parts (RFC 8216bis: only the last few target durations need them).
    expect(p.segments[0]!.parts).toEqual([]);
  });

  it('ends with the parts of the segment being written and a hint for the next part', () => {
    expect(p.trailingParts.map((x) => x.uri)).toEqual(['part/14.0.m4s', 'part/14.1.m4s']);
    expect(p.hint).toBe('part/14.2.m4s');
    const hint = p.lines.find((l) => l.tag === 'EXT-X-PRELOAD-HINT')!;
    expect(hint.attrs['TYPE']).toBe('PART');
    // RFC 8216bis: every part at most the part target, all but a segment's last >= 85 % of it.
    for (const s of [...p.segments, { parts: p.trailingParts, uri: '' }]) {
      for (const [i, x] of s.parts.entries()) {
        expect(x.duration).toBeLessThanOrEqual(0.588);
        if (i < s.parts.length - 1) expect(x.duration).toBeGreaterThanOrEqual(0.85 * 0.588);
      }
    }
  });

  it('between segments, hints at part 0 of the next sequence number', () => {
    const q = parsePlaylist(
      mediaPlaylist(SEGS, runs, { kind: 'live', segmentMs: 2000, lowLatency: ll(null) }),
    );
    expect(q.trailingParts).toEqual([]);
    expect(q.hint).toBe('part/14.0.m4s');
  });

  it('nothing being written (recorder stopped, mode not persisting): no hint to block on', () => {
    const q = parsePlaylist(
      mediaPlaylist(SEGS, runs, {
        kind: 'live',
        segmentMs: 2000,
        lowLatency: { ...ll(null), idle: true },
      }),
    );
    expect(q.hint).toBeUndefined();
    expect(q.segments).toHaveLength(4);
  });

  it('a new run whose init is not stored yet: no parts of it, no hint (players would mix inits)', () => {
    const open = { ...openSeg, runId: 'run_b', parts: partsOf([500]) };
    const q = parsePlaylist(
      mediaPlaylist(SEGS, runs, { kind: 'live', segmentMs: 2000, lowLatency: ll(open) }),
    );
    expect(q.trailingParts).toEqual([]);
    expect(q.hint).toBeUndefined();
    expect(q.segments).toHaveLength(4);
  });

  it('a new run once stored: a discontinuity and its init before its parts', () => {
    const both = new Map([...runs, ['run_b', run('run_b')]]);
    const open = { ...openSeg, runId: 'run_b', parts: partsOf([500]) };
    const q = parsePlaylist(
      mediaPlaylist(SEGS, both, { kind: 'live', segmentMs: 2000, lowLatency: ll(open) }),
    );
    const tags = q.lines.map((l) => l.tag);
    const last = tags.lastIndexOf('URI');
    expect(tags.slice(last + 1)).toEqual([
      'EXT-X-DISCONTINUITY',
      'EXT-X-MAP',
      'EXT-X-PROGRAM-DATE-TIME',
      'EXT-X-PART',
      'EXT-X-PRELOAD-HINT',
    ]);
    expect(q.lines.find((l) => l.tag === 'EXT-X-MAP' && l.value.includes('run_b'))).toBeTruthy();
  });

  it('without lowLatency (and for on-demand playlists) nothing LL-HLS is written', () => {
    const plain = mediaPlaylist(SEGS, runs, { kind: 'live', segmentMs: 2000 });
    const vod = mediaPlaylist(SEGS, runs, { kind: 'vod', segmentMs: 2000, lowLatency: ll(null) });
    for (const t of [plain, vod]) {
      expect(t).not.toMatch(/EXT-X-PART|PRELOAD-HINT|SERVER-CONTROL/);
    }
  });
});

describe('blocking playlist reload verdict', () => {
  const open = { seq: 14, runId: 'run_a', producerTime: T0 + 8000, durationMs: 1000 };
  const edge = liveEdge(SEGS, runs, ll({ ...open, parts: partsOf([500, 500]) }));

  it('is ready once the segment or part is in the playlist (or anything later)', () => {
    expect(blockingVerdict(edge, { msn: 13 })).toBe('ready');
    expect(blockingVerdict(edge, { msn: 12, part: 9 })).toBe('ready');
    expect(blockingVerdict(edge, { msn: 14, part: 1 })).toBe('ready');
  });

  it('waits for the next part, the segment in progress and the one after', () => {
    expect(blockingVerdict(edge, { msn: 14, part: 2 })).toBe('wait');
    expect(blockingVerdict(edge, { msn: 14 })).toBe('wait');
    expect(blockingVerdict(edge, { msn: 15 })).toBe('wait');
    expect(blockingVerdict(edge, { msn: 15, part: 0 })).toBe('wait');
  });

  it('answers at once (400) for requests far in the future', () => {
    expect(blockingVerdict(edge, { msn: 16 })).toBe('too-far');
    expect(blockingVerdict(edge, { msn: 14, part: 5 })).toBe('too-far');
    expect(blockingVerdict(edge, { msn: 15, part: 3 })).toBe('too-far');
    expect(blockingVerdict(edge, { msn: 99, part: 0 })).toBe('too-far');
  });
});
