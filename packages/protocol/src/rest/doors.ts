import { z } from 'zod';
import {
  EmptySchema,
  ResourceIdSchema,
  ResponseIdSchema,
  SiteParamsSchema,
  TextSchema,
} from './common.ts';
import { REST_ENDPOINTS } from './endpoints.ts';
import { defineRoute, NoContentSchema, NoInputSchema } from './route.ts';

/**
 * Doors: a door is a device of kind `doorbell`. Its settings (display name, do-not-disturb,
 * ring window, quick replies, unlock webhook) and its door tokens (the signed, revocable link a
 * visitor opens: `<publicUrl>/door/<token>`). Visitors ring through `/api/v1/visit/*` (calls.ts).
 */

export const DoorParamsSchema = z.strictObject({
  siteId: ResourceIdSchema,
  doorId: ResourceIdSchema,
});
export const DoorTokenParamsSchema = z.strictObject({
  siteId: ResourceIdSchema,
  doorId: ResourceIdSchema,
  tokenId: ResourceIdSchema,
});

/** `HH:MM`, 24 h clock, in the schedule's time zone. */
const ClockSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');

/**
 * One do-not-disturb period: on the listed weekdays (0 = Sunday) from `start` to `end`. An `end`
 * before `start` runs past midnight into the next day.
 */
export const DndPeriodSchema = z.strictObject({
  days: z.array(z.number().int().min(0).max(6)).min(1).max(7),
  start: ClockSchema,
  end: ClockSchema,
});
export type DndPeriod = z.infer<typeof DndPeriodSchema>;

/** IANA time zone name ("Europe/Berlin"); checked by the server against Intl. */
const TimeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_+\-/]+$/, 'invalid time zone');

export const DndSchema = z.strictObject({
  /** On: no ring at all, whatever the schedule says. */
  enabled: z.boolean(),
  /** Periods in which do-not-disturb is on even when `enabled` is false. */
  schedule: z.array(DndPeriodSchema).max(14),
  /** Time zone of the schedule. Default 'UTC'. */
  timeZone: TimeZoneSchema,
});
export type Dnd = z.infer<typeof DndSchema>;

export const QuickReplySchema = TextSchema(120);

export const DoorSchema = z.object({
  /** The doorbell device's id. */
  id: ResponseIdSchema,
  siteId: ResponseIdSchema,
  /** What visitors see ("The Millers"); the device name when not set. */
  displayName: z.string(),
  /** The doorbell device's own name. */
  deviceName: z.string(),
  online: z.boolean(),
  dnd: DndSchema,
  /** Do-not-disturb is in force right now (switch or schedule). */
  dndActive: z.boolean(),
  /** How long a call rings before it is missed, in seconds. Default 30. */
  ringWindowSeconds: z.number(),
  /** Preset texts an answerer can send to the door screen. */
  quickReplies: z.array(z.string()),
  /** The unlock webhook (its secret is write-only and never returned). */
  unlock: z.object({ configured: z.boolean(), url: z.string().nullable() }),
  updatedAt: z.number(),
});
export type Door = z.infer<typeof DoorSchema>;

export const UnlockSettingsSchema = z.strictObject({
  /** https (or http on a trusted LAN) URL the server POSTs to. */
  url: z.url({ protocol: /^https?$/ }).max(2048),
  /** HMAC-SHA256 key, 16 to 256 characters. Write-only. */
  secret: z.string().min(16).max(256),
});

/** The answer of an unlock webhook call (an unlock during a call, or a test). */
export const UnlockResultSchema = z.object({
  /** The webhook answered 2xx within 5 s. */
  ok: z.boolean(),
  /** HTTP status of the webhook, null on timeout or network error. */
  status: z.number().nullable(),
  /** Short reason when not ok ("timeout", "HTTP 500", "connection refused"). */
  error: z.string().nullable(),
});
export type UnlockResult = z.infer<typeof UnlockResultSchema>;

/**
 * Sets the unlock webhook with a key the server generates: a new webhook always gets one; an
 * existing one keeps its key unless `rotateSecret`.
 */
export const ConfigureUnlockSchema = z.strictObject({
  url: UnlockSettingsSchema.shape.url,
  rotateSecret: z.boolean().default(false),
});
export type ConfigureUnlock = z.input<typeof ConfigureUnlockSchema>;

export const UnlockConfiguredSchema = z.object({
  door: DoorSchema,
  /** The webhook's HMAC key, shown this once (new webhook or rotation); null when it was kept. */
  secret: z.string().nullable(),
});
export type UnlockConfigured = z.infer<typeof UnlockConfiguredSchema>;

