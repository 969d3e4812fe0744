import type { Box } from '@porchlight/protocol';

/**
 * Motion regions -> the frame areas the model looks at. CenterNet only takes 512x512, so a small
 * region upscaled to 512 shows a distant person several times larger than the whole frame
 * squeezed to 512 would. Each crop is a square (in pixels) around a region with a margin, at least
 * `minSide` of the frame's shorter side, clamped into the frame; overlapping crops merge. When the
 * crops would cost more than the whole frame (too many, or one covers most of it), the answer is
 * the whole frame.
 */
export interface CropOptions {
  /** Margin around a region, as a fraction of its larger side. */
  margin: number;
  /** Smallest crop side as a fraction of the frame's shorter side (context for the model). */
  minSide: number;
  /**
   * Each crop is one model run, as costly as the whole frame: beyond this many, all regions share
   * one square around them (or the whole frame when that is too large).
   */
  maxCrops: number;
  /** A crop covering more than this fraction of the frame area means: use the whole frame. */
  maxAreaFraction: number;
}

export const DEFAULT_CROP_OPTIONS: CropOptions = {
  margin: 0.25,
  minSide: 0.5,
  maxCrops: 1,
  maxAreaFraction: 0.45,
};

const WHOLE: Box = [0, 0, 1, 1];

/** Crops in normalized frame coordinates; `[[0,0,1,1]]` means the whole frame. */
export function cropsForRegions(
  regions: readonly Box[],
  frameWidth: number,
  frameHeight: number,
  options: CropOptions = DEFAULT_CROP_OPTIONS,
): Box[] {
  if (regions.length === 0) return [];
  // Work in pixels so crops are square on the sensor (the model sees undistorted people).
  let px = regions.map(([x, y, w, h]) => {
    const side = Math.max(
      Math.max(w * frameWidth, h * frameHeight) * (1 + 2 * options.margin),
      options.minSide * Math.min(frameWidth, frameHeight),
    );
    return squareAround(
      x * frameWidth + (w * frameWidth) / 2,
      y * frameHeight + (h * frameHeight) / 2,
      side,
      frameWidth,
      frameHeight,
    );
  });
  // Merge overlapping squares into the square around both, until none overlap.
  for (let merged = true; merged;) {
    merged = false;
    outer: for (let i = 0; i < px.length; i++) {
      for (let j = i + 1; j < px.length; j++) {
        const a = px[i]!;
        const b = px[j]!;
        if (a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3]) {
          const x0 = Math.min(a[0], b[0]);
          const y0 = Math.min(a[1], b[1]);
          const x1 = Math.max(a[0] + a[2], b[0] + b[2]);
          const y1 = Math.max(a[1] + a[3], b[1] + b[3]);
          const sq = squareAround(
            (x0 + x1) / 2,
            (y0 + y1) / 2,
            Math.max(x1 - x0, y1 - y0),
            frameWidth,
            frameHeight,
          );
          px = [...px.filter((_, k) => k !== i && k !== j), sq];
          merged = true;
          break outer;
        }
      }
    }
  }
  if (px.length > options.maxCrops) {
    const x0 = Math.min(...px.map((b) => b[0]));
    const y0 = Math.min(...px.map((b) => b[1]));
    const x1 = Math.max(...px.map((b) => b[0] + b[2]));
    const y1 = Math.max(...px.map((b) => b[1] + b[3]));
    px = [
      squareAround(
        (x0 + x1) / 2,
        (y0 + y1) / 2,
        Math.max(x1 - x0, y1 - y0),
        frameWidth,
        frameHeight,
      ),
    ];
  }
  const frameArea = frameWidth * frameHeight;
  if (px.some(([, , w, h]) => w * h > options.maxAreaFraction * frameArea)) {
    return [WHOLE];
  }
  return px.map(([x, y, w, h]) => [
    x / frameWidth,
    y / frameHeight,
    w / frameWidth,
    h / frameHeight,
  ]);
}

/** A square of `side` px centred on (cx, cy), shifted (not shrunk) to stay in the frame. */
function squareAround(
  cx: number,
  cy: number,
  side: number,
  fw: number,
  fh: number,
): [number, number, number, number] {
  const s = Math.min(side, fw, fh);
  const x = Math.min(Math.max(cx - s / 2, 0), fw - s);
  const y = Math.min(Math.max(cy - s / 2, 0), fh - s);
  return [x, y, s, s];
}
