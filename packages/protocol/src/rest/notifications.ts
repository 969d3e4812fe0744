import { z } from 'zod';
import { PUSH_LIMITS } from '../push.ts';
import { EmptySchema, ResourceIdSchema, ResponseIdSchema, TextSchema } from './common.ts';
import { REST_ENDPOINTS } from './endpoints.ts';
import { defineRoute, NoContentSchema, NoInputSchema } from './route.ts';

/**
 * Web Push: a person's browsers ("devices") subscribe with the server's VAPID public key; each
 * subscription has its own settings (which doors and cameras, quiet hours). Everything here is
 * the caller's own: no route reaches another account's subscriptions.
 */

/** Bytes a base64url (or base64) string decodes to, or -1 when it is not one. */
export function base64UrlByteLength(s: string): number {
  const body = s.replace(/=+$/, '');
  if (!/^[A-Za-z0-9_-]*$/.test(body) || body.length % 4 === 1) return -1;
  return Math.floor((body.length * 3) / 4);
}

const base64Url = (bytes: number, what: string) =>
  z
    .string()
    .max(200)
    .refine((s) => base64UrlByteLength(s) === bytes, `${what} must be ${bytes} bytes of base64url`);

export const PUSH_ENDPOINT_MAX = 2048;

/** A push service URL: https only, no credentials or fragment, bounded. */
export const PushEndpointSchema = z
  .string()
  .max(PUSH_ENDPOINT_MAX)
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'https:' && u.username === '' && u.password === '' && u.hash === '';
    } catch {
      return false;
    }
  }, 'endpoint must be an https URL without credentials or fragment');

/** What `PushSubscription.toJSON()` gives in the browser. */
export const BrowserPushSubscriptionSchema = z.object({
  endpoint: PushEndpointSchema,
  expirationTime: z.number().nullable().optional(),
  keys: z.object({
    /** The browser's ECDH P-256 public key, uncompressed (65 bytes). */
    p256dh: base64Url(65, 'p256dh'),
    /** The 16-byte authentication secret. */
    auth: base64Url(16, 'auth'),
  }),
});
export type BrowserPushSubscription = z.infer<typeof BrowserPushSubscriptionSchema>;

/** `HH:MM`, 24 h clock. */
const ClockSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');
/** IANA time zone name ("Europe/Berlin"); the server checks it against Intl. */
export const TimeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_+\-/]+$/, 'invalid time zone');

export const QuietHoursSchema = z.strictObject({
  /** From (inclusive); an `end` before `start` runs past midnight. */
  start: ClockSchema,
  /** Until (exclusive). */
  end: ClockSchema,
  timeZone: TimeZoneSchema,
});
export type QuietHours = z.infer<typeof QuietHoursSchema>;

export const NotificationSourceSchema = z.strictObject({
  siteId: ResourceIdSchema,
  /** A door (doorbell device) or a camera of the site. */
  deviceId: ResourceIdSchema,
});
export type NotificationSource = z.infer<typeof NotificationSourceSchema>;

export const NotificationSettingsSchema = z.strictObject({
  /** null: every door and camera the account may see; otherwise only these. */
  devices: z.array(NotificationSourceSchema).max(200).nullable(),
  /** No ring notifications on this device in this daily window; null: none. */
  quietHours: QuietHoursSchema.nullable(),
});
export type NotificationSettings = z.infer<typeof NotificationSettingsSchema>;

export const PushDeviceSchema = z.object({
  id: ResponseIdSchema,
  /** The name the person chose, or one derived from the browser ("Chrome on Android"). */
  label: z.string(),
  /** Where the push service runs (origin only: the full URL is a capability). */
  pushService: z.string(),
  settings: z.object({
    devices: z.array(z.object({ siteId: z.string(), deviceId: z.string() })).nullable(),
    quietHours: z.object({ start: z.string(), end: z.string(), timeZone: z.string() }).nullable(),
  }),
  createdAt: z.number(),
  lastSuccessAt: z.number().nullable(),
  lastFailureAt: z.number().nullable(),
});
export type PushDevice = z.infer<typeof PushDeviceSchema>;

