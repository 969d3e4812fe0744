import { z } from 'zod';
import {
  DeviceParamsSchema,
  ResponseIdSchema,
  SiteParamsSchema,
  TextSchema,
} from './rest/common.ts';
import { DeviceSchema } from './rest/devices.ts';
import { REST_ENDPOINTS } from './rest/endpoints.ts';
import { defineRoute, NoContentSchema, NoInputSchema } from './rest/route.ts';

/**
 * Cameras fed from outside (issue 14, docs/cameras.md): RTSP cameras the server pulls and RTMP
 * encoders that push to it. Creating one and probing a URL needs `device:provision` on the site,
 * changing or removing one `device:manage` on the device. Credentials and stream keys are write
 * only: no response carries them (a new stream key is shown once, in its creation's answer).
 */

export const INGEST_KINDS = ['rtsp', 'rtmp'] as const;
export type IngestKind = (typeof INGEST_KINDS)[number];
/** RTSP media over the RTSP TCP connection (interleaved, the default) or separate UDP ports. */
export const INGEST_TRANSPORTS = ['tcp', 'udp'] as const;
export type IngestTransport = (typeof INGEST_TRANSPORTS)[number];

/** Why a probe or a camera's connection failed. */
export const INGEST_FAILURES = [
  'unauthorized',
  'unreachable',
  'timeout',
  'unsupported-codec',
  'no-video',
  'error',
] as const;
export type IngestFailure = (typeof INGEST_FAILURES)[number];

/** `connecting` (probing / waiting for the first packets), `online`, `offline`, `disabled`. */
export const INGEST_STATES = ['connecting', 'online', 'offline', 'disabled'] as const;
export type IngestState = (typeof INGEST_STATES)[number];

/**
 * An `rtsp://` or `rtsps://` URL without credentials (they go in their own fields, so they can be
 * sealed and never shown again).
 */
export const RtspUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .superRefine((s, ctx) => {
    let url: URL;
    try {
      url = new URL(s);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not a URL' });
      return;
    }
    if (url.protocol !== 'rtsp:' && url.protocol !== 'rtsps:')
      ctx.addIssue({ code: 'custom', message: 'the URL must start with rtsp:// or rtsps://' });
    if (url.username !== '' || url.password !== '')
      ctx.addIssue({
        code: 'custom',
        message: 'put the user name and password in their own fields, not in the URL',
      });
    if (url.hostname === '') ctx.addIssue({ code: 'custom', message: 'the URL has no host' });
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0020\u007f]/.test(s))
      ctx.addIssue({ code: 'custom', message: 'spaces and control characters are not allowed' });
  });

export const IngestCredentialsSchema = z.strictObject({
  username: z.string().min(1).max(128),
  password: z.string().max(256),
});
export type IngestCredentials = z.input<typeof IngestCredentialsSchema>;

export const CreateRtspCameraSchema = z.strictObject({
  name: TextSchema(64),
  url: RtspUrlSchema,
  credentials: IngestCredentialsSchema.optional(),
  transport: z.enum(INGEST_TRANSPORTS).default('tcp'),
  enabled: z.boolean().default(true),
});
export type CreateRtspCamera = z.input<typeof CreateRtspCameraSchema>;

/** Absent fields are kept; `credentials: null` removes them. */
export const UpdateIngestSourceSchema = z.strictObject({
  url: RtspUrlSchema.optional(),
  credentials: IngestCredentialsSchema.nullable().optional(),
  transport: z.enum(INGEST_TRANSPORTS).optional(),
  enabled: z.boolean().optional(),
});
export type UpdateIngestSource = z.input<typeof UpdateIngestSourceSchema>;

export const ProbeRtspSchema = z.strictObject({
  url: RtspUrlSchema,
  credentials: IngestCredentialsSchema.optional(),
  transport: z.enum(INGEST_TRANSPORTS).default('tcp'),
});
export type ProbeRtsp = z.input<typeof ProbeRtspSchema>;

export const CreateRtmpCameraSchema = z.strictObject({ name: TextSchema(64) });
export type CreateRtmpCamera = z.input<typeof CreateRtmpCameraSchema>;

/** What the server does with a track: passes it through or transcodes it (docs/cameras.md). */
export const IngestTrackSchema = z.object({
  codec: z.string(),
  action: z.enum(['copy', 'transcode']),
});
export const IngestVideoSchema = IngestTrackSchema.extend({
  width: z.number().nullable(),
  height: z.number().nullable(),
  fps: z.number().nullable(),
});
export const IngestAudioSchema = IngestTrackSchema.extend({
  sampleRate: z.number().nullable(),
  channels: z.number().nullable(),
});

export const ProbeResultSchema = z.object({
  ok: z.boolean(),
  /** Null when ok. */
  failure: z.enum(INGEST_FAILURES).nullable(),
  /** One sentence for people (never holds credentials). */
  message: z.string(),
  video: IngestVideoSchema.nullable(),
  audio: IngestAudioSchema.nullable(),
});
export type ProbeResult = z.infer<typeof ProbeResultSchema>;

