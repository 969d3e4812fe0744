import { z } from 'zod';
import { RECORDING_MODES } from './enums.ts';
import { DeviceParamsSchema, EmptySchema, ResponseIdSchema, SiteParamsSchema } from './common.ts';
import { REST_ENDPOINTS } from './endpoints.ts';
import { defineRoute, NoInputSchema } from './route.ts';

export const RecordingModeSchema = z.enum(RECORDING_MODES);

/** Longest window the timeline and thumbnails cover. */
export const MAX_TIMELINE_MS = 31 * 86_400_000;
/** Camera time in a query string (unix ms). */
const Time = z.coerce.number<number>().int().min(0).max(8_640_000_000_000);
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
export const RecordingTagSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'lower-case letters, digits and -');

/** A span of time, unix ms, `from` inclusive. */
export const TimeRangeSchema = z.object({ from: z.number(), to: z.number() });
export type TimeRange = z.infer<typeof TimeRangeSchema>;

export const TimelineQuerySchema = z
  .strictObject({ from: Time, to: Time })
  .refine((r) => r.to > r.from, 'to must be after from')
  .refine((r) => r.to - r.from <= MAX_TIMELINE_MS, 'range is at most 31 days');

/** One device's recording stream: its settings and what is stored. */
export const RecordingStreamViewSchema = z.object({
  deviceId: ResponseIdSchema,
  deviceName: z.string(),
  mode: RecordingModeSchema,
  /** Older segments are deleted; null: kept by age forever. */
  retentionMaxAgeSeconds: z.number().nullable(),
  /** The oldest segments are deleted while more is stored; null: unbounded. */
  retentionMaxBytes: z.number().nullable(),
  /** Event mode: seconds before a trigger kept with it. */
  preRollSeconds: z.number(),
  /** Event mode: seconds recorded after the last trigger. */
  postRollSeconds: z.number(),
  tags: z.record(z.string(), z.string()),
  /** A recorder is persisting this stream now. */
  recording: z.boolean(),
  /** On-demand recording started with a duration: when it stops by itself. */
  onDemandUntil: z.number().nullable().optional(),
  /** Oldest and newest recorded instants; null when nothing is stored. */
  firstTime: z.number().nullable(),
  lastTime: z.number().nullable(),
  segments: z.number(),
  storedBytes: z.number(),
});
export type RecordingStreamView = z.infer<typeof RecordingStreamViewSchema>;

/** Owners only. Fields left out stay as they are; null retention removes the limit. */
export const RecordingPatchSchema = z
  .strictObject({
    mode: RecordingModeSchema,
    retentionMaxAgeSeconds: z
      .number()
      .int()
      .min(60)
      .max(3650 * 86_400)
      .nullable(),
    retentionMaxBytes: z.number().int().min(1_000_000).nullable(),
    preRollSeconds: z.number().int().min(5).max(60),
    postRollSeconds: z.number().int().min(1).max(600),
    tags: z
      .record(RecordingTagSchema, z.string().max(128))
      .refine((t) => Object.keys(t).length <= 32, 'at most 32 tags'),
  })
  .partial()
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');
export type RecordingPatch = z.input<typeof RecordingPatchSchema>;

/** What is recorded inside a window: merged ranges, and the gaps between them. */
export const RecordingTimelineSchema = z.object({
  ranges: z.array(TimeRangeSchema),
  gaps: z.array(TimeRangeSchema),
});
export type RecordingTimeline = z.infer<typeof RecordingTimelineSchema>;

/** One stored media segment. */
export const RecordingFragmentSchema = z.object({
  seq: z.number(),
  /** The recording run (one init segment: codecs, picture size); a new run starts at a change. */
  runId: z.string(),
  /** Unix ms on the camera's media clock. */
  producerTime: z.number(),
  /** Unix ms when it reached the server. */
  ingestTime: z.number(),
  durationMs: z.number(),
  bytes: z.number(),
  /** Starts with a video keyframe. */
  keyframe: z.boolean(),
  tags: z.array(z.string()),
});
export type RecordingFragment = z.infer<typeof RecordingFragmentSchema>;

export const RecordingFragmentQuerySchema = z.strictObject({
  from: Time,
  to: Time,
  /** Default 1000. */
  limit: z.coerce.number<number>().int().min(1).max(10_000).default(1000),
});
export type RecordingFragmentQuery = z.input<typeof RecordingFragmentQuerySchema>;

