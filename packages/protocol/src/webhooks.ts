/**
 * Signed webhooks (issue 14, docs/webhooks.md): the event types an endpoint may subscribe to, the
 * versioned JSON envelope every delivery carries, and the REST contract of a site's endpoints,
 * their delivery log and dead letters. Managing endpoints needs `site:manage` (owners for their
 * sites, admins everywhere).
 */
import { z } from 'zod';
import { ALARM_KINDS, ALARM_STATES } from './alarms.ts';
import { ResourceIdSchema, ResponseIdSchema, SiteParamsSchema, TextSchema } from './rest/common.ts';
import { REST_ENDPOINTS } from './rest/endpoints.ts';
import { defineRoute, NoContentSchema, NoInputSchema } from './rest/route.ts';
import {
  WEBHOOK_ENVELOPE_VERSION,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_LIMITS,
  WEBHOOK_TEST_EVENT,
} from './webhookEvents.ts';

export * from './webhookEvents.ts';

const CallDataSchema = z.object({
  callId: z.string(),
  doorId: z.string(),
  doorName: z.string(),
  via: z.enum(['link', 'doorbell']),
  startedAt: z.number(),
});
const AnsweredDataSchema = CallDataSchema.extend({
  answeredAt: z.number(),
  /** The account that answered (an id; names stay in the app). */
  answeredBy: z.string().nullable(),
});
const MissedDataSchema = CallDataSchema.extend({ endedAt: z.number() });
const PersonDataSchema = z.object({
  eventId: z.string(),
  deviceId: z.string(),
  label: z.string(),
  startedAt: z.number(),
  score: z.number(),
  zones: z.array(z.string()),
});
const DeviceDataSchema = z.object({
  deviceId: z.string(),
  name: z.string(),
  kind: z.string(),
  at: z.number(),
});
const AlarmDataSchema = z.object({
  alarmId: z.string(),
  kind: z.enum(ALARM_KINDS),
  deviceId: z.string().nullable(),
  from: z.enum(ALARM_STATES),
  to: z.enum(ALARM_STATES),
  reason: z.string(),
  value: z.number().nullable(),
  at: z.number(),
});
const RecordingDataSchema = z.object({
  deviceId: z.string(),
  runId: z.string(),
  /** Unix ms range the run covered (play it with the recordings API). */
  from: z.number(),
  to: z.number(),
});
const ClipDataSchema = z.object({
  deviceId: z.string(),
  eventId: z.string(),
  /** The event's range; export it with `POST /api/v1/sites/:siteId/devices/:deviceId/recording/playback`. */
  from: z.number(),
  to: z.number(),
});
const TestDataSchema = z.object({ message: z.string(), webhookId: z.string() });

const envelope = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.object({
    /** Unique per event: receivers de-duplicate on it (a retry repeats the same id). */
    id: z.string(),
    version: z.literal(WEBHOOK_ENVELOPE_VERSION),
    type: z.literal(type),
    /** Unix ms when the event happened. */
    createdAt: z.number(),
    siteId: z.string(),
    data,
  });

/** A delivery's JSON body. */
export const WebhookEnvelopeSchema = z.discriminatedUnion('type', [
  envelope('ring', CallDataSchema),
  envelope('call.answered', AnsweredDataSchema),
  envelope('call.missed', MissedDataSchema),
  envelope('person.detected', PersonDataSchema),
  envelope('device.online', DeviceDataSchema),
  envelope('device.offline', DeviceDataSchema),
  envelope('alarm.state_changed', AlarmDataSchema),
  envelope('recording.ready', RecordingDataSchema),
  envelope('clip.ready', ClipDataSchema),
  envelope(WEBHOOK_TEST_EVENT, TestDataSchema),
]);
export type WebhookEnvelope = z.infer<typeof WebhookEnvelopeSchema>;
/** The data of one envelope type. */
export type WebhookData<T extends WebhookEnvelope['type']> = Extract<
  WebhookEnvelope,
  { type: T }
>['data'];

// ---- REST ---------------------------------------------------------------------------------

export const WebhookParamsSchema = z.strictObject({
  siteId: ResourceIdSchema,
  webhookId: ResourceIdSchema,
});
export const WebhookDeliveryParamsSchema = WebhookParamsSchema.extend({
  deliveryId: ResourceIdSchema,
});

/** An absolute http(s) URL without credentials; the server's SSRF guard checks the target. */
export const WebhookUrlSchema = z
  .string()
  .trim()
  .max(WEBHOOK_LIMITS.urlLength)
  // abort: zod runs later refinements after a failed one, and `new URL` throws on a non-URL.
  .refine((s) => URL.canParse(s), { message: 'not a URL', abort: true })
  .refine((s) => ['https:', 'http:'].includes(new URL(s).protocol), 'must be an https:// URL')
  .refine((s) => {
    const u = new URL(s);
    return u.username === '' && u.password === '';
  }, 'credentials in the URL are not allowed (authenticate by the signature)');

const EventTypesSchema = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1)
  .max(WEBHOOK_EVENT_TYPES.length)
  .transform((a) => [...new Set(a)]);

export const CreateWebhookSchema = z.strictObject({
  url: WebhookUrlSchema,
  events: EventTypesSchema,
  description: TextSchema(WEBHOOK_LIMITS.descriptionLength).optional(),
});
export type CreateWebhook = z.input<typeof CreateWebhookSchema>;

