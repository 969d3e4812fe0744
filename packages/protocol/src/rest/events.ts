import { z } from 'zod';
import {
  DETECTION_LABELS,
  DETECTION_LIMITS,
  DetectionSettingsSchema,
  DetectorInfoSchema,
  TrackPointSchema,
  ZoneSchema,
} from '../detection.ts';
import { MillisSchema, QueryMillisSchema, ResourceIdSchema, ResponseIdSchema } from './common.ts';
import { DetectionCapabilitySchema, HostCameraStatusSchema } from './detectorHostShapes.ts';
import { REST_ENDPOINTS } from './endpoints.ts';
import { defineRoute, NoInputSchema } from './route.ts';

/**
 * Detection events (issue 12): a camera's page runs the person detector and reports each event
 * (start, updates, end, best snapshot); the server stores it, keeps the recording going, and
 * notifies the people who may watch the camera's recordings (socket `detection`, Web Push).
 * Devices post only for their own device id; reading needs `stream:view-recording` on the device;
 * settings are changed by those who manage its recording (owners, admins).
 */

export const DeviceOnlyParamsSchema = z.strictObject({ deviceId: ResourceIdSchema });
export const EventParamsSchema = z.strictObject({
  deviceId: ResourceIdSchema,
  eventId: ResourceIdSchema,
});
export const EventIdParamsSchema = z.strictObject({ eventId: ResourceIdSchema });

/** A zone name as an event carries it (a zone of the camera's settings at the time). */
export const EventZoneNameSchema = ZoneSchema.shape.name;

/** What a camera posts when a detection becomes an event. */
export const StartEventSchema = z.strictObject({
  label: z.enum(DETECTION_LABELS),
  /** Unix ms (device clock) of the first frame of the event. */
  startedAt: MillisSchema,
  maxScore: z.number().min(0).max(1),
  zones: z.array(EventZoneNameSchema).max(DETECTION_LIMITS.zones),
  track: z.array(TrackPointSchema).max(DETECTION_LIMITS.trackPoints),
  detector: DetectorInfoSchema,
  /**
   * Unix ms (device clock) when the camera sent this post. The server measures the device's clock
   * offset with it (its own time of arrival minus `sentAt`) and keeps the recording's pre-roll
   * before `startedAt` on its own clock, however late the post arrives. Without it the device's
   * clock is taken as the server's.
   */
  sentAt: MillisSchema.optional(),
});
export type StartEvent = z.input<typeof StartEventSchema>;

/**
 * Later news of an open event: track points are appended (the server keeps at most
 * DETECTION_LIMITS.trackPoints, thinning the oldest half), `maxScore` only rises, `zones` are
 * added to the event's, `endedAt` closes it (an ended event takes no more updates).
 */
export const UpdateEventSchema = z.strictObject({
  track: z.array(TrackPointSchema).max(DETECTION_LIMITS.trackPoints).optional(),
  maxScore: z.number().min(0).max(1).optional(),
  zones: z.array(EventZoneNameSchema).max(DETECTION_LIMITS.zones).optional(),
  endedAt: MillisSchema.optional(),
});
export type UpdateEvent = z.input<typeof UpdateEventSchema>;

/** An event as people see it (REST answers and the socket `detection` notification). */
export const EventViewSchema = z.object({
  id: ResponseIdSchema,
  siteId: ResponseIdSchema,
  deviceId: ResponseIdSchema,
  deviceName: z.string(),
  label: z.enum(DETECTION_LABELS),
  startedAt: z.number(),
  /** null while the event is open. */
  endedAt: z.number().nullable(),
  maxScore: z.number(),
  zones: z.array(z.string()),
  /** Signed, short-lived URL of the best snapshot (JPEG, box drawn); null until uploaded. */
  snapshotUrl: z.string().nullable(),
  detector: DetectorInfoSchema,
  /** Where playback of the recording should start: startedAt minus the camera's pre-roll. */
  playFrom: z.number(),
});
export type EventView = z.infer<typeof EventViewSchema>;

/** One event with its track (GET /events/:eventId). */
export const EventDetailSchema = EventViewSchema.extend({
  track: z.array(TrackPointSchema),
});
export type EventDetail = z.infer<typeof EventDetailSchema>;

/** Opaque page cursor: `<startedAt>.<eventId>` of the last event of the previous page. */
export const EventCursorSchema = z
  .string()
  .max(100)
  .regex(/^\d{1,16}\.[A-Za-z0-9_-]{1,64}$/, 'invalid cursor');