/** A non-negative integer in a query string (digits only: no sign, exponent or blank). */
const QueryUint = z
  .string()
  .regex(/^\d{1,15}$/, 'must be a non-negative integer')
  .transform(Number);

/**
 * The live playlist's query (`/media/<token>/live.m3u8`): an LL-HLS blocking reload asks for the
 * playlist once it holds segment `_HLS_msn` (and, with `_HLS_part`, that part of it).
 */
export const LivePlaylistQuerySchema = z
  .strictObject({ _HLS_msn: QueryUint.optional(), _HLS_part: QueryUint.optional() })
  .refine((q) => q._HLS_part === undefined || q._HLS_msn !== undefined, {
    message: '_HLS_part requires _HLS_msn',
  });
export type LivePlaylistQuery = z.output<typeof LivePlaylistQuerySchema>;

export const RecordingThumbnailSchema = z.object({
  at: z.number(),
  /** Signed, expiring JPEG URL (same origin), usable as an `<img src>`. */
  url: z.string(),
});
export type RecordingThumbnail = z.infer<typeof RecordingThumbnailSchema>;

export const RecordingThumbnailQuerySchema = z.strictObject({
  from: Time,
  to: Time,
  /** How many, spread over the window. */
  count: z.coerce.number<number>().int().min(1).max(60).default(12),
});
export type RecordingThumbnailQuery = z.input<typeof RecordingThumbnailQuerySchema>;

export const PlaybackRequestSchema = z
  .strictObject({
    from: z.number().int().min(0).optional(),
    to: z.number().int().min(0).optional(),
    /** How long the signed URLs stay valid. */
    ttlSeconds: z.number().int().min(10).max(86_400).optional(),
  })
  .refine((b) => (b.from === undefined) === (b.to === undefined), 'from and to go together')
  .refine(
    (b) => b.from === undefined || b.to === undefined || b.to > b.from,
    'to must be after from',
  );
export type PlaybackRequest = z.input<typeof PlaybackRequestSchema>;

/**
 * Signed media URLs (paths on the API's origin; the token is in the path, no bearer needed) for
 * players, `<a download>` and `<img>`.
 */
export const RecordingPlaybackSchema = z.object({
  expiresAt: z.number(),
  /** Live HLS playlist (the recording as it grows). */
  live: z.string(),
  /** On-demand HLS playlist of [from, to]; null unless both were given. */
  vod: z.string().nullable(),
  /** MP4 download of [from, to] (H264 + AAC; `?audio=opus` keeps Opus, see clipUrl); null unless both were given. */
  clip: z.string().nullable(),
  /** A JPEG of any instant: append `?at=<ms>&width=<px>` (see snapshotUrl). */
  snapshot: z.string(),
});
export type RecordingPlayback = z.infer<typeof RecordingPlaybackSchema>;

/** Audio codecs a clip can carry: AAC plays everywhere (QuickTime, phones); Opus is the recording's own, copied as is. */
export const CLIP_AUDIO_CODECS = ['aac', 'opus'] as const;
export const ClipAudioSchema = z.enum(CLIP_AUDIO_CODECS, { error: 'audio must be aac or opus' });
export type ClipAudio = z.infer<typeof ClipAudioSchema>;

/**
 * Query of a playback's `clip` URL. `audio` (default `aac`): the recorded Opus is transcoded to
 * AAC (video copied); `opus` copies it. A recording without audio gives a clip without audio.
 */
export const ClipQuerySchema = z.strictObject({ audio: ClipAudioSchema.default('aac') });
export type ClipQuery = z.input<typeof ClipQuerySchema>;

/** Per device per UTC day. */
export const RecordingUsageSchema = z.object({
  deviceId: ResponseIdSchema,
  siteId: ResponseIdSchema,
  day: z.string(),
  bytesIngested: z.number(),
  bytesServed: z.number(),
  storedByteSeconds: z.number(),
});
export type RecordingUsage = z.infer<typeof RecordingUsageSchema>;

export const RecordingUsageQuerySchema = z.strictObject({ from: Day, to: Day });
export type RecordingUsageQuery = z.input<typeof RecordingUsageQuerySchema>;

export const RecordingEventSchema = z.strictObject({ type: RecordingTagSchema });
export type RecordingEvent = z.input<typeof RecordingEventSchema>;

const streams = RecordingStreamViewSchema;
const device = DeviceParamsSchema;

