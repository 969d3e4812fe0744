import { describe, expect, it } from 'vitest';
import type { Box } from '@porchlight/protocol';
import { cropsForRegions } from './crops.ts';

const W = 1280;
const H = 720;
const inside = (outer: Box, inner: Box): boolean =>
  outer[0] <= inner[0] + 1e-9 &&
  outer[1] <= inner[1] + 1e-9 &&
  outer[0] + outer[2] >= inner[0] + inner[2] - 1e-9 &&
  outer[1] + outer[3] >= inner[1] + inner[3] - 1e-9;

describe('cropsForRegions', () => {
  it('no motion -> no crop (the model does not run)', () => {
    expect(cropsForRegions([], W, H)).toEqual([]);
  });

  it('a small region -> one square crop in pixels around it, inside the frame', () => {
    const region: Box = [0.9, 0.05, 0.05, 0.1];
    const [crop, ...rest] = cropsForRegions([region], W, H);
    expect(rest).toEqual([]);
    expect(inside(crop!, region)).toBe(true);
    expect(crop![2] * W).toBeCloseTo(crop![3] * H, 6);
    expect(crop![0] + crop![2]).toBeLessThanOrEqual(1 + 1e-9);
    expect(crop![1]).toBeGreaterThanOrEqual(0);
    // Much smaller than the frame: the person is upscaled for the model.
    expect(crop![2] * crop![3]).toBeLessThan(0.3);
  });

  it('regions far apart share one crop, or the whole frame when that is too large', () => {
    const a: Box = [0.05, 0.1, 0.03, 0.08];
    const b: Box = [0.9, 0.8, 0.03, 0.08];
    expect(cropsForRegions([a, b], W, H)).toEqual([[0, 0, 1, 1]]);
    const c: Box = [0.3, 0.3, 0.02, 0.05];
    const d: Box = [0.4, 0.35, 0.02, 0.05];
    const crops = cropsForRegions([c, d], W, H);
    expect(crops).toHaveLength(1);
    expect(inside(crops[0]!, c) && inside(crops[0]!, d)).toBe(true);
  });

  it('a large region -> the whole frame', () => {
    expect(cropsForRegions([[0.1, 0.1, 0.6, 0.7]], W, H)).toEqual([[0, 0, 1, 1]]);
  });
});
