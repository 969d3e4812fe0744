import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Box } from '@porchlight/protocol';
import { boxArea, clampBox, iou, median, pointInPolygon, touchesEdge } from './geometry.ts';

const unit = fc.double({ min: 0, max: 1, noNaN: true });
const box = fc
  .tuple(unit, unit, unit, unit)
  .map(([x, y, w, h]): Box => [
    x * 0.9,
    y * 0.9,
    0.01 + w * (0.99 - x * 0.9),
    0.01 + h * (0.99 - y * 0.9),
  ]);

describe('geometry', () => {
  it('IoU is symmetric, within 0..1, and 1 for a box with itself', () => {
    fc.assert(
      fc.property(box, box, (a, b) => {
        const v = iou(a, b);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1 + 1e-9);
        expect(iou(b, a)).toBeCloseTo(v, 9);
        expect(iou(a, a)).toBeCloseTo(1, 9);
      }),
    );
  });

  it('a point is in an axis-aligned rectangle polygon exactly when it is inside its bounds', () => {
    fc.assert(
      fc.property(box, unit, unit, (b, px, py) => {
        const [x, y, w, h] = b;
        const poly: [number, number][] = [
          [x, y],
          [x + w, y],
          [x + w, y + h],
          [x, y + h],
        ];
        const inside = px > x && px < x + w && py > y && py < y + h;
        const onEdge = px === x || px === x + w || py === y || py === y + h;
        if (!onEdge) expect(pointInPolygon([px, py], poly)).toBe(inside);
      }),
    );
  });

  it('clamps any model box into the frame', () => {
    const any = fc.double({ min: -2, max: 3, noNaN: true });
    fc.assert(
      fc.property(fc.tuple(any, any, any, any), (raw) => {
        const [x, y, w, h] = clampBox(raw);
        for (const v of [x, y, w, h]) expect(v).toBeGreaterThanOrEqual(0);
        expect(x + w).toBeLessThanOrEqual(1 + 1e-12);
        expect(y + h).toBeLessThanOrEqual(1 + 1e-12);
      }),
    );
    expect(clampBox([-0.1, 0.5, 0.3, 0.7])).toEqual([
      0,
      0.5,
      expect.closeTo(0.2),
      expect.closeTo(0.5),
    ]);
  });

  it('knows boxes cut off by the frame edge, areas and medians', () => {
    expect(touchesEdge([0, 0.3, 0.1, 0.2])).toBe(true);
    expect(touchesEdge([0.4, 0.3, 0.1, 0.7])).toBe(true);
    expect(touchesEdge([0.4, 0.3, 0.1, 0.2])).toBe(false);
    expect(boxArea([0.1, 0.1, 0.5, 0.2])).toBeCloseTo(0.1);
    expect(median([0.9, 0.1, 0.5])).toBe(0.5);
    expect(median([0.2, 0.4])).toBeCloseTo(0.3);
    expect(median([])).toBe(0);
  });
});
