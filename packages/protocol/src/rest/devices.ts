import { z } from 'zod';
import {
  DeviceKindSchema,
  DeviceParamsSchema,
  EmptySchema,
  ResponseIdSchema,
  NullableMillisSchema,
  SiteParamsSchema,
  TextSchema,
} from './common.ts';
import { REST_ENDPOINTS } from './endpoints.ts';
import { defineRoute, NoContentSchema, NoInputSchema } from './route.ts';

export const DeviceSchema = z.object({
  id: ResponseIdSchema,
  siteId: ResponseIdSchema,
  kind: DeviceKindSchema,
  name: z.string(),
  /** Has redeemed its provisioning code. */
  provisioned: z.boolean(),
  revoked: z.boolean(),
  online: z.boolean(),
  lastSeenAt: NullableMillisSchema,
  lastAddress: z.string().nullable(),
  userAgent: z.string().nullable(),
  firmware: z.string().nullable(),
  /** Publish bitrate in bits/s, as last reported. */
  bitrate: z.number().nullable(),
  createdAt: z.number(),
});
export type Device = z.infer<typeof DeviceSchema>;

export const ProvisioningCodeSchema = z.object({
  /** Human form `ABCDE-FGHIJ`, shown once. */
  code: z.string(),
  deviceId: ResponseIdSchema,
  expiresAt: z.number(),
  /** Link that sets a browser up as this device (the code rides in the fragment). */
  url: z.string(),
});
export type ProvisioningCode = z.infer<typeof ProvisioningCodeSchema>;

export const ProvisionResultSchema = z.object({
  /** The device's long-lived secret: keep it, it is never shown again. */
  credential: z.string(),
  device: DeviceSchema,
});
export type ProvisionResult = z.infer<typeof ProvisionResultSchema>;

export const DeviceTokenSchema = z.object({
  token: z.string(),
  /** Seconds. */
  expiresIn: z.number(),
  device: DeviceSchema,
});
export type DeviceToken = z.infer<typeof DeviceTokenSchema>;

export const NewProvisioningCodeSchema = z.strictObject({
  name: TextSchema(64),
  kind: DeviceKindSchema.default('camera'),
  /** 60 s to 24 h; default 15 min. */
  ttlSeconds: z
    .number()
    .int()
    .min(60)
    .max(24 * 3600)
    .optional(),
});
export type NewProvisioningCode = z.input<typeof NewProvisioningCodeSchema>;

export const ProvisionBodySchema = z.strictObject({
  code: z.string().min(1).max(64),
  firmware: z.string().max(128).optional(),
});

export const deviceRoutes = {
  listDevices: defineRoute({
    ...REST_ENDPOINTS.listDevices,
    summary: "A site's devices with their registry status (online, last seen, address, bitrate).",
    tag: 'devices',
    params: SiteParamsSchema,
    query: EmptySchema,
    body: NoInputSchema,
    response: z.array(DeviceSchema),
    status: 200,
  }),
  createProvisioningCode: defineRoute({
    ...REST_ENDPOINTS.createProvisioningCode,
    summary:
      'Create a one-time, expiring code (and QR link) a new device redeems for its credential.',
    tag: 'devices',
    params: SiteParamsSchema,
    query: NoInputSchema,
    body: NewProvisioningCodeSchema,
    response: ProvisioningCodeSchema,
    status: 201,
  }),
  provision: defineRoute({
    ...REST_ENDPOINTS.provision,
    summary: 'A device redeems a provisioning code for its long-lived credential (single use).',
    tag: 'devices',
    params: NoInputSchema,
    query: NoInputSchema,
    body: ProvisionBodySchema,
    response: ProvisionResultSchema,
    status: 201,
  }),
  deviceToken: defineRoute({
    ...REST_ENDPOINTS.deviceToken,
    summary: 'Exchange a device credential for a short-lived device token (for signaling).',
    tag: 'devices',
    params: NoInputSchema,
    query: NoInputSchema,
    body: z.strictObject({ credential: z.string().min(1).max(256) }),
    response: DeviceTokenSchema,
    status: 200,
  }),
  renameDevice: defineRoute({
    ...REST_ENDPOINTS.renameDevice,
    summary: 'Rename a device.',
    tag: 'devices',
    params: DeviceParamsSchema,
    query: NoInputSchema,
    body: z.strictObject({ name: TextSchema(64) }),
    response: DeviceSchema,
    status: 200,
  }),
  rotateDevice: defineRoute({
    ...REST_ENDPOINTS.rotateDevice,
    summary: "Rotate a device's credential; the old one stops working and its sessions are cut.",
    tag: 'devices',
    params: DeviceParamsSchema,
    query: NoInputSchema,
    body: EmptySchema,
    response: z.object({ credential: z.string() }),
    status: 200,
  }),
  removeDevice: defineRoute({
    ...REST_ENDPOINTS.removeDevice,
    summary: 'Revoke a device: its credential stops working and it is disconnected within seconds.',
    tag: 'devices',
    params: DeviceParamsSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: NoContentSchema,
    status: 204,
  }),
};
