import { z } from 'zod';
import { ipBucket } from '../../identity/authentication/ipBucket.ts';
import { deviceResource, siteResource } from '../../identity/authorization/resources.ts';
import { PorchlightError } from '../../errors.ts';
import type { ApiContext } from '../ApiContext.ts';
import { route } from '../Route.ts';
import { DeviceParams, Empty, SiteParams, Text } from '../schemas.ts';
import { deviceView } from '../views.ts';

async function deviceOfSite(ctx: ApiContext, siteId: string, deviceId: string) {
  const device = await ctx.store.getDevice(deviceId);
  // Another site's device is simply not found here.
  if (!device || device.siteId !== siteId) throw PorchlightError.notFound('device');
  return device;
}

export const deviceRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/sites/:siteId/devices',
    summary: "A site's devices with their registry status (online, last seen, address, bitrate).",
    tag: 'devices',
    auth: { action: 'site:read', resource: ({ params }) => siteResource(params.siteId) },
    params: SiteParams,
    query: Empty,
    handler: async ({ params, principal }, ctx) => {
      const devices = await ctx.store.listDevices(params.siteId);
      // A guest limited to some cameras only learns about those.
      return devices
        .filter(
          (d) =>
            ctx.authorizer.can(principal!, 'stream:view-live', deviceResource(d.siteId, d.id)) ||
            ctx.authorizer.can(principal!, 'device:manage', deviceResource(d.siteId, d.id)),
        )
        .map(deviceView);
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/sites/:siteId/provisioning-codes',
    summary:
      'Create a one-time, expiring code (and QR link) a new device redeems for its credential.',
    tag: 'devices',
    auth: { action: 'device:provision', resource: ({ params }) => siteResource(params.siteId) },
    params: SiteParams,
    body: z.strictObject({
      name: Text(64),
      kind: z.enum(['camera', 'doorbell']).default('camera'),
      ttlSeconds: z
        .number()
        .int()
        .min(60)
        .max(24 * 3600)
        .optional(),
    }),
    status: 201,
    handler: async ({ params, body, principal, ip }, ctx) => {
      if (!(await ctx.store.getSite(params.siteId))) throw PorchlightError.notFound('site');
      const r = await ctx.devices.createCode({
        siteId: params.siteId,
        kind: body.kind,
        name: body.name,
        createdBy: principal!.id,
        ...(body.ttlSeconds !== undefined ? { ttlSeconds: body.ttlSeconds } : {}),
      });
      await ctx.audit.record({
        principal,
        action: 'device.provision-code',
        resource: deviceResource(params.siteId, r.deviceId),
        outcome: 'success',
        ip,
      });
      // The code rides in the fragment: never sent to a server, never in logs.
      return { ...r, url: `${ctx.publicUrl()}/#provision=${encodeURIComponent(r.code)}` };
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/provision',
    summary: 'A device redeems a provisioning code for its long-lived credential (single use).',
    tag: 'devices',
    auth: 'public',
    body: z.strictObject({
      code: z.string().min(1).max(64),
      firmware: z.string().max(128).optional(),
    }),
    status: 201,
    handler: async ({ body, ip, userAgent }, ctx) => {
      const key = `provision:${ipBucket(ip)}`;
      ctx.guard.check(key);
      try {
        const r = await ctx.devices.redeem(body.code, {
          userAgent: userAgent?.slice(0, 256) ?? null,
          firmware: body.firmware ?? null,
          address: ip,
        });
        await ctx.audit.record({
          actor: { type: 'device', id: r.device.id },
          action: 'device.provision',
          resource: deviceResource(r.device.siteId, r.device.id),
          outcome: 'success',
          ip,
        });
        return { credential: r.credential, device: deviceView(r.device) };
      } catch (error) {
        ctx.guard.failed(key);
        await ctx.audit.record({ action: 'device.provision', outcome: 'failure', ip });
        throw error;
      }
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/devices/token',
    summary: 'Exchange a device credential for a short-lived device token (for signaling).',
    tag: 'devices',
    auth: 'public',
    body: z.strictObject({ credential: z.string().min(1).max(256) }),
    handler: async ({ body, ip }, ctx) => {
      const key = `device-token:${ipBucket(ip)}`;
      ctx.guard.check(key);
      const r = await ctx.devices.issueToken(body.credential).catch((error: unknown) => {
        ctx.guard.failed(key);
        throw error;
      });
      return { token: r.token, expiresIn: r.expiresIn, device: deviceView(r.device) };
    },
  }),
  route({
    method: 'PATCH',
    path: '/api/v1/sites/:siteId/devices/:deviceId',
    summary: 'Rename a device.',
    tag: 'devices',
    auth: {
      action: 'device:manage',
      resource: ({ params }) => deviceResource(params.siteId, params.deviceId),
    },
    params: DeviceParams,
    body: z.strictObject({ name: Text(64) }),
    handler: async ({ params, body, principal, ip }, ctx) => {
      await deviceOfSite(ctx, params.siteId, params.deviceId);
      await ctx.store.updateDevice(params.deviceId, { name: body.name });
      await ctx.audit.record({
        principal,
        action: 'device.rename',
        resource: deviceResource(params.siteId, params.deviceId),
        outcome: 'success',
        ip,
      });
      return deviceView((await ctx.store.getDevice(params.deviceId))!);
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/sites/:siteId/devices/:deviceId/rotate',
    summary: "Rotate a device's credential; the old one stops working and its sessions are cut.",
    tag: 'devices',
    auth: {
      action: 'device:manage',
      resource: ({ params }) => deviceResource(params.siteId, params.deviceId),
    },
    params: DeviceParams,
    body: Empty,
    handler: async ({ params, principal, ip }, ctx) => {
      await deviceOfSite(ctx, params.siteId, params.deviceId);
      const credential = await ctx.devices.rotateCredential(params.deviceId);
      ctx.events.safeEmit('principalChanged', { kind: 'device', id: params.deviceId });
      await ctx.audit.record({
        principal,
        action: 'device.rotate',
        resource: deviceResource(params.siteId, params.deviceId),
        outcome: 'success',
        ip,
      });
      return { credential };
    },
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/sites/:siteId/devices/:deviceId',
    summary: 'Revoke a device: its credential stops working and it is disconnected within seconds.',
    tag: 'devices',
    auth: {
      action: 'device:manage',
      resource: ({ params }) => deviceResource(params.siteId, params.deviceId),
    },
    params: DeviceParams,
    status: 204,
    handler: async ({ params, principal, ip }, ctx) => {
      await deviceOfSite(ctx, params.siteId, params.deviceId);
      await ctx.devices.revoke(params.deviceId);
      ctx.events.safeEmit('principalChanged', { kind: 'device', id: params.deviceId });
      await ctx.audit.record({
        principal,
        action: 'device.revoke',
        resource: deviceResource(params.siteId, params.deviceId),
        outcome: 'success',
        ip,
      });
    },
  }),
];
