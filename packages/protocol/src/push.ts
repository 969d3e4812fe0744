import { z } from 'zod';
import { ResourceIdSchema } from './text.ts';

/**
 * The Web Push payload (JSON, encrypted per subscription with aes128gcm): the server builds it,
 * the home app's service worker validates it with this schema before showing anything. Images
 * travel as signed URLs, never as bytes: the whole encrypted message must stay under 4 KB.
 */

/** What a push is about; `ring` and `ring-snapshot` ring, the others inform. */
export const PUSH_TYPES = [
  'ring',
  'ring-snapshot',
  'answered',
  'missed',
  'message',
  'test',
  /** A camera saw a person (text first, then `detection-snapshot` with the image). */
  'detection',
  'detection-snapshot',
  /** An alarm of a site the person owns changed state (docs/operations.md "Alarms"). */
  'alarm',
] as const;
export type PushType = (typeof PUSH_TYPES)[number];
/** Types that are an incoming call: Answer/Decline actions, renotify, requireInteraction. */
export const RINGING_PUSH_TYPES: readonly PushType[] = ['ring', 'ring-snapshot'];

export const PUSH_PAYLOAD_VERSION = 1;
/** Upper bounds the service worker enforces (the server truncates to stay under them). */
export const PUSH_LIMITS = {
  title: 120,
  body: 1000,
  url: 2048,
  tag: 64,
  token: 1024,
  /** Encrypted request body: push services refuse more than 4096 bytes. */
  encryptedBytes: 4096,
} as const;

export const PUSH_ACTIONS = ['answer', 'decline'] as const;
export type PushAction = (typeof PUSH_ACTIONS)[number];

/** A same-origin path ("/calls/abc?action=answer"): never another site. */
const AppPathSchema = z
  .string()
  .max(PUSH_LIMITS.url)
  .regex(/^\/(?!\/)[^\s\\]*$/, 'expected an app path starting with one /');
/** An image: an app path (signed /media/... URL) or an https URL. */
const ImageSchema = z
  .string()
  .max(PUSH_LIMITS.url)
  .refine(
    (s) => /^\/(?!\/)[^\s\\]*$/.test(s) || /^https:\/\/[^\s\\]+$/.test(s),
    'invalid image URL',
  );

export const PushPayloadSchema = z.object({
  v: z.literal(PUSH_PAYLOAD_VERSION),
  type: z.enum(PUSH_TYPES),
  /** Absent on `test`. */
  callId: ResourceIdSchema.optional(),
  siteId: ResourceIdSchema.optional(),
  doorId: ResourceIdSchema.optional(),
  /** Detection pushes: the camera and the event. */
  deviceId: ResourceIdSchema.optional(),
  eventId: ResourceIdSchema.optional(),
  /** Alarm pushes: the alarm rule. */
  alarmId: ResourceIdSchema.optional(),
  title: z.string().min(1).max(PUSH_LIMITS.title),
  body: z.string().max(PUSH_LIMITS.body),
  image: ImageSchema.optional(),
  /** Notification tag: the call id, so later pushes of a call replace the earlier ones. */
  tag: z.string().min(1).max(PUSH_LIMITS.tag),
  /** Page to open on a tap. */
  url: AppPathSchema,
  actions: z.array(z.enum(PUSH_ACTIONS)).max(2),
  /** Alert again although a notification with this tag is showing. */
  renotify: z.boolean(),
  /** Keep showing until the user acts (rings). */
  requireInteraction: z.boolean(),
  /** Unix ms the event happened. */
  timestamp: z.number().int().min(0),
  /**
   * Short-lived token that lets the service worker decline this call for this account through
   * `POST /api/v1/notifications/actions` without the page's access token.
   */
  actionToken: z.string().max(PUSH_LIMITS.token).optional(),
});
export type PushPayload = z.infer<typeof PushPayloadSchema>;

/** Button labels (the service worker shows them; the server does not send text for them). */
export const PUSH_ACTION_TITLES: Record<PushAction, string> = {
  answer: 'Answer',
  decline: 'Decline',
};
