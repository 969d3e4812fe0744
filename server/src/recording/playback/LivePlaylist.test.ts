import { describe, expect, it } from 'vitest';
import { PorchlightError } from '../../errors.ts';
import { LiveParts } from '../live/LiveParts.ts';
import type { LiveFragmentInput, LiveStream } from '../live/LiveStream.ts';
import type { WaitTimers } from '../live/waitForChange.ts';
import type { RecordingRun, SegmentRecord } from '../types.ts';
import { parsePlaylist, run, segment } from './llhls.testSupport.ts';
import { LivePlaylist } from './LivePlaylist.ts';

const T0 = 1_700_000_000_000;
const DEV = 'dev_1';

/** Timers the test fires by hand: the deadline passes when the test says so, never by waiting. */
class ManualTimers implements WaitTimers {
  readonly pending = new Set<() => void>();
  setTimeout(fn: () => void): unknown {
    this.pending.add(fn);
    return fn;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as () => void);
  }
  fireAll(): void {
    for (const fn of [...this.pending]) {
      this.pending.delete(fn);
      fn();
    }
  }
}

function setup(): {
  playlist: LivePlaylist;
  live: LiveStream;
  indexed: SegmentRecord[];
  timers: ManualTimers;
  frag: (msn: number | null, i: number, o?: Partial<LiveFragmentInput>) => void;
} {
  const parts = new LiveParts();
  const indexed = [10, 11].map((s, i) => segment(s, 'run_a', T0 + i * 2000, 2000));
  const runs = new Map<string, RecordingRun>([['run_a', run('run_a')]]);
  const timers = new ManualTimers();
  const playlist = new LivePlaylist({
    index: {
      latestSegments: async (_d, limit) => indexed.slice(-limit),
      getRun: async (id) => runs.get(id) ?? null,
      listRuns: async () => [...runs.values()],
    },
    live: parts,
    segmentMs: 2000,
    liveWindowSegments: 6,
    timers,
  });
  const live = parts.of(DEV);
  live.watch();
  const frag = (msn: number | null, i: number, o: Partial<LiveFragmentInput> = {}): void =>
    live.fragment({
      runId: 'run_a',
      msn,
      producerTime: T0 + 4000 + i * 500,
      bytes: Buffer.from(`${msn}.${i}`),
      durationMs: 500,
      independent: i === 0,
      ...o,
    });
  return { playlist, live, indexed, timers, frag };
}

async function status(p: Promise<unknown>): Promise<number | 'ok'> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof PorchlightError) return e.httpStatus;
    throw e;
  }
}

describe('LivePlaylist', () => {
  it('lists the parts of the segment in progress and hints at the next one', async () => {
    const { playlist, frag } = setup();
    frag(12, 0);
    frag(12, 1);
    const p = parsePlaylist(await playlist.render(DEV));
    expect(p.trailingParts.map((x) => x.uri)).toEqual(['part/12.0.m4s', 'part/12.1.m4s']);
    expect(p.hint).toBe('part/12.2.m4s');
  });

  it('a blocking reload returns as soon as the part it asks for appears', async () => {
    const { playlist, frag, timers } = setup();
    frag(12, 0);
    let answered: string | undefined;
    const reload = playlist.render(DEV, { msn: 12, part: 1 }).then((t) => (answered = t));
    await Promise.resolve();
    expect(answered).toBeUndefined();
    frag(12, 1);
    const p = parsePlaylist(await reload);
    expect(p.trailingParts.map((x) => x.uri)).toContain('part/12.1.m4s');
    expect(timers.pending.size).toBe(0); // the deadline was cleared
  });

  it('a blocking reload for the next segment returns once it is cut (before it is indexed)', async () => {
    const { playlist, live, frag } = setup();
    for (let i = 0; i < 4; i++) frag(12, i);
    const reload = playlist.render(DEV, { msn: 12 });
    live.cut(12, { bytes: Buffer.from('whole'), durationMs: 2000, producerTime: T0 + 4000 });
    const p = parsePlaylist(await reload);
    expect(p.segments.map((s) => s.uri)).toEqual(['seg/10.m4s', 'seg/11.m4s', 'seg/12.m4s']);
    expect(p.segments[2]!.parts).toHaveLength(4);
    expect(playlist.pendingSegment(DEV, 12)?.bytes.toString()).toBe('whole');
  });

  it('far in the future: 400 at once; never appearing: 503 at the deadline', async () => {
    const { playlist, frag, timers } = setup();
    frag(12, 0);
    expect(await status(playlist.render(DEV, { msn: 20 }))).toBe(400);
    expect(await status(playlist.render(DEV, { msn: 12, part: 9 }))).toBe(400);
    const late = status(playlist.render(DEV, { msn: 13 }));
    await Promise.resolve();
    timers.fireAll();
    expect(await late).toBe(503);
  });

  it('a preload-hint request blocks until the part exists, then gets its bytes', async () => {
    const { playlist, live, frag } = setup();
    frag(12, 0);
    const hinted = playlist.part(DEV, 12, 1);
    frag(12, 1);
    expect((await hinted).bytes.toString()).toBe('12.1');
    // Part 0 of the segment after: waited for as well (the hint between two segments).
    const next = playlist.part(DEV, 13, 0);
    live.cut(12, { bytes: Buffer.alloc(1), durationMs: 1000, producerTime: T0 + 4000 });
    frag(13, 0);
    expect((await next).bytes.toString()).toBe('13.0');
  });

  it('old or bogus parts: 404 at once; the hint of a stopped recording: 503', async () => {
    const { playlist, live, frag, timers } = setup();
    frag(12, 0);
    expect(await status(playlist.part(DEV, 12, 7))).toBe(404);
    expect(await status(playlist.part(DEV, 3, 0))).toBe(404);
    live.cut(12, { bytes: Buffer.alloc(1), durationMs: 500, producerTime: T0 + 4000 });
    expect(await status(playlist.part(DEV, 12, 1))).toBe(404); // the segment is complete
    const hint = status(playlist.part(DEV, 13, 0));
    await Promise.resolve();
    timers.fireAll();
    expect(await hint).toBe(503);
  });

  it('a client that goes away stops waiting', async () => {
    const { playlist, frag } = setup();
    frag(12, 0);
    const abort = new AbortController();
    const waiting = status(playlist.render(DEV, { msn: 12, part: 1 }, abort.signal));
    abort.abort();
    expect(await waiting).toBe(503);
  });
});

