import { describe, expect, it } from 'vitest';
import { decodePersons, iou, nms } from './boxes.ts';

describe('decodePersons', () => {
  it('keeps persons above the floor and maps crop pixels to frame coordinates', () => {
    const rows = [
      [128, 0, 256, 512, 0.8, 0], // person, left-centre quarter of the crop, full height
      [0, 0, 100, 100, 0.9, 2], // a car
      [0, 0, 100, 100, 0.1, 0], // person under the floor
      [10, 10, 10, 50, 0.5, 0], // degenerate box
    ];
    const persons = decodePersons(rows, [0.5, 0.5, 0.5, 0.5], 512, 0.2);
    expect(persons).toHaveLength(1);
    expect(persons[0]!.score).toBe(0.8);
    const [x, y, w, h] = persons[0]!.box;
    expect([x, y, w, h].map((v) => Math.round(v * 1000) / 1000)).toEqual([0.625, 0.5, 0.125, 0.5]);
  });
});

describe('nms', () => {
  it('keeps the best of overlapping boxes and all separate ones', () => {
    const kept = nms([
      { score: 0.5, box: [0.1, 0.1, 0.2, 0.4] },
      { score: 0.7, box: [0.11, 0.1, 0.2, 0.4] },
      { score: 0.4, box: [0.6, 0.1, 0.2, 0.4] },
    ]);
    expect(kept.map((p) => p.score)).toEqual([0.7, 0.4]);
    expect(iou([0, 0, 0.5, 0.5], [0, 0, 0.5, 0.5])).toBe(1);
    expect(iou([0, 0, 0.1, 0.1], [0.5, 0.5, 0.1, 0.1])).toBe(0);
  });
});