export const NewPushSubscriptionSchema = z.strictObject({
  subscription: BrowserPushSubscriptionSchema,
  /** Optional name; derived from the User-Agent when absent. */
  label: TextSchema(64).optional(),
  /** Initial settings (kept when this browser subscribes again). */
  settings: NotificationSettingsSchema.optional(),
});
export type NewPushSubscription = z.input<typeof NewPushSubscriptionSchema>;

export const UpdatePushSubscriptionSchema = z
  .strictObject({
    label: TextSchema(64).optional(),
    settings: NotificationSettingsSchema.optional(),
  })
  .refine((b) => b.label !== undefined || b.settings !== undefined, 'nothing to change');
export type UpdatePushSubscription = z.input<typeof UpdatePushSubscriptionSchema>;

export const PushSubscriptionParamsSchema = z.strictObject({ subscriptionId: ResourceIdSchema });

export const TestNotificationResultSchema = z.object({
  /** The push service accepted the message (it reaches the device when it is online). */
  delivered: z.boolean(),
  /** The push service's HTTP status, null when it was not reached. */
  status: z.number().nullable(),
  detail: z.string(),
});
export type TestNotificationResult = z.infer<typeof TestNotificationResultSchema>;

export const NotificationActionSchema = z.strictObject({
  /** The `actionToken` of the push payload. */
  token: z.string().min(1).max(PUSH_LIMITS.token),
  action: z.literal('decline'),
});
export type NotificationAction = z.infer<typeof NotificationActionSchema>;

export const notificationRoutes = {
  getPushPublicKey: defineRoute({
    ...REST_ENDPOINTS.getPushPublicKey,
    summary: "The server's VAPID public key (applicationServerKey for PushManager.subscribe).",
    tag: 'notifications',
    params: NoInputSchema,
    query: EmptySchema,
    body: NoInputSchema,
    response: z.object({ publicKey: z.string() }),
    status: 200,
  }),
  listPushSubscriptions: defineRoute({
    ...REST_ENDPOINTS.listPushSubscriptions,
    summary: "The caller's subscribed browsers and their notification settings.",
    tag: 'notifications',
    params: NoInputSchema,
    query: EmptySchema,
    body: NoInputSchema,
    response: z.array(PushDeviceSchema),
    status: 200,
  }),
  createPushSubscription: defineRoute({
    ...REST_ENDPOINTS.createPushSubscription,
    summary: 'Subscribe this browser; subscribing the same endpoint again updates its keys.',
    tag: 'notifications',
    params: NoInputSchema,
    query: NoInputSchema,
    body: NewPushSubscriptionSchema,
    response: PushDeviceSchema,
    status: 201,
  }),
  updatePushSubscription: defineRoute({
    ...REST_ENDPOINTS.updatePushSubscription,
    summary: 'Rename a subscribed browser or change its settings (doors, cameras, quiet hours).',
    tag: 'notifications',
    params: PushSubscriptionParamsSchema,
    query: NoInputSchema,
    body: UpdatePushSubscriptionSchema,
    response: PushDeviceSchema,
    status: 200,
  }),
  deletePushSubscription: defineRoute({
    ...REST_ENDPOINTS.deletePushSubscription,
    summary: 'Stop notifying a browser.',
    tag: 'notifications',
    params: PushSubscriptionParamsSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: NoContentSchema,
    status: 204,
  }),
  sendTestNotification: defineRoute({
    ...REST_ENDPOINTS.sendTestNotification,
    summary:
      'Send a test notification to one of my browsers and report what the push service said.',
    tag: 'notifications',
    params: PushSubscriptionParamsSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: TestNotificationResultSchema,
    status: 200,
  }),
  notificationAction: defineRoute({
    ...REST_ENDPOINTS.notificationAction,
    summary:
      "A notification button tapped in the service worker (Decline); the body's action token is the credential.",
    tag: 'notifications',
    params: NoInputSchema,
    query: NoInputSchema,
    body: NotificationActionSchema,
    response: NoContentSchema,
    status: 204,
  }),
};
