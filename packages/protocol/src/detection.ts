import { z } from 'zod';
import { TextSchema } from './text.ts';

/**
 * Person detection, shared by the detector (browser, `packages/detector`), the server (per-camera
 * settings, event ingest) and the apps (settings editor, events list). Boxes and polygons are in
 * normalized frame coordinates (0..1, origin top-left) so they survive resolution changes.
 */

export const DETECTION_LABELS = ['person'] as const;
export type DetectionLabel = (typeof DETECTION_LABELS)[number];

export const DETECTION_BACKENDS = ['wasm', 'webgl', 'webgpu', 'cpu'] as const;
export type DetectionBackend = (typeof DETECTION_BACKENDS)[number];

export const DETECTION_LIMITS = {
  zones: 16,
  masks: 16,
  polygonPoints: 32,
  zoneName: 40,
  /** Boxes kept per event track (the detector thins a long track to this many). */
  trackPoints: 300,
  /** Best snapshot: JPEG bytes. */
  snapshotBytes: 256 * 1024,
  /**
   * `runOn: 'auto'`: a camera whose detector takes longer than this per frame (its warm-up) hands
   * detection to the server. 1000 ms at the default 0.5-core budget is under 0.5 detections/s: a
   * person walking past is seen on a frame or two, too few for the track gate (3 hits).
   */
  cameraMaxMsPerFrame: 1000,
} as const;

/**
 * Where a camera's person detection runs: its own page, the server's detector host (headless
 * Chromium on the same box, docs/detection.md "Detection on the server"), or 'auto' (the camera
 * when it can: the detector starts and its msPerFrame is under DETECTION_LIMITS.cameraMaxMsPerFrame).
 */
export const DETECTION_RUN_ON = ['camera', 'server', 'auto'] as const;
export type DetectionRunOn = (typeof DETECTION_RUN_ON)[number];

const Unit = z.number().finite().min(0).max(1);
/** [x, y, w, h], normalized. */
export const BoxSchema = z
  .tuple([Unit, Unit, Unit, Unit])
  .refine(([x, y, w, h]) => x + w <= 1.0001 && y + h <= 1.0001, 'box leaves the frame');
export type Box = z.infer<typeof BoxSchema>;

export const PolygonSchema = z
  .array(z.tuple([Unit, Unit]))
  .min(3)
  .max(DETECTION_LIMITS.polygonPoints);
export type Polygon = z.infer<typeof PolygonSchema>;

export const ZoneSchema = z.object({
  name: TextSchema(DETECTION_LIMITS.zoneName),
  points: PolygonSchema,
});
export type Zone = z.infer<typeof ZoneSchema>;

/**
 * Per-camera settings. Every field has a default so `{}` parses to a working configuration; the
 * defaults are documented in docs/detection.md and chosen from measurements on the fixture set.
 */
export const DetectionSettingsSchema = z.object({
  /** Run the detector on this camera's page. */
  enabled: z.boolean().default(true),
  /** Drop single detections under this score (CenterNet: true people in CCTV score 0.40-0.75). */
  minScore: z.number().min(0).max(1).default(0.35),
  /**
   * A track counts (and can start an event) when the median score of its last 5 boxes reaches
   * this. 0.45: the lowest value at which static false positives (a rock, a sign: median 0.31-0.37)
   * never pass in bench/detection.ts; true people stay found up to 0.6.
   */
  trackScore: z.number().min(0).max(1).default(0.45),
  /** Box area bounds as a fraction of the frame (0.002 ~ 17 x 52 px at 768x576). */
  minArea: z.number().min(0).max(1).default(0.002),
  maxArea: z.number().min(0).max(1).default(0.8),
  /** Empty = the whole frame counts. A person is in a zone when the bottom-centre of the box is. */
  zones: z.array(ZoneSchema).max(DETECTION_LIMITS.zones).default([]),
  /** Detections whose bottom-centre falls in a mask are ignored. */
  masks: z.array(PolygonSchema).max(DETECTION_LIMITS.masks).default([]),
  /** A track that has not moved since it appeared, for this long, is a static false positive (0 = off). */
  stationarySeconds: z.number().min(0).max(3600).default(30),
  /** After an event ends, a new track within this many seconds continues it. */
  cooldownSeconds: z.number().min(0).max(600).default(10),
  /** Notify (socket + push) on events from this camera. */
  notify: z.boolean().default(true),
  /** Where the detector runs: the camera's page, the server's detector host, or 'auto'. */
  runOn: z.enum(DETECTION_RUN_ON).default('auto'),
});
export type DetectionSettings = z.infer<typeof DetectionSettingsSchema>;
export type DetectionSettingsInput = z.input<typeof DetectionSettingsSchema>;
export const DEFAULT_DETECTION_SETTINGS: DetectionSettings = DetectionSettingsSchema.parse({});

/** One box of an event's track. `t` is unix ms (device clock, checked against the server's). */
export const TrackPointSchema = z.object({
  t: z.number().int().nonnegative(),
  box: BoxSchema,
  score: z.number().min(0).max(1),
});
export type TrackPoint = z.infer<typeof TrackPointSchema>;

/** How the detector ran, reported with each event and shown in the camera's settings. */
export const DetectorInfoSchema = z.object({
  backend: z.enum(DETECTION_BACKENDS),
  model: z.string().min(1).max(64),
  msPerFrame: z.number().nonnegative().max(60_000),
  /** Where it ran; set by the server from who posted (a camera's page, or the detector host). */
  where: z.enum(['camera', 'server']).optional(),
});
export type DetectorInfo = z.infer<typeof DetectorInfoSchema>;