export const UpdateDoorSchema = z.strictObject({
  displayName: TextSchema(64).optional(),
  dnd: DndSchema.optional(),
  ringWindowSeconds: z.number().int().min(10).max(120).optional(),
  quickReplies: z.array(QuickReplySchema).max(10).optional(),
  /** null removes the webhook. */
  unlock: UnlockSettingsSchema.nullable().optional(),
});
export type UpdateDoor = z.input<typeof UpdateDoorSchema>;

export const DoorTokenInfoSchema = z.object({
  id: ResponseIdSchema,
  doorId: ResponseIdSchema,
  label: z.string(),
  createdAt: z.number(),
  /** The door link with a freshly signed token (same token id, same validity): for QR codes. */
  token: z.string(),
  url: z.string(),
});
export type DoorTokenInfo = z.infer<typeof DoorTokenInfoSchema>;

/** A door token as a visitor hands it in (a compact JWS). */
export const DoorTokenStringSchema = z
  .string()
  .min(16)
  .max(1024)
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'invalid door token');

export const doorRoutes = {
  listDoors: defineRoute({
    ...REST_ENDPOINTS.listDoors,
    summary: "The site's doors (doorbell devices) the caller may answer, with their settings.",
    tag: 'doors',
    params: SiteParamsSchema,
    query: EmptySchema,
    body: NoInputSchema,
    response: z.array(DoorSchema),
    status: 200,
  }),
  getDoor: defineRoute({
    ...REST_ENDPOINTS.getDoor,
    summary: "One door's settings.",
    tag: 'doors',
    params: DoorParamsSchema,
    query: EmptySchema,
    body: NoInputSchema,
    response: DoorSchema,
    status: 200,
  }),
  updateDoor: defineRoute({
    ...REST_ENDPOINTS.updateDoor,
    summary:
      "Change a door's settings (display name, do-not-disturb, ring window, quick replies, unlock).",
    tag: 'doors',
    params: DoorParamsSchema,
    query: NoInputSchema,
    body: UpdateDoorSchema,
    response: DoorSchema,
    status: 200,
  }),
  configureDoorUnlock: defineRoute({
    ...REST_ENDPOINTS.configureDoorUnlock,
    summary:
      "Set the door's unlock webhook URL; a new webhook (or rotateSecret) gets a fresh HMAC key, returned this once.",
    tag: 'doors',
    params: DoorParamsSchema,
    query: NoInputSchema,
    body: ConfigureUnlockSchema,
    response: UnlockConfiguredSchema,
    status: 200,
  }),
  testDoorUnlock: defineRoute({
    ...REST_ENDPOINTS.testDoorUnlock,
    summary:
      'Send a signed test request (event "test": a lock must not open) to the unlock webhook.',
    tag: 'doors',
    params: DoorParamsSchema,
    query: NoInputSchema,
    body: EmptySchema,
    response: UnlockResultSchema,
    status: 200,
  }),
  listDoorTokens: defineRoute({
    ...REST_ENDPOINTS.listDoorTokens,
    summary: "A door's valid tokens (links/QR codes visitors ring with).",
    tag: 'doors',
    params: DoorParamsSchema,
    query: EmptySchema,
    body: NoInputSchema,
    response: z.array(DoorTokenInfoSchema),
    status: 200,
  }),
  createDoorToken: defineRoute({
    ...REST_ENDPOINTS.createDoorToken,
    summary: 'Create a door token (a visitor link / QR code).',
    tag: 'doors',
    params: DoorParamsSchema,
    query: NoInputSchema,
    body: z.strictObject({ label: TextSchema(64).optional() }),
    response: DoorTokenInfoSchema,
    status: 201,
  }),
  rotateDoorTokens: defineRoute({
    ...REST_ENDPOINTS.rotateDoorTokens,
    summary: 'Revoke every token of the door at once and create a new one (printed QR codes stop).',
    tag: 'doors',
    params: DoorParamsSchema,
    query: NoInputSchema,
    body: z.strictObject({ label: TextSchema(64).optional() }),
    response: DoorTokenInfoSchema,
    status: 201,
  }),
  revokeDoorToken: defineRoute({
    ...REST_ENDPOINTS.revokeDoorToken,
    summary: 'Revoke one door token; it stops working at once.',
    tag: 'doors',
    params: DoorTokenParamsSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: NoContentSchema,
    status: 204,
  }),
};
