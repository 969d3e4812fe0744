import type { Box } from '@porchlight/protocol';

/** A person found by the model, in normalized frame coordinates. */
export interface Person {
  score: number;
  box: Box;
}

/** COCO class id of "person" in CenterNet's output. */
export const PERSON_CLASS = 0;

export function iou(a: Box, b: Box): number {
  const x0 = Math.max(a[0], b[0]);
  const y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]);
  const y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  return union > 0 ? inter / union : 0;
}

/** Greedy non-maximum suppression: highest score first, drops boxes overlapping a kept one. */
export function nms(persons: readonly Person[], iouThreshold = 0.5): Person[] {
  const sorted = [...persons].sort((a, b) => b.score - a.score);
  const kept: Person[] = [];
  for (const p of sorted) {
    if (kept.every((k) => iou(k.box, p.box) < iouThreshold)) kept.push(p);
  }
  return kept;
}

/**
 * CenterNet rows `[x1, y1, x2, y2, score, class]` in input pixels (the crop stretched to
 * `inputSize` square) -> persons above `floor` in normalized frame coordinates, given the crop
 * (normalized) the input showed.
 */
export function decodePersons(
  rows: readonly (readonly number[])[],
  crop: Box,
  inputSize: number,
  floor: number,
): Person[] {
  const out: Person[] = [];
  for (const r of rows) {
    const [x1, y1, x2, y2, score, cls] = r;
    if (cls !== PERSON_CLASS || score === undefined || !(score >= floor)) continue;
    const c = (v: number | undefined): number => Math.min(Math.max((v ?? 0) / inputSize, 0), 1);
    const [ax, ay, bx, by] = [c(x1), c(y1), c(x2), c(y2)];
    if (bx <= ax || by <= ay) continue;
    const x = crop[0] + ax * crop[2];
    const y = crop[1] + ay * crop[3];
    const box: Box = [
      x,
      y,
      Math.min((bx - ax) * crop[2], 1 - x),
      Math.min((by - ay) * crop[3], 1 - y),
    ];
    out.push({ score: Math.min(score, 1), box });
  }
  return out;
}