export const IngestStatusSchema = z.object({
  state: z.enum(INGEST_STATES),
  failure: z.enum(INGEST_FAILURES).nullable(),
  /** Why it is offline, in a sentence; null while fine. */
  reason: z.string().nullable(),
  /** Unix ms of the last state change. */
  since: z.number(),
  /** Consecutive failed attempts since the last good connection. */
  attempts: z.number(),
  video: IngestVideoSchema.nullable(),
  audio: IngestAudioSchema.nullable(),
});
export type IngestStatus = z.infer<typeof IngestStatusSchema>;

export const IngestSourceViewSchema = z.object({
  deviceId: ResponseIdSchema,
  siteId: ResponseIdSchema,
  name: z.string(),
  kind: z.enum(INGEST_KINDS),
  /** RTSP: the URL without credentials; null for RTMP. */
  url: z.string().nullable(),
  /** RTSP: whether credentials are stored (they are never returned). */
  hasCredentials: z.boolean(),
  transport: z.enum(INGEST_TRANSPORTS),
  /** RTMP: whether a stream key is issued (it is never returned after creation). */
  hasStreamKey: z.boolean(),
  /** RTMP: where encoders publish, without the key. Null for RTSP or with RTMP off. */
  publishUrl: z.string().nullable(),
  enabled: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
  status: IngestStatusSchema,
});
export type IngestSourceView = z.infer<typeof IngestSourceViewSchema>;

export const IngestSourceListSchema = z.object({ sources: z.array(IngestSourceViewSchema) });
export type IngestSourceList = z.infer<typeof IngestSourceListSchema>;

export const CreatedIngestCameraSchema = z.object({
  device: DeviceSchema,
  source: IngestSourceViewSchema,
});
export type CreatedIngestCamera = z.infer<typeof CreatedIngestCameraSchema>;

/** A new RTMP stream key: shown once, never again. */
export const StreamKeySchema = z.object({
  key: z.string(),
  /** The full publish URL with the key (as encoders take it), and its two halves. */
  url: z.string(),
  server: z.string(),
  streamName: z.string(),
  source: IngestSourceViewSchema,
});
export type StreamKey = z.infer<typeof StreamKeySchema>;

export const CreatedRtmpCameraSchema = StreamKeySchema.extend({ device: DeviceSchema });
export type CreatedRtmpCamera = z.infer<typeof CreatedRtmpCameraSchema>;

const base = { tag: 'ingest', query: NoInputSchema } as const;

export const ingestRoutes = {
  listIngestSources: defineRoute({
    ...REST_ENDPOINTS.listIngestSources,
    ...base,
    summary: "A site's RTSP and RTMP cameras with their connection state (never credentials).",
    params: SiteParamsSchema,
    body: NoInputSchema,
    response: IngestSourceListSchema,
    status: 200,
  }),
  probeRtsp: defineRoute({
    ...REST_ENDPOINTS.probeRtsp,
    ...base,
    summary: 'Connect to an RTSP URL once and report its codecs or why it failed; stores nothing.',
    params: SiteParamsSchema,
    body: ProbeRtspSchema,
    response: ProbeResultSchema,
    status: 200,
  }),
  createRtspCamera: defineRoute({
    ...REST_ENDPOINTS.createRtspCamera,
    ...base,
    summary: 'A new camera the server pulls over RTSP (its credentials are sealed at rest).',
    params: SiteParamsSchema,
    body: CreateRtspCameraSchema,
    response: CreatedIngestCameraSchema,
    status: 201,
  }),
  createRtmpCamera: defineRoute({
    ...REST_ENDPOINTS.createRtmpCamera,
    ...base,
    summary: 'A new camera that pushes over RTMP, with its stream key (shown once).',
    params: SiteParamsSchema,
    body: CreateRtmpCameraSchema,
    response: CreatedRtmpCameraSchema,
    status: 201,
  }),
  updateIngestSource: defineRoute({
    ...REST_ENDPOINTS.updateIngestSource,
    ...base,
    summary: "Change an RTSP camera's URL, credentials, transport, or switch a camera on or off.",
    params: DeviceParamsSchema,
    body: UpdateIngestSourceSchema,
    response: IngestSourceViewSchema,
    status: 200,
  }),
  deleteIngestSource: defineRoute({
    ...REST_ENDPOINTS.deleteIngestSource,
    ...base,
    summary: 'Stop pulling or receiving, forget the source and remove the camera device.',
    params: DeviceParamsSchema,
    body: NoInputSchema,
    response: NoContentSchema,
    status: 204,
  }),
  rotateStreamKey: defineRoute({
    ...REST_ENDPOINTS.rotateStreamKey,
    ...base,
    summary: 'A new RTMP stream key (the old one stops working at once; a live publish ends).',
    params: DeviceParamsSchema,
    body: NoInputSchema,
    response: StreamKeySchema,
    status: 201,
  }),
  revokeStreamKey: defineRoute({
    ...REST_ENDPOINTS.revokeStreamKey,
    ...base,
    summary: 'Revoke the RTMP stream key: publishes are refused until a new key is made.',
    params: DeviceParamsSchema,
    body: NoInputSchema,
    response: NoContentSchema,
    status: 204,
  }),
};
