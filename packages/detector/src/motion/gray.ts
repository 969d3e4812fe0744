/**
 * Grayscale frames for motion gating: small (the worker draws each frame at ~160 px wide), one
 * byte per pixel. Pure functions so tests can feed synthetic frames.
 */
export interface GrayFrame {
  width: number;
  height: number;
  /** Luma 0..255, row-major. */
  data: Uint8Array;
}

/** RGBA (ImageData layout) to luma with the Rec. 601 weights. */
export function rgbaToGray(
  rgba: Uint8ClampedArray | Uint8Array,
  width: number,
  height: number,
): GrayFrame {
  if (rgba.length !== width * height * 4)
    throw new RangeError('rgba length does not match the size');
  const data = new Uint8Array(width * height);
  for (let i = 0, p = 0; i < data.length; i++, p += 4) {
    data[i] = (77 * rgba[p]! + 150 * rgba[p + 1]! + 29 * rgba[p + 2]!) >> 8;
  }
  return { width, height, data };
}

/**
 * Contrast normalization: zero mean, unit standard deviation. A global brightness or gain change
 * (clouds, auto-exposure) then leaves the normalized frame nearly unchanged, so only what moved
 * differs between two frames.
 */
export function normalizeContrast(frame: GrayFrame): Float32Array {
  const n = frame.data.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += frame.data[i]!;
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (frame.data[i]! - mean) ** 2;
  // A flat frame (lens cap, black night) has no contrast to normalize: keep it flat.
  const std = Math.max(Math.sqrt(sq / n), 4);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (frame.data[i]! - mean) / std;
  return out;
}
