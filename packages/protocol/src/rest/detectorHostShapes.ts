import { z } from 'zod';
import { ResourceIdSchema } from '../text.ts';
import { DETECTION_BACKENDS, DetectorInfoSchema } from '../detection.ts';

/**
 * Shapes of the server-run detector (docs/detection.md "Detection on the server") that the
 * camera's settings view shares with the detector host's own routes.
 */

/** What a camera's page says about its own detector (`runOn: 'auto'` decides with it). */
export const DetectionCapabilitySchema = z.strictObject({
  /** The detector started and is fast enough (msPerFrame <= DETECTION_LIMITS.cameraMaxMsPerFrame). */
  canDetect: z.boolean(),
  /** Why not, shown on the settings screen ("too slow: 1840 ms/frame", the start error). */
  reason: z.string().max(300).nullable(),
  /** The detector it measured, when it started. */
  detector: DetectorInfoSchema.nullable(),
});
export type DetectionCapability = z.infer<typeof DetectionCapabilitySchema>;

/** One camera as the detector host reports it. */
export const HostCameraStatusSchema = z.strictObject({
  deviceId: ResourceIdSchema,
  /** waiting: no video from the camera yet (offline, connecting); running: detecting. */
  state: z.enum(['waiting', 'starting', 'running', 'error']),
  detectionsPerSecond: z.number().nonnegative().max(1000).nullable(),
  msPerFrame: z.number().nonnegative().max(60_000).nullable(),
  backend: z.enum(DETECTION_BACKENDS).nullable(),
  error: z.string().max(300).nullable(),
  /** Events the host reported for this camera since it started analysing it. */
  events: z.number().int().nonnegative(),
});
export type HostCameraStatus = z.infer<typeof HostCameraStatusSchema>;
