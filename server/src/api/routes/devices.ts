import { deviceRoutes as devices } from '@porchlight/protocol';
import { ipBucket } from '../../identity/authentication/ipBucket.ts';
import { deviceResource, siteResource } from '../../identity/authorization/resources.ts';
import { PorchlightError } from '../../errors.ts';
import type { ApiContext } from '../ApiContext.ts';
import { route } from '../Route.ts';
import { deviceView } from '../views.ts';

async function deviceOfSite(ctx: ApiContext, siteId: string, deviceId: string) {
  const device = await ctx.repos.devices.get(deviceId);
  // Another site's device is simply not found here.
  if (!device || device.siteId !== siteId) throw PorchlightError.notFound('device');
  return device;
}

export const deviceRoutes = [
  route(devices.listDevices, {
    auth: { action: 'site:read', resource: ({ params }) => siteResource(params.siteId) },
    handler: async ({ params, principal }, ctx) => {
      const devices = await ctx.repos.devices.list(params.siteId);
      // A guest limited to some cameras only learns about those, and not their address or agent.
      return devices.flatMap((d) => {
        const manages = ctx.authorizer.can(
          principal!,
          'device:manage',
          deviceResource(d.siteId, d.id),
        );
        const views = ctx.authorizer.can(
          principal!,
          'stream:view-live',
          deviceResource(d.siteId, d.id),
        );
        return manages || views ? [deviceView(d, { network: manages })] : [];
      });
    },
  }),
  route(devices.createProvisioningCode, {
    auth: { action: 'device:provision', resource: ({ params }) => siteResource(params.siteId) },
    handler: async ({ params, body, principal, ip }, ctx) => {
      if (!(await ctx.repos.sites.get(params.siteId))) throw PorchlightError.notFound('site');
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
  route(devices.provision, {
    auth: 'public',
    handler: async ({ body, ip, userAgent }, ctx) => {
      const key = `provision:${ipBucket(ip)}`;
      await ctx.guard.check(key);
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
        await ctx.guard.failed(key);
        await ctx.audit.record({ action: 'device.provision', outcome: 'failure', ip });
        throw error;
      }
    },
  }),
  route(devices.deviceToken, {
    auth: 'public',
    handler: async ({ body, ip }, ctx) => {
      const key = `device-token:${ipBucket(ip)}`;
      await ctx.guard.check(key);
      const r = await ctx.devices.issueToken(body.credential).catch(async (error: unknown) => {
        await ctx.guard.failed(key);
        throw error;
      });
      return { token: r.token, expiresIn: r.expiresIn, device: deviceView(r.device) };
    },
  }),
  route(devices.renameDevice, {
    auth: {
      action: 'device:manage',
      resource: ({ params }) => deviceResource(params.siteId, params.deviceId),
    },
    handler: async ({ params, body, principal, ip }, ctx) => {
      await deviceOfSite(ctx, params.siteId, params.deviceId);
      await ctx.repos.devices.update(params.deviceId, { name: body.name });
      ctx.events.safeEmit('deviceRenamed', {
        siteId: params.siteId,
        deviceId: params.deviceId,
        name: body.name,
      });
      await ctx.audit.record({
        principal,
        action: 'device.rename',
        resource: deviceResource(params.siteId, params.deviceId),
        outcome: 'success',
        ip,
      });
      return deviceView((await ctx.repos.devices.get(params.deviceId))!);
    },
  }),
  route(devices.rotateDevice, {
    auth: {
      action: 'device:manage',
      resource: ({ params }) => deviceResource(params.siteId, params.deviceId),
    },
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
  route(devices.removeDevice, {
    auth: {
      action: 'device:manage',
      resource: ({ params }) => deviceResource(params.siteId, params.deviceId),
    },
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
