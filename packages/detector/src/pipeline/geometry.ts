import type { Box, Polygon } from '@porchlight/protocol';

/** Geometry on normalized boxes ([x, y, w, h], 0..1, origin top-left). */

/** Where a person stands: the middle of the box's bottom edge (feet), used for zones and masks. */
export function bottomCentre(box: Box): [number, number] {
  return [box[0] + box[2] / 2, box[1] + box[3]];
}

export function centre(box: Box): [number, number] {
  return [box[0] + box[2] / 2, box[1] + box[3] / 2];
}

export function boxArea(box: Box): number {
  return Math.max(0, box[2]) * Math.max(0, box[3]);
}

/** Intersection over union (shared with the model's NMS: one definition). */
export { iou } from '../model/boxes.ts';

/** Even-odd ray casting; a point exactly on an edge may fall either way. */
export function pointInPolygon(point: readonly [number, number], polygon: Polygon): boolean {
  const [px, py] = point;
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i] ?? [0, 0];
    const [xj, yj] = polygon[j] ?? [0, 0];
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** True when the box reaches within `margin` of a frame edge (the person is probably cut off). */
export function touchesEdge(box: Box, margin = 0.01): boolean {
  return (
    box[0] <= margin ||
    box[1] <= margin ||
    box[0] + box[2] >= 1 - margin ||
    box[1] + box[3] >= 1 - margin
  );
}

/** Clamps a model box into the frame (models return slightly negative or > 1 edges). */
export function clampBox(box: readonly number[]): Box {
  const [x, y, w, h] = [box[0] ?? 0, box[1] ?? 0, box[2] ?? 0, box[3] ?? 0];
  // Already inside: returned as is (re-deriving w from x2 - x1 would add float noise).
  if (x >= 0 && y >= 0 && w >= 0 && h >= 0 && x + w <= 1 && y + h <= 1) return [x, y, w, h];
  const x1 = clamp01(box[0] ?? 0);
  const y1 = clamp01(box[1] ?? 0);
  const x2 = clamp01((box[0] ?? 0) + (box[2] ?? 0));
  const y2 = clamp01((box[1] ?? 0) + (box[3] ?? 0));
  return [x1, y1, Math.max(0, x2 - x1), Math.max(0, y2 - y1)];
}

function clamp01(v: number): number {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
}

/** Median of a non-empty list (mean of the middle two for even lengths); 0 for an empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}
