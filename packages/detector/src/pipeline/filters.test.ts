import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTION_SETTINGS, type DetectionSettings } from '@porchlight/protocol';
import { filterDetections, zonesAt } from './filters.ts';
import { boxArea, bottomCentre, pointInPolygon } from './geometry.ts';
import type { Detection } from './types.ts';

const settings = (over: Partial<DetectionSettings> = {}): DetectionSettings => ({
  ...DEFAULT_DETECTION_SETTINGS,
  ...over,
});
const person = (score: number, box: Detection['box']): Detection => ({ score, box });
const door: [number, number][] = [
  [0.5, 0.5],
  [1, 0.5],
  [1, 1],
  [0.5, 1],
];

describe('filterDetections', () => {
  it('drops low scores, tiny and huge boxes', () => {
    const s = settings({ minScore: 0.4, minArea: 0.002, maxArea: 0.5 });
    const kept = filterDetections(
      [
        person(0.6, [0.1, 0.1, 0.05, 0.15]),
        person(0.39, [0.3, 0.1, 0.05, 0.15]),
        person(0.9, [0.5, 0.5, 0.01, 0.02]),
        person(0.9, [0, 0, 0.9, 0.9]),
      ],
      s,
    );
    expect(kept).toEqual([person(0.6, [0.1, 0.1, 0.05, 0.15])]);
  });

  it('ignores people standing in a mask and, with zones, people outside every zone', () => {
    const inDoor = person(0.6, [0.6, 0.6, 0.1, 0.3]);
    const onStreet = person(0.6, [0.1, 0.1, 0.1, 0.3]);
    expect(filterDetections([inDoor, onStreet], settings({ masks: [door] }))).toEqual([onStreet]);
    expect(
      filterDetections([inDoor, onStreet], settings({ zones: [{ name: 'door', points: door }] })),
    ).toEqual([inDoor]);
    expect(zonesAt(inDoor.box, [{ name: 'door', points: door }])).toEqual(['door']);
    // The feet decide: a box whose head is in the zone but whose feet are not is outside it.
    expect(zonesAt([0.6, 0.2, 0.1, 0.25], [{ name: 'door', points: door }])).toEqual([]);
  });

  it('keeps exactly the detections that pass every filter, and is idempotent', () => {
    const unit = fc.double({ min: 0, max: 1, noNaN: true });
    const det = fc.record({ score: unit, box: fc.tuple(unit, unit, unit, unit) });
    fc.assert(
      fc.property(fc.array(det, { maxLength: 20 }), unit, (dets, minScore) => {
        const s = settings({ minScore, masks: [door] });
        const kept = filterDetections(dets, s);
        expect(kept.length).toBeLessThanOrEqual(dets.length);
        for (const k of kept) {
          expect(k.score).toBeGreaterThanOrEqual(minScore);
          expect(boxArea(k.box)).toBeGreaterThanOrEqual(s.minArea);
          expect(boxArea(k.box)).toBeLessThanOrEqual(s.maxArea);
          expect(pointInPolygon(bottomCentre(k.box), door)).toBe(false);
        }
        expect(filterDetections(kept, s)).toEqual(kept);
      }),
    );
  });
});
