import type { DetectionSettings, Zone } from '@porchlight/protocol';
import { bottomCentre, boxArea, clampBox, pointInPolygon } from './geometry.ts';
import type { Detection } from './types.ts';

/** The settings the per-detection filters read. */
export type FilterSettings = Pick<
  DetectionSettings,
  'minScore' | 'minArea' | 'maxArea' | 'masks' | 'zones'
>;

/**
 * Per-detection filters, applied before tracking: score floor, box area bounds, masks and zones
 * (both by the bottom-centre of the box, where the person stands). Boxes are clamped into the frame.
 */
export function filterDetections(
  persons: readonly Detection[],
  settings: FilterSettings,
): Detection[] {
  const out: Detection[] = [];
  for (const p of persons) {
    if (!(p.score >= settings.minScore)) continue;
    const box = clampBox(p.box);
    const area = boxArea(box);
    if (area < settings.minArea || area > settings.maxArea) continue;
    const feet = bottomCentre(box);
    if (settings.masks.some((mask) => pointInPolygon(feet, mask))) continue;
    if (settings.zones.length > 0 && zonesAt(box, settings.zones).length === 0) continue;
    out.push({ score: p.score, box });
  }
  return out;
}

/** Names of the zones that contain the bottom-centre of the box. */
export function zonesAt(box: Detection['box'], zones: readonly Zone[]): string[] {
  const feet = bottomCentre(box);
  return zones.filter((z) => pointInPolygon(feet, z.points)).map((z) => z.name);
}