export const recordingRoutes = {
  listRecordings: defineRoute({
    ...REST_ENDPOINTS.listRecordings,
    summary: "Recording streams of the site's devices the caller may watch recordings of.",
    tag: 'recordings',
    params: SiteParamsSchema,
    query: EmptySchema,
    body: NoInputSchema,
    response: z.object({ streams: z.array(streams) }),
    status: 200,
  }),
  getRecordingUsage: defineRoute({
    ...REST_ENDPOINTS.getRecordingUsage,
    summary: 'Recording usage per device and day: bytes ingested, served, stored byte-seconds.',
    tag: 'recordings',
    params: SiteParamsSchema,
    query: RecordingUsageQuerySchema,
    body: NoInputSchema,
    response: z.object({ usage: z.array(RecordingUsageSchema) }),
    status: 200,
  }),
  getRecording: defineRoute({
    ...REST_ENDPOINTS.getRecording,
    summary: "A device's recording settings, state and stored totals.",
    tag: 'recordings',
    params: device,
    query: EmptySchema,
    body: NoInputSchema,
    response: streams,
    status: 200,
  }),
  updateRecording: defineRoute({
    ...REST_ENDPOINTS.updateRecording,
    summary: 'Change mode, retention (applied at once to what is stored), pre/post-roll and tags.',
    tag: 'recordings',
    params: device,
    query: NoInputSchema,
    body: RecordingPatchSchema,
    response: streams,
    status: 200,
  }),
  startRecording: defineRoute({
    ...REST_ENDPOINTS.startRecording,
    summary: 'Start on-demand recording (mode on-demand) for a while or until stopped.',
    tag: 'recordings',
    params: device,
    query: NoInputSchema,
    body: z.strictObject({ durationSeconds: z.number().int().min(5).max(86_400).optional() }),
    response: streams,
    status: 200,
  }),
  stopRecording: defineRoute({
    ...REST_ENDPOINTS.stopRecording,
    summary: 'Stop on-demand recording.',
    tag: 'recordings',
    params: device,
    query: NoInputSchema,
    body: EmptySchema,
    response: streams,
    status: 200,
  }),
  triggerRecording: defineRoute({
    ...REST_ENDPOINTS.triggerRecording,
    summary: 'Raise an event (person, doorbell, manual): event mode persists pre-roll + post-roll.',
    tag: 'recordings',
    params: device,
    query: NoInputSchema,
    body: RecordingEventSchema,
    response: z.object({ accepted: z.literal(true), until: z.number() }),
    status: 202,
  }),
  listRecordingFragments: defineRoute({
    ...REST_ENDPOINTS.listRecordingFragments,
    summary: 'Indexed segments overlapping [from, to) in camera time (unix ms).',
    tag: 'recordings',
    params: device,
    query: RecordingFragmentQuerySchema,
    body: NoInputSchema,
    response: z.object({ fragments: z.array(RecordingFragmentSchema) }),
    status: 200,
  }),
  getRecordingTimeline: defineRoute({
    ...REST_ENDPOINTS.getRecordingTimeline,
    summary: 'Recorded ranges and gaps inside [from, to] (at most 31 days).',
    tag: 'recordings',
    params: device,
    query: TimelineQuerySchema,
    body: NoInputSchema,
    response: RecordingTimelineSchema,
    status: 200,
  }),
  listRecordingThumbnails: defineRoute({
    ...REST_ENDPOINTS.listRecordingThumbnails,
    summary: 'Signed thumbnail URLs spread over [from, to], one per recorded bucket.',
    tag: 'recordings',
    params: device,
    query: RecordingThumbnailQuerySchema,
    body: NoInputSchema,
    response: z.object({ thumbnails: z.array(RecordingThumbnailSchema) }),
    status: 200,
  }),
  createPlayback: defineRoute({
    ...REST_ENDPOINTS.createPlayback,
    summary:
      'Signed, expiring URLs: live and on-demand HLS playlists, MP4 clip and JPEG snapshots.',
    tag: 'recordings',
    params: device,
    query: NoInputSchema,
    body: PlaybackRequestSchema,
    response: RecordingPlaybackSchema,
    status: 200,
  }),
  rotateRecordingKeys: defineRoute({
    ...REST_ENDPOINTS.rotateRecordingKeys,
    summary:
      'Rotate encryption at rest: a new data key per stream, every data key re-wrapped under the current master key.',
    tag: 'admin',
    params: NoInputSchema,
    query: NoInputSchema,
    body: EmptySchema,
    response: z.object({ rotated: z.number(), rewrapped: z.number() }),
    status: 200,
  }),
};
