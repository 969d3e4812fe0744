/**
 * Signed webhooks, zod-free (browser bundles import this through `@porchlight/protocol/vocabulary`):
 * the event types, their labels, the envelope version, the signature header and limits. The
 * schemas are in webhooks.ts; the semantics in docs/webhooks.md.
 */

/**
 * What an endpoint may subscribe to:
 * - `ring`: a visitor (or a doorbell device) rang a door.
 * - `call.answered` / `call.missed`: a doorbell call was answered / rang out unanswered.
 * - `person.detected`: a person detection event started on a camera.
 * - `device.online` / `device.offline`: a camera or doorbell connected / went away.
 * - `alarm.state_changed`: an alarm rule of the site changed state (OK, ALARM, INSUFFICIENT_DATA).
 * - `recording.ready`: a camera's recording run ended and all its segments are written: the range
 *   plays through the recordings API.
 * - `clip.ready`: the recording of an ended detection event is written, so an MP4 clip of the
 *   event's range can be exported (`POST .../playback` with `from`/`to` gives a `clip.mp4` URL).
 */
export const WEBHOOK_EVENT_TYPES = [
  'ring',
  'call.answered',
  'call.missed',
  'person.detected',
  'device.online',
  'device.offline',
  'alarm.state_changed',
  'recording.ready',
  'clip.ready',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The one type only "send test event" produces (never subscribed to). */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

/** Version of the envelope (`Porchlight-Webhook-Version` header and the `version` field). */
export const WEBHOOK_ENVELOPE_VERSION = 1;

/** The signature header: `t=<unix seconds>,v1=<hex>[,v1=<hex>]` (two v1 during a rotation). */
export const WEBHOOK_SIGNATURE_HEADER = 'porchlight-signature';

/** How far a receiver should accept a signature's timestamp from its own clock (seconds). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export const WEBHOOK_LIMITS = {
  endpointsPerSite: 20,
  urlLength: 2048,
  descriptionLength: 200,
  /** Bytes of a receiver's answer kept in the delivery log. */
  responseExcerpt: 256,
} as const;

/** What each type means, for display. */
export const WEBHOOK_EVENT_LABELS: Record<WebhookEventType, string> = {
  ring: 'Doorbell ring',
  'call.answered': 'Call answered',
  'call.missed': 'Call missed',
  'person.detected': 'Person detected',
  'device.online': 'Device online',
  'device.offline': 'Device offline',
  'alarm.state_changed': 'Alarm state change',
  'recording.ready': 'Recording ready',
  'clip.ready': 'Clip ready',
};
