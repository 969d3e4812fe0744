import { DETECTION_LIMITS, eventRoutes as contract } from '@porchlight/protocol';
import { EventSnapshots } from '../../detection/EventSnapshots.ts';
import { PorchlightError } from '../../errors.ts';
import type { Principal } from '../../identity/authorization/Principal.ts';
import { deviceResource } from '../../identity/authorization/resources.ts';
import type { Device } from '../../store/types.ts';
import type { ApiContext } from '../ApiContext.ts';
import { route } from '../Route.ts';

/** Site id of a resource nobody holds: an unknown camera or event is 403 to all but admins. */
const NOWHERE = '_unknown';

/** The camera's resource, looked up from its id (devices post only for their own). */
const camera = async ({ params }: { params: { deviceId: string } }, ctx: ApiContext) =>
  deviceResource((await ctx.detection.device(params.deviceId))?.siteId ?? NOWHERE, params.deviceId);

async function cameraOf(ctx: ApiContext, deviceId: string): Promise<Device> {
  const device = await ctx.detection.device(deviceId);
  if (!device) throw PorchlightError.notFound('camera');
  return device;
}

/** The cameras whose events `p` may read, narrowed by the query's site and camera. */
async function readableCameras(
  ctx: ApiContext,
  p: Principal,
  q: { siteId?: string | undefined; deviceId?: string | undefined },
): Promise<string[]> {
  const sites = q.siteId ? [q.siteId] : (await ctx.repos.sites.list()).map((s) => s.id);
  const out: string[] = [];
  for (const siteId of sites) {
    for (const d of await ctx.repos.devices.list(siteId)) {
      if (q.deviceId !== undefined && d.id !== q.deviceId) continue;
      if (ctx.authorizer.can(p, 'stream:view-recording', deviceResource(siteId, d.id)))
        out.push(d.id);
    }
  }
  return out;
}

/**
 * Person detection: cameras report events (start, update/end, snapshot) for their own device id;
 * people who may watch a camera's recordings read its events and settings; owners change them.
 */
export const eventRoutes = [
  route(contract.startEvent, {
    auth: { action: 'recording:trigger', resource: camera },
    // The detector host posts for its assigned cameras (its statements name exactly those).
    detectorHost: true,
    handler: async ({ params, body, principal }, ctx) => {
      const device = await cameraOf(ctx, params.deviceId);
      await ctx.detection.events.admit(device.id, 'start');
      // Where it ran comes from who posted, never from the body.
      const where = principal?.kind === 'detector' ? 'server' : 'camera';
      const row = await ctx.detection.events.start(device, {
        ...body,
        detector: { ...body.detector, where },
      });
      return { eventId: row.id };
    },
  }),
  route(contract.updateEvent, {
    auth: { action: 'recording:trigger', resource: camera },
    detectorHost: true,
    handler: async ({ params, body }, ctx) => {
      const device = await cameraOf(ctx, params.deviceId);
      await ctx.detection.events.admit(device.id, 'update');
      const row = await ctx.detection.events.update(device.id, params.eventId, body);
      return ctx.detection.views.one(row);
    },
  }),
  route(contract.putEventSnapshot, {
    auth: { action: 'recording:trigger', resource: camera },
    detectorHost: true,
    bodyLimit: DETECTION_LIMITS.snapshotBytes,
    handler: async ({ params, body }, ctx) => {
      const device = await cameraOf(ctx, params.deviceId);
      await ctx.detection.events.admit(device.id, 'snapshot');
      const jpeg = EventSnapshots.checkJpeg(body);
      const row = await ctx.detection.events.snapshot(device.id, params.eventId, jpeg);
      const view = await ctx.detection.views.one(row);
      return { snapshotUrl: view.snapshotUrl ?? '' };
    },
  }),
  route(contract.listEvents, {
    auth: 'authenticated',
    handler: async ({ principal, query }, ctx) => {
      const deviceIds = await readableCameras(ctx, principal!, query);
      const [at, id] = query.before?.split('.') ?? [];
      const rows = await ctx.detection.repo.listEvents({
        deviceIds,
        zone: query.zone,
        from: query.from,
        to: query.to,
        ...(at !== undefined && id !== undefined ? { before: { startedAt: Number(at), id } } : {}),
        limit: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      return {
        events: await ctx.detection.views.many(page),
        next: rows.length > query.limit && last ? `${last.startedAt}.${last.id}` : null,
      };
    },
  }),
  route(contract.getEvent, {
    auth: {
      action: 'stream:view-recording',
      resource: async ({ params }, ctx) => {
        const row = await ctx.detection.repo.getEvent(params.eventId);
        return deviceResource(row?.siteId ?? NOWHERE, row?.deviceId ?? NOWHERE);
      },
    },
    handler: async ({ params, principal, ip }, ctx) => {
      const row = await ctx.detection.repo.getEvent(params.eventId);
      if (!row) throw PorchlightError.notFound('event');
      await ctx.audit.record({
        principal,
        action: 'detection.event-view',
        resource: deviceResource(row.siteId, row.deviceId),
        outcome: 'success',
        ip,
        detail: { eventId: row.id },
      });
      return ctx.detection.views.detail(row);
    },
  }),
  route(contract.getDetectionSettings, {
    // The camera reads its own settings; people need the camera's recording view right; the
    // detector host reads those of its assigned cameras.
    auth: 'authenticated',
    detectorHost: true,
    handler: async ({ params, principal, ip }, ctx) => {
      const p = principal!;
      const device = await ctx.detection.device(params.deviceId);
      const resource = deviceResource(device?.siteId ?? NOWHERE, params.deviceId);
      const allowed =
        p.kind === 'device'
          ? p.id === params.deviceId
          : p.kind === 'detector'
            ? ctx.authorizer.can(p, 'recording:trigger', resource)
            : ctx.authorizer.can(p, 'stream:view-recording', resource);
      if (!allowed) {
        await ctx.audit.record({
          principal: p,
          action: 'stream:view-recording',
          resource,
          outcome: 'denied',
          ip,
          detail: { route: 'GET /api/v1/devices/:deviceId/detection' },
        });
        throw PorchlightError.forbidden('not allowed: stream:view-recording');
      }
      if (!device) throw PorchlightError.notFound('camera');
      return ctx.detection.settings.view(device);
    },
  }),
  route(contract.putDetectionSettings, {
    auth: { action: 'recording:manage', resource: camera },
    handler: async ({ params, body, principal, ip }, ctx) => {
      const device = await cameraOf(ctx, params.deviceId);
      await ctx.detection.settings.save(device, body);
      // The answer says where detection runs now (the server may take it over or hand it back).
      await ctx.detection.hosting?.assignments.update(device.id);
      const view = await ctx.detection.settings.view(device);
      await ctx.audit.record({
        principal,
        action: 'detection.settings-update',
        resource: deviceResource(device.siteId, device.id),
        outcome: 'success',
        ip,
      });
      return view;
    },
  }),
];
