import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tracker } from './Tracker.ts';
import { T0, scene } from './testScenes.ts';

describe('Tracker', () => {
  it('follows one walking person as one track', () => {
    const tracker = new Tracker();
    const frames = scene(
      [
        {
          from: T0,
          to: T0 + 5000,
          start: [0.05, 0.4, 0.05, 0.15],
          end: [0.8, 0.45, 0.06, 0.17],
          score: 0.6,
        },
      ],
      T0,
      T0 + 5000,
    );
    const ids = new Set<number>();
    for (const f of frames)
      for (const tr of tracker.update(f.t, f.persons, true).hit) ids.add(tr.id);
    expect(ids.size).toBe(1);
    expect(tracker.tracks[0]?.moved).toBe(true);
  });

  it('keeps two people apart when they walk past each other in opposite directions', () => {
    const tracker = new Tracker();
    const frames = scene(
      [
        {
          from: T0,
          to: T0 + 4000,
          start: [0.1, 0.3, 0.05, 0.15],
          end: [0.8, 0.3, 0.05, 0.15],
          score: 0.6,
        },
        {
          from: T0,
          to: T0 + 4000,
          start: [0.8, 0.5, 0.05, 0.15],
          end: [0.1, 0.5, 0.05, 0.15],
          score: 0.6,
        },
      ],
      T0,
      T0 + 4000,
    );
    for (const f of frames) tracker.update(f.t, f.persons, true);
    const tracks = tracker.tracks;
    expect(tracks).toHaveLength(2);
    // Each track ended where its own person did.
    const ends = tracks.map((t) => Math.round(t.box[0] * 10) / 10).sort();
    expect(ends).toEqual([0.1, 0.8]);
    expect(tracks.every((t) => t.hits === frames.length)).toBe(true);
  });

  it('drops a track after the gap, but not while the model is skipped', () => {
    const tracker = new Tracker({ maxGapMs: 1000, maxMissedRuns: 2 });
    tracker.update(T0, [{ score: 0.6, box: [0.4, 0.4, 0.05, 0.15] }], true);
    expect(tracker.update(T0 + 5000, [], false).lost).toEqual([]);
    expect(tracker.update(T0 + 5200, [], true).lost).toEqual([]);
    expect(tracker.update(T0 + 5400, [], true).lost).toHaveLength(1);
    expect(tracker.tracks).toEqual([]);
  });

  it('gives every detection of a frame exactly one track, and no track two detections', () => {
    const unit = fc.double({ min: 0, max: 0.8, noNaN: true });
    const det = fc.record({
      score: fc.double({ min: 0.3, max: 1, noNaN: true }),
      box: fc.tuple(unit, unit, fc.constant(0.1), fc.constant(0.2)),
    });
    fc.assert(
      fc.property(fc.array(fc.array(det, { maxLength: 6 }), { maxLength: 30 }), (frames) => {
        const tracker = new Tracker();
        frames.forEach((persons, i) => {
          const { hit } = tracker.update(T0 + i * 200, persons, true);
          expect(hit).toHaveLength(persons.length);
          expect(new Set(hit.map((t) => t.id)).size).toBe(persons.length);
        });
      }),
    );
  });
});