describe('LivePlaylist, segments on their way to storage', () => {
  it('served from the parts plus their audio tail; listed only while the numbers follow on', async () => {
    const { playlist, live, frag, indexed } = setup();
    frag(12, 0, { bytes: Buffer.from('a') });
    frag(12, 1, { bytes: Buffer.from('b') });
    frag(12, 2, { durationMs: 0, bytes: Buffer.from('t') }); // audio after the last video
    live.cut(12, { bytes: Buffer.from('abt'), durationMs: 1000, producerTime: T0 + 4000 });
    expect(playlist.pendingSegment(DEV, 12)?.bytes.toString()).toBe('abt');
    frag(13, 0);
    live.cut(13, { bytes: Buffer.from('13.0'), durationMs: 500, producerTime: T0 + 5000 });
    let p = parsePlaylist(await playlist.render(DEV));
    expect(p.segments.map((s) => s.uri)).toEqual([
      'seg/10.m4s',
      'seg/11.m4s',
      'seg/12.m4s',
      'seg/13.m4s',
    ]);
    // A slow index (still ending at 11) while 12 and 13 left the ring: 14-16 cannot follow 11.
    indexed.splice(0, indexed.length, segment(11, 'run_a', T0 + 2000, 2000));
    for (let msn = 14; msn < 17; msn++) {
      frag(msn, 0);
      live.cut(msn, { bytes: Buffer.from(`${msn}.0`), durationMs: 500, producerTime: T0 });
    }
    p = parsePlaylist(await playlist.render(DEV));
    expect(p.segments.map((s) => s.uri)).toEqual(['seg/11.m4s']);
  });
});

describe('LiveStream', () => {
  it('keeps only the last segment while nobody watches live', () => {
    let now = 0;
    const live = new LiveParts({ now: () => now }).of(DEV);
    const cut = (msn: number): void => {
      live.fragment({
        runId: 'r',
        msn,
        producerTime: 0,
        bytes: Buffer.from('x'),
        durationMs: 500,
        independent: true,
      });
      live.cut(msn, { bytes: Buffer.from('x'), durationMs: 500, producerTime: 0 });
    };
    cut(1);
    cut(2);
    expect(live.segments.map((s) => s.msn)).toEqual([2]);
    live.watch();
    cut(3);
    cut(4);
    cut(5);
    expect(live.segments.map((s) => s.msn)).toEqual([3, 4, 5]);
    now += 61_000;
    cut(6);
    expect(live.segments.map((s) => s.msn)).toEqual([6]);
  });

  it('audio ahead of the first video is carried by the first part', () => {
    const { live, frag } = setup();
    frag(12, 0, { durationMs: 0, bytes: Buffer.from('audio') });
    frag(12, 0);
    expect(live.part(12, 0)?.bytes.toString()).toBe('audio12.0');
    expect(live.open?.parts).toHaveLength(1);
  });

  it('no parts while the mode does not persist, nor from the middle of a segment', () => {
    const { live, frag } = setup();
    frag(12, 0);
    frag(null, 1);
    expect(live.open).toBeNull();
    frag(12, 2); // persisting again mid-segment: these parts could not start a segment
    expect(live.open).toBeNull();
    live.cut(null, { bytes: Buffer.alloc(1), durationMs: 2000, producerTime: T0 });
    frag(13, 0);
    expect(live.open?.msn).toBe(13);
  });

  it('a segment not persisted under the expected number is dropped; the ring is bounded', () => {
    const { live, frag } = setup();
    for (let msn = 12; msn < 20; msn++) {
      frag(msn, 0);
      live.cut(msn, { bytes: Buffer.alloc(1), durationMs: 500, producerTime: T0 });
    }
    expect(live.segments.map((s) => s.msn)).toEqual([17, 18, 19]);
    frag(20, 0);
    live.cut(null, { bytes: Buffer.alloc(1), durationMs: 500, producerTime: T0 });
    expect(live.segment(20)).toBeUndefined();
    live.clear();
    expect(live.segments).toEqual([]);
  });
});
