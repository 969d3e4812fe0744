import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DETECTION_SETTINGS,
  type DetectionSettings,
  TrackPointSchema,
} from '@porchlight/protocol';
import { EventAssembler, thin } from './EventAssembler.ts';
import { touchesEdge } from './geometry.ts';
import { T0, scene, type Walker } from './testScenes.ts';
import type { DetectionEvent, PipelineFrame } from './types.ts';

const settings = (over: Partial<DetectionSettings> = {}): DetectionSettings => ({
  ...DEFAULT_DETECTION_SETTINGS,
  ...over,
});

function run(frames: PipelineFrame[], s: DetectionSettings = settings(), flush = false) {
  const log: { kind: 'started' | 'updated' | 'ended' | 'best'; ev: DetectionEvent }[] = [];
  let n = 0;
  const assembler = new EventAssembler(
    s,
    {
      started: (ev) => log.push({ kind: 'started', ev }),
      updated: (ev) => log.push({ kind: 'updated', ev }),
      ended: (ev) => log.push({ kind: 'ended', ev }),
      best: (ev) => log.push({ kind: 'best', ev }),
    },
    { newId: () => `ev${++n}` },
  );
  for (const f of frames) assembler.push(f);
  if (flush) assembler.flush();
  const of = (kind: string) => log.filter((e) => e.kind === kind).map((e) => e.ev);
  return {
    log,
    started: of('started'),
    updated: of('updated'),
    ended: of('ended'),
    best: of('best'),
    assembler,
  };
}

/** Empty frames (nobody there) every 200 ms. */
const empty = (from: number, to: number): PipelineFrame[] => scene([], from, to);

const walker = (from: number, to: number, over: Partial<Walker> = {}): Walker => ({
  from,
  to,
  start: [0.05, 0.35, 0.06, 0.2],
  end: [0.85, 0.4, 0.07, 0.22],
  score: 0.6,
  ...over,
});

