import { describe, expect, it } from 'vitest';
import type { Box } from '@porchlight/protocol';
import { MotionDetector } from './MotionDetector.ts';
import type { GrayFrame } from './gray.ts';
import { rgbaToGray } from './gray.ts';

const W = 160;
const H = 120;

/** A textured scene (like a real one: flat frames have no contrast to normalize). */
function scene(seed = 1): Uint8Array {
  const data = new Uint8Array(W * H);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const x = i % W;
    const y = Math.floor(i / W);
    data[i] = 60 + ((x * 3 + y * 2) % 90) + (s % 20);
  }
  return data;
}

const frame = (data: Uint8Array): GrayFrame => ({ width: W, height: H, data });

/** The scene with a dark block at (x, y), size w x h px. */
function withBlock(base: Uint8Array, x: number, y: number, w: number, h: number): Uint8Array {
  const out = base.slice();
  for (let r = y; r < y + h; r++) for (let c = x; c < x + w; c++) out[r * W + c] = 15;
  return out;
}

const contains = (outer: Box, inner: Box): boolean =>
  outer[0] <= inner[0] + 1e-9 &&
  outer[1] <= inner[1] + 1e-9 &&
  outer[0] + outer[2] >= inner[0] + inner[2] - 1e-9 &&
  outer[1] + outer[3] >= inner[1] + inner[3] - 1e-9;

describe('MotionDetector', () => {
  it('looks once at the first frame, then reports nothing while nothing moves', () => {
    const m = new MotionDetector();
    const bg = scene();
    expect(m.update(frame(bg))).toEqual({ motion: true, regions: [[0, 0, 1, 1]], lighting: false });
    for (let i = 0; i < 5; i++) {
      // Sensor noise: +-3 levels on every pixel.
      const noisy = bg.map((v, k) => v + (((k * 7 + i) % 7) - 3));
      expect(m.update(frame(noisy))).toEqual({ motion: false, regions: [], lighting: false });
    }
  });

  it('puts a region around a block that moves, and nowhere else', () => {
    const m = new MotionDetector();
    const bg = scene();
    m.update(frame(withBlock(bg, 40, 30, 12, 30)));
    const r = m.update(frame(withBlock(bg, 56, 30, 12, 30)));
    expect(r.motion).toBe(true);
    expect(r.regions).toHaveLength(1);
    const region = r.regions[0]!;
    // Covers where the block was and where it is now ...
    expect(contains(region, [40 / W, 30 / H, 28 / W, 30 / H])).toBe(true);
    // ... and not much more (cells are 8 px).
    expect(region[2] * W).toBeLessThanOrEqual(28 + 16);
    expect(region[3] * H).toBeLessThanOrEqual(30 + 16);
  });

  it('reports two regions for two blocks moving far apart', () => {
    const m = new MotionDetector();
    const bg = scene();
    m.update(frame(withBlock(withBlock(bg, 10, 10, 10, 20), 120, 80, 10, 20)));
    const r = m.update(frame(withBlock(withBlock(bg, 20, 10, 10, 20), 130, 80, 10, 20)));
    expect(r.regions).toHaveLength(2);
  });

  it('ignores a brightness or gain change of the whole frame (contrast normalization)', () => {
    const m = new MotionDetector();
    const bg = scene();
    m.update(frame(bg));
    const darker = bg.map((v) => Math.round(v * 0.6 + 10));
    expect(m.update(frame(darker))).toEqual({ motion: false, regions: [], lighting: false });
  });

  it('guards against a global lighting change that normalization cannot absorb', () => {
    const m = new MotionDetector();
    const bg = scene();
    m.update(frame(bg));
    // A lamp switched on at the left: a strong uneven change over the whole frame.
    const lit = bg.map((v, k) => Math.min(255, v + Math.round(120 * (1 - (k % W) / W))));
    expect(m.update(frame(lit))).toEqual({ motion: false, regions: [], lighting: true });
    // The lit scene is the new reference: still nothing moves.
    expect(m.update(frame(lit))).toEqual({ motion: false, regions: [], lighting: false });
  });

  it('starts over after reset() or a frame size change', () => {
    const m = new MotionDetector();
    m.update(frame(scene()));
    m.reset();
    expect(m.update(frame(scene())).regions).toEqual([[0, 0, 1, 1]]);
    const small = { width: 80, height: 60, data: new Uint8Array(80 * 60).fill(100) };
    expect(m.update(small).motion).toBe(true);
  });
});

describe('rgbaToGray', () => {
  it('weights green most and rejects a buffer of the wrong size', () => {
    const g = rgbaToGray(
      new Uint8ClampedArray([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255]),
      3,
      1,
    );
    expect(g.data[1]).toBeGreaterThan(g.data[0]!);
    expect(g.data[0]).toBeGreaterThan(g.data[2]!);
    expect(() => rgbaToGray(new Uint8ClampedArray(8), 3, 1)).toThrow(RangeError);
  });
});
