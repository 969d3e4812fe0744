import { z } from 'zod';
import { DetectionSettingsSchema } from '../detection.ts';
import { ResponseIdSchema } from './common.ts';
import { DetectionCapabilitySchema, HostCameraStatusSchema } from './detectorHostShapes.ts';
import { REST_ENDPOINTS } from './endpoints.ts';
import { DeviceOnlyParamsSchema } from './events.ts';
import { defineRoute, NoInputSchema } from './route.ts';

/**
 * The server-run detector (docs/detection.md "Detection on the server"): cameras report whether
 * they can detect; the detector host (a page the server runs in headless Chromium) exchanges its
 * one-time launch code for a scoped token, follows its assignment and reports its status. The
 * host's token is refused everywhere else except the event routes of its assigned cameras.
 */

/** A detector host token: `pldh_<signed payload>`, short-lived, renewed by the page. */
export const DetectorHostTokenSchema = z.object({
  token: z.string(),
  /** Unix ms. */
  expiresAt: z.number(),
});
export type DetectorHostToken = z.infer<typeof DetectorHostTokenSchema>;

export const DetectorHostSessionSchema = z.strictObject({
  /** The one-time code from the page's URL fragment (base64url, 43 characters). */
  code: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'invalid code'),
});

/** A camera the host analyses, with the settings it runs under. */
export const HostCameraSchema = z.object({
  deviceId: ResponseIdSchema,
  siteId: ResponseIdSchema,
  name: z.string(),
  settings: DetectionSettingsSchema,
});
export type HostCamera = z.infer<typeof HostCameraSchema>;

export const HostAssignmentSchema = z.object({
  /** Bumped at every change; pass it as `after` to wait for the next one. */
  version: z.number().int(),
  cameras: z.array(HostCameraSchema),
});
export type HostAssignment = z.infer<typeof HostAssignmentSchema>;

export const HostAssignmentQuerySchema = z.strictObject({
  /** Answer at once when the version differs, else wait (up to ~25 s) for a change. */
  after: z.coerce.number<number>().int().min(-1).optional(),
});

export const HostStatusSchema = z.strictObject({
  cameras: z.array(HostCameraStatusSchema).max(64),
});
export type HostStatus = z.infer<typeof HostStatusSchema>;

export const CapabilityAnswerSchema = z.object({
  /** What the camera's page should do: detect itself, or leave it to the server. */
  runsOn: z.enum(['camera', 'server', 'unavailable', 'off']),
});

export const detectorHostRoutes = {
  reportDetectionCapability: defineRoute({
    ...REST_ENDPOINTS.reportDetectionCapability,
    summary:
      "A camera's page reports whether it can detect (its own device id only); with runOn 'auto' the server takes over when it cannot.",
    tag: 'events',
    params: DeviceOnlyParamsSchema,
    query: NoInputSchema,
    body: DetectionCapabilitySchema,
    response: CapabilityAnswerSchema,
    status: 200,
  }),
  openDetectorHostSession: defineRoute({
    ...REST_ENDPOINTS.openDetectorHostSession,
    summary:
      "The detector host page exchanges the one-time code of its launch URL's fragment for a scoped, short-lived token.",
    tag: 'events',
    params: NoInputSchema,
    query: NoInputSchema,
    body: DetectorHostSessionSchema,
    response: DetectorHostTokenSchema,
    status: 200,
  }),
  renewDetectorHostToken: defineRoute({
    ...REST_ENDPOINTS.renewDetectorHostToken,
    summary: 'The detector host renews its token before it expires (its launch only).',
    tag: 'events',
    params: NoInputSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: DetectorHostTokenSchema,
    status: 200,
  }),
  getDetectorHostAssignment: defineRoute({
    ...REST_ENDPOINTS.getDetectorHostAssignment,
    summary:
      'The cameras the detector host analyses, with their settings; waits for a change when `after` is the current version.',
    tag: 'events',
    params: NoInputSchema,
    query: HostAssignmentQuerySchema,
    body: NoInputSchema,
    response: HostAssignmentSchema,
    status: 200,
  }),
  putDetectorHostStatus: defineRoute({
    ...REST_ENDPOINTS.putDetectorHostStatus,
    summary: "The detector host's status per camera (shown on the camera's detection settings).",
    tag: 'events',
    params: NoInputSchema,
    query: NoInputSchema,
    body: HostStatusSchema,
    response: z.object({ ok: z.literal(true) }),
    status: 200,
  }),
};