describe('EventAssembler', () => {
  it('makes one event of a person crossing the frame, ended a cooldown after they left', () => {
    const r = run([
      ...scene([walker(T0, T0 + 6000)], T0, T0 + 6000),
      ...empty(T0 + 6200, T0 + 20_000),
    ]);
    expect(r.started).toHaveLength(1);
    expect(r.ended).toHaveLength(1);
    const ev = r.ended[0]!;
    expect(ev.localId).toBe('ev1');
    expect(ev.startedAt).toBe(T0);
    expect(ev.endedAt).toBe(T0 + 6000);
    expect(ev.maxScore).toBe(0.6);
    expect(ev.track.length).toBeGreaterThan(20);
    for (const p of ev.track) expect(TrackPointSchema.safeParse(p).success).toBe(true);
    // The snapshot box: the person fully in view (largest, not cut off at the edge).
    expect(touchesEdge(ev.best.box)).toBe(false);
    expect(r.best.length).toBeGreaterThan(0);
    // Ended only once the cooldown passed, not when the person left.
    const endedAt = r.log.findIndex((e) => e.kind === 'ended');
    expect(endedAt).toBe(r.log.length - 1);
    expect(r.updated.length).toBeGreaterThan(0);
    expect(r.updated.every((u) => u.endedAt === null)).toBe(true);
  });

  it('ignores flicker: single frames, and tracks whose median score stays under trackScore', () => {
    const spikes: PipelineFrame[] = scene([], T0, T0 + 20_000).map((f, i) =>
      i % 7 === 0
        ? { ...f, persons: [{ score: 0.95, box: [0.1 + (i % 5) * 0.15, 0.3, 0.05, 0.15] }] }
        : f,
    );
    expect(run(spikes).started).toEqual([]);
    const weak = scene(
      [walker(T0, T0 + 10_000, { score: (t) => ((t - T0) % 1000 < 200 ? 0.9 : 0.4) })],
      T0,
      T0 + 10_000,
    );
    expect(run(weak, settings({ minScore: 0.35, trackScore: 0.45 })).started).toEqual([]);
  });

  it('continues an event when someone arrives within the cooldown, and starts a new one after it', () => {
    const s = settings({ cooldownSeconds: 5 });
    const within = run(
      [
        ...scene([walker(T0, T0 + 3000)], T0, T0 + 3000),
        ...empty(T0 + 3200, T0 + 6000),
        ...scene([walker(T0 + 6200, T0 + 9000)], T0 + 6200, T0 + 9000),
        ...empty(T0 + 9200, T0 + 20_000),
      ],
      s,
    );
    expect(within.started).toHaveLength(1);
    expect(within.ended).toHaveLength(1);
    expect(within.ended[0]!.endedAt).toBe(T0 + 9000);
    const after = run(
      [
        ...scene([walker(T0, T0 + 3000)], T0, T0 + 3000),
        ...empty(T0 + 3200, T0 + 12_000),
        ...scene([walker(T0 + 12_200, T0 + 15_000)], T0 + 12_200, T0 + 15_000),
        ...empty(T0 + 15_200, T0 + 30_000),
      ],
      s,
    );
    expect(after.ended.map((e) => [e.startedAt, e.endedAt])).toEqual([
      [T0, T0 + 3000],
      [T0 + 12_200, T0 + 15_000],
    ]);
  });

  it('suppresses a still false positive after stationarySeconds, and at once when it comes back', () => {
    const s = settings({ stationarySeconds: 10, cooldownSeconds: 2 });
    const coat: Walker = {
      from: T0,
      to: T0 + 30_000,
      start: [0.4, 0.3, 0.05, 0.2],
      end: [0.4, 0.3, 0.05, 0.2],
      score: 0.5,
    };
    const r = run(
      [
        ...scene([coat], T0, T0 + 30_000),
        ...empty(T0 + 30_200, T0 + 40_000),
        ...scene([{ ...coat, from: T0 + 40_200, to: T0 + 80_000 }], T0 + 40_200, T0 + 80_000),
      ],
      s,
      true,
    );
    // It did look like a person for up to stationarySeconds, then never again.
    expect(r.started).toHaveLength(1);
    expect(r.ended[0]!.endedAt! - r.ended[0]!.startedAt).toBeLessThan(10_000);
    // A person who walks in and then stands still is not a false positive.
    const visitor = scene(
      [
        walker(T0, T0 + 4000),
        {
          ...walker(T0 + 4200, T0 + 40_000),
          start: [0.85, 0.4, 0.07, 0.22],
          end: [0.85, 0.4, 0.07, 0.22],
        },
      ],
      T0,
      T0 + 40_000,
    );
    const v = run(visitor, s, true);
    expect(v.started).toHaveLength(1);
    expect(v.ended[0]!.endedAt).toBe(T0 + 40_000);
  });

  it('keeps an event open while motion gating skips the model', () => {
    const frames = [
      ...scene([walker(T0, T0 + 3000)], T0, T0 + 3000),
      ...empty(T0 + 3200, T0 + 30_000).map((f) => ({ ...f, ran: false })),
    ];
    const r = run(frames);
    expect(r.started).toHaveLength(1);
    expect(r.ended).toEqual([]);
    expect(r.assembler.current?.endedAt).toBeNull();
  });

  it('only counts people standing in a zone, and names the zones they stood in', () => {
    const path: [number, number][] = [
      [0.5, 0],
      [1, 0],
      [1, 1],
      [0.5, 1],
    ];
    const r = run(
      scene([walker(T0, T0 + 8000)], T0, T0 + 8000),
      settings({ zones: [{ name: 'path', points: path }] }),
      true,
    );
    expect(r.started).toHaveLength(1);
    const ev = r.ended[0]!;
    expect(ev.zones).toEqual(['path']);
    expect(ev.startedAt).toBeGreaterThan(T0 + 3000);
    expect(ev.track.every((p) => p.box[0] + p.box[2] / 2 > 0.5)).toBe(true);
  });

  it('thins a long track to the limit, keeping its first and last point', () => {
    const r = run(
      scene([walker(T0, T0 + 120_000, { end: [0.1, 0.4, 0.06, 0.2] })], T0, T0 + 120_000),
      settings({ stationarySeconds: 0 }),
      true,
    );
    const ev = r.ended[0]!;
    expect(ev.track.length).toBeLessThanOrEqual(300);
    expect(ev.track.length).toBeGreaterThan(100);
    expect(ev.track[0]!.t).toBe(ev.startedAt + 400);
    expect(ev.track.at(-1)!.t).toBe(T0 + 120_000);
    const points = Array.from({ length: 1000 }, (_, i) => ({
      t: i,
      box: [0, 0, 0.1, 0.1] as [number, number, number, number],
      score: 0.5,
    }));
    const thinned = thin(points, 300);
    expect(thinned.length).toBeLessThanOrEqual(300);
    expect(thinned[0]!.t).toBe(0);
    expect(thinned.at(-1)!.t).toBe(999);
  });

  it('emits well-formed, non-overlapping events for any stream of detections', () => {
    const unit = fc.double({ min: 0, max: 0.8, noNaN: true });
    const det = fc.record({
      score: fc.double({ min: 0, max: 1, noNaN: true }),
      box: fc.tuple(
        unit,
        unit,
        fc.double({ min: 0.02, max: 0.2, noNaN: true }),
        fc.double({ min: 0.05, max: 0.2, noNaN: true }),
      ),
    });
    const frame = fc.record({
      persons: fc.array(det, { maxLength: 4 }),
      ran: fc.boolean(),
      dt: fc.integer({ min: 50, max: 3000 }),
    });
    fc.assert(
      fc.property(
        fc.array(frame, { maxLength: 120 }),
        fc.integer({ min: 0, max: 20 }),
        (stream, cooldownSeconds) => {
          let t = T0;
          const frames = stream.map((f) => ({ t: (t += f.dt), persons: f.persons, ran: f.ran }));
          const s = settings({ cooldownSeconds, stationarySeconds: 5 });
          const r = run(frames, s, true);
          expect(r.ended.map((e) => e.localId)).toEqual(r.started.map((e) => e.localId));
          let previousEnd = -Infinity;
          for (const ev of r.ended) {
            expect(ev.endedAt).not.toBeNull();
            expect(ev.startedAt).toBeGreaterThan(previousEnd);
            expect(ev.endedAt!).toBeGreaterThanOrEqual(ev.startedAt);
            previousEnd = ev.endedAt!;
            expect(ev.maxScore).toBeGreaterThanOrEqual(s.trackScore);
            expect(ev.best.score).toBeLessThanOrEqual(ev.maxScore);
            expect(ev.track.length).toBeGreaterThan(0);
            expect(ev.track.length).toBeLessThanOrEqual(300);
            for (const p of ev.track) {
              expect(p.score).toBeGreaterThanOrEqual(s.minScore);
              expect(p.t).toBeGreaterThanOrEqual(ev.startedAt);
              expect(p.t).toBeLessThanOrEqual(ev.endedAt!);
            }
          }
        },
      ),
    );
  });

  it('never makes an event of detections under minScore', () => {
    const unit = fc.double({ min: 0, max: 0.8, noNaN: true });
    const det = fc.record({
      score: fc.double({ min: 0, max: 0.3499, noNaN: true }),
      box: fc.tuple(unit, unit, fc.constant(0.05), fc.constant(0.15)),
    });
    fc.assert(
      fc.property(fc.array(fc.array(det, { maxLength: 5 }), { maxLength: 100 }), (stream) => {
        const frames = stream.map((persons, i) => ({ t: T0 + i * 200, persons, ran: true }));
        expect(run(frames, settings({ minScore: 0.35 }), true).started).toEqual([]);
      }),
    );
  });
});