export const ListEventsQuerySchema = z.strictObject({
  deviceId: ResourceIdSchema.optional(),
  siteId: ResourceIdSchema.optional(),
  /** Only events that touched this zone. */
  zone: EventZoneNameSchema.optional(),
  /** Events started at or after this (unix ms). */
  from: QueryMillisSchema.optional(),
  /** Events started before this (unix ms). */
  to: QueryMillisSchema.optional(),
  limit: z.coerce.number<number>().int().min(1).max(100).default(50),
  /** The previous page's `next`. */
  before: EventCursorSchema.optional(),
});
export type ListEventsQuery = z.input<typeof ListEventsQuerySchema>;

export const EventPageSchema = z.object({
  /** Newest first. */
  events: z.array(EventViewSchema),
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: z.string().nullable(),
});
export type EventPage = z.infer<typeof EventPageSchema>;

/** A camera's detection settings, with what its detector last reported. */
export const DeviceDetectionSchema = z.object({
  deviceId: ResponseIdSchema,
  settings: DetectionSettingsSchema,
  /** The detector the device last reported (with an event), null before the first. */
  detector: DetectorInfoSchema.nullable(),
  detectorReportedAt: z.number().nullable(),
  /** null while the defaults are in force (never saved). */
  updatedAt: z.number().nullable(),
  /**
   * Where detection runs now: 'camera' (its page), 'server' (the detector host analyses it),
   * 'unavailable' (it should run on the server, but the host is off, full or lacks Chromium),
   * 'off' (disabled).
   */
  runsOn: z.enum(['camera', 'server', 'unavailable', 'off']),
  /** What the camera's page said it can do (null before its first report since the server started). */
  capability: DetectionCapabilitySchema.nullable(),
  /** The detector host's last report for this camera, while it analyses it. */
  server: HostCameraStatusSchema.nullable(),
});
export type DeviceDetection = z.infer<typeof DeviceDetectionSchema>;

/**
 * The snapshot body: raw JPEG bytes (`content-type: image/jpeg`), at most
 * DETECTION_LIMITS.snapshotBytes (413 beyond), checked by magic bytes.
 */
export const JpegBodySchema = z.instanceof(Uint8Array, { message: 'expected an image/jpeg body' });

export const eventRoutes = {
  startEvent: defineRoute({
    ...REST_ENDPOINTS.startEvent,
    summary:
      "A camera reports a new detection event (its own device id only): stored, the camera's recording kept going (pre-roll included), people notified.",
    tag: 'events',
    params: DeviceOnlyParamsSchema,
    query: NoInputSchema,
    body: StartEventSchema,
    response: z.object({ eventId: ResponseIdSchema }),
    status: 201,
  }),
  updateEvent: defineRoute({
    ...REST_ENDPOINTS.updateEvent,
    summary: 'A camera appends to its open event (track, score, zones) or ends it (endedAt).',
    tag: 'events',
    params: EventParamsSchema,
    query: NoInputSchema,
    body: UpdateEventSchema,
    response: EventViewSchema,
    status: 200,
  }),
  putEventSnapshot: defineRoute({
    ...REST_ENDPOINTS.putEventSnapshot,
    summary:
      "The event's best snapshot (image/jpeg body, <= 256 KiB; replaces an earlier one). Sends the second push with the image.",
    tag: 'events',
    params: EventParamsSchema,
    query: NoInputSchema,
    body: JpegBodySchema,
    response: z.object({ snapshotUrl: z.string() }),
    status: 200,
    bodyType: 'image/jpeg',
  }),
  listEvents: defineRoute({
    ...REST_ENDPOINTS.listEvents,
    summary:
      'Detection events of the cameras whose recordings the caller may watch, newest first, filtered by camera, site, zone and time.',
    tag: 'events',
    params: NoInputSchema,
    query: ListEventsQuerySchema,
    body: NoInputSchema,
    response: EventPageSchema,
    status: 200,
  }),
  getEvent: defineRoute({
    ...REST_ENDPOINTS.getEvent,
    summary: 'One detection event with its track.',
    tag: 'events',
    params: EventIdParamsSchema,
    query: z.strictObject({}),
    body: NoInputSchema,
    response: EventDetailSchema,
    status: 200,
  }),
  getDetectionSettings: defineRoute({
    ...REST_ENDPOINTS.getDetectionSettings,
    summary:
      "A camera's detection settings and its last detector report (the camera itself, and people who may watch its recordings).",
    tag: 'events',
    params: DeviceOnlyParamsSchema,
    query: z.strictObject({}),
    body: NoInputSchema,
    response: DeviceDetectionSchema,
    status: 200,
  }),
  putDetectionSettings: defineRoute({
    ...REST_ENDPOINTS.putDetectionSettings,
    summary:
      "Replace a camera's detection settings (omitted fields take their defaults); the camera is told at once.",
    tag: 'events',
    params: DeviceOnlyParamsSchema,
    query: NoInputSchema,
    body: DetectionSettingsSchema,
    response: DeviceDetectionSchema,
    status: 200,
  }),
};
