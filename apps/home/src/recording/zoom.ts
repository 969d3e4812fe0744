/** The windows the timeline shows, each ending now. */
export type ZoomId = '15m' | '1h' | '24h';

export interface Zoom {
  id: ZoomId;
  label: string;
  spanMs: number;
  /** Thumbnails asked for across the window. */
  thumbnails: number;
  /** Tick labels across the bar (the ends included). */
  ticks: number;
}

const MINUTE = 60_000;

export const ZOOMS: readonly Zoom[] = [
  { id: '15m', label: '15 min', spanMs: 15 * MINUTE, thumbnails: 10, ticks: 6 },
  { id: '1h', label: '1 h', spanMs: 60 * MINUTE, thumbnails: 12, ticks: 5 },
  { id: '24h', label: '24 h', spanMs: 24 * 60 * MINUTE, thumbnails: 12, ticks: 5 },
];

export const DEFAULT_ZOOM: Zoom = ZOOMS[1]!;

/** How often the window (ranges, recording state) is re-read while the timeline is open. */
export const TIMELINE_REFRESH_MS = 5_000;