export const UpdateWebhookSchema = z.strictObject({
  events: EventTypesSchema.optional(),
  enabled: z.boolean().optional(),
  description: TextSchema(WEBHOOK_LIMITS.descriptionLength).nullable().optional(),
});
export type UpdateWebhook = z.input<typeof UpdateWebhookSchema>;

export const WebhookEndpointSchema = z.object({
  id: ResponseIdSchema,
  siteId: ResponseIdSchema,
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  description: z.string().nullable(),
  enabled: z.boolean(),
  /** Why the server switched it off (dead letters in a row), null otherwise. */
  disabledReason: z.string().nullable(),
  createdAt: z.number(),
  /** Unix ms of the last secret rotation (null: never rotated). */
  rotatedAt: z.number().nullable(),
  /** Until when the previous secret still signs (null: no rotation in progress). */
  previousSecretExpiresAt: z.number().nullable(),
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpointSchema>;

export const WebhookListSchema = z.object({ webhooks: z.array(WebhookEndpointSchema) });
export type WebhookList = z.infer<typeof WebhookListSchema>;

/** Creation and rotation answer the signing secret once; it is never shown again. */
export const WebhookWithSecretSchema = z.object({
  webhook: WebhookEndpointSchema,
  /** `whsec_` + 32 random bytes (base64url). Store it; the server cannot show it again. */
  secret: z.string(),
});
export type WebhookWithSecret = z.infer<typeof WebhookWithSecretSchema>;

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

export const WebhookAttemptSchema = z.object({
  attempt: z.number(),
  at: z.number(),
  /** The receiver's HTTP status; null when none came (refused target, timeout, TLS error). */
  statusCode: z.number().nullable(),
  latencyMs: z.number(),
  error: z.string().nullable(),
  /** The first bytes of the receiver's answer (at most WEBHOOK_LIMITS.responseExcerpt). */
  responseExcerpt: z.string().nullable(),
});
export type WebhookAttempt = z.infer<typeof WebhookAttemptSchema>;

export const WebhookDeliverySchema = z.object({
  id: ResponseIdSchema,
  webhookId: ResponseIdSchema,
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attempts: z.number(),
  createdAt: z.number(),
  /** When the next attempt runs (pending only). */
  nextAttemptAt: z.number().nullable(),
  lastStatusCode: z.number().nullable(),
  lastError: z.string().nullable(),
  /** Newest first. */
  log: z.array(WebhookAttemptSchema),
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export const WebhookDeliveryQuerySchema = z.strictObject({
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
  limit: z.coerce.number<number>().int().min(1).max(100).default(25),
});
export type WebhookDeliveryQuery = z.input<typeof WebhookDeliveryQuerySchema>;

export const WebhookDeliveryListSchema = z.object({ deliveries: z.array(WebhookDeliverySchema) });
export type WebhookDeliveryList = z.infer<typeof WebhookDeliveryListSchema>;

export const webhookRoutes = {
  listWebhooks: defineRoute({
    ...REST_ENDPOINTS.listWebhooks,
    summary: "A site's webhook endpoints (never their secrets).",
    tag: 'webhooks',
    params: SiteParamsSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: WebhookListSchema,
    status: 200,
  }),
  createWebhook: defineRoute({
    ...REST_ENDPOINTS.createWebhook,
    summary: 'Register an HTTPS endpoint for event types; answers the signing secret once.',
    tag: 'webhooks',
    params: SiteParamsSchema,
    query: NoInputSchema,
    body: CreateWebhookSchema,
    response: WebhookWithSecretSchema,
    status: 201,
  }),
  updateWebhook: defineRoute({
    ...REST_ENDPOINTS.updateWebhook,
    summary: "Change an endpoint's event types, description or switch.",
    tag: 'webhooks',
    params: WebhookParamsSchema,
    query: NoInputSchema,
    body: UpdateWebhookSchema,
    response: WebhookEndpointSchema,
    status: 200,
  }),
  deleteWebhook: defineRoute({
    ...REST_ENDPOINTS.deleteWebhook,
    summary: 'Delete an endpoint with its pending deliveries and log.',
    tag: 'webhooks',
    params: WebhookParamsSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: NoContentSchema,
    status: 204,
  }),
  rotateWebhookSecret: defineRoute({
    ...REST_ENDPOINTS.rotateWebhookSecret,
    summary: 'A new signing secret (answered once); the old one signs too during the grace period.',
    tag: 'webhooks',
    params: WebhookParamsSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: WebhookWithSecretSchema,
    status: 200,
  }),
  testWebhook: defineRoute({
    ...REST_ENDPOINTS.testWebhook,
    summary: 'Queue a `webhook.test` event to the endpoint; the delivery log shows the outcome.',
    tag: 'webhooks',
    params: WebhookParamsSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: WebhookDeliverySchema,
    status: 202,
  }),
  listWebhookDeliveries: defineRoute({
    ...REST_ENDPOINTS.listWebhookDeliveries,
    summary:
      "An endpoint's deliveries with their attempts, newest first (`status=dead`: dead letters).",
    tag: 'webhooks',
    params: WebhookParamsSchema,
    query: WebhookDeliveryQuerySchema,
    body: NoInputSchema,
    response: WebhookDeliveryListSchema,
    status: 200,
  }),
  redeliverWebhook: defineRoute({
    ...REST_ENDPOINTS.redeliverWebhook,
    summary: 'Send a delivery again (a dead letter, or a delivered one) with fresh attempts.',
    tag: 'webhooks',
    params: WebhookDeliveryParamsSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: WebhookDeliverySchema,
    status: 202,
  }),
};
