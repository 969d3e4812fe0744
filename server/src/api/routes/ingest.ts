import { ingestRoutes as contract } from '@porchlight/protocol';
import type { Principal } from '../../identity/authorization/Principal.ts';
import { deviceResource, siteResource } from '../../identity/authorization/resources.ts';
import type { ApiContext } from '../ApiContext.ts';
import { route } from '../Route.ts';
import { deviceView } from '../views.ts';

const onSite = ({ params }: { params: { siteId: string } }) => siteResource(params.siteId);
const onDevice = ({ params }: { params: { siteId: string; deviceId: string } }) =>
  deviceResource(params.siteId, params.deviceId);

/** Audit details name what changed, never a URL's credentials, a password or a stream key. */
async function audit(
  ctx: ApiContext,
  req: { principal: Principal | undefined; ip: string },
  siteId: string,
  deviceId: string,
  action: string,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await ctx.audit.record({
    principal: req.principal,
    action,
    resource: deviceResource(siteId, deviceId),
    outcome: 'success',
    ip: req.ip,
    detail,
  });
}

/**
 * RTSP and RTMP cameras (docs/cameras.md): adding one and probing a URL need `device:provision`
 * on the site (owners), changing, removing and key management `device:manage` on the device.
 */
export const ingestRoutes = [
  route(contract.listIngestSources, {
    auth: { action: 'device:provision', resource: onSite },
    handler: async ({ params }, ctx) => ({ sources: await ctx.ingest.list(params.siteId) }),
  }),
  route(contract.probeRtsp, {
    auth: { action: 'device:provision', resource: onSite },
    handler: async ({ params, body }, ctx) => ctx.ingest.probe(params.siteId, body),
  }),
  route(contract.createRtspCamera, {
    auth: { action: 'device:provision', resource: onSite },
    handler: async (req, ctx) => {
      const { siteId } = req.params;
      const r = await ctx.ingest.createRtsp(siteId, req.body);
      await audit(ctx, req, siteId, r.device.id, 'ingest.create', {
        kind: 'rtsp',
        transport: req.body.transport,
        credentials: req.body.credentials !== undefined,
      });
      return { device: deviceView(r.device), source: r.source };
    },
  }),
  route(contract.createRtmpCamera, {
    auth: { action: 'device:provision', resource: onSite },
    handler: async (req, ctx) => {
      const { siteId } = req.params;
      const r = await ctx.ingest.createRtmp(siteId, req.body.name);
      await audit(ctx, req, siteId, r.device.id, 'ingest.create', { kind: 'rtmp' });
      return { ...r.key, source: r.source, device: deviceView(r.device) };
    },
  }),
  route(contract.updateIngestSource, {
    auth: { action: 'device:manage', resource: onDevice },
    handler: async (req, ctx) => {
      const { siteId, deviceId } = req.params;
      const view = await ctx.ingest.update(siteId, deviceId, req.body);
      await audit(ctx, req, siteId, deviceId, 'ingest.update', {
        fields: Object.keys(req.body).sort(),
      });
      return view;
    },
  }),
  route(contract.deleteIngestSource, {
    auth: { action: 'device:manage', resource: onDevice },
    handler: async (req, ctx) => {
      const { siteId, deviceId } = req.params;
      await ctx.ingest.delete(siteId, deviceId);
      ctx.events.safeEmit('principalChanged', { kind: 'device', id: deviceId });
      await audit(ctx, req, siteId, deviceId, 'ingest.delete');
    },
  }),
  route(contract.rotateStreamKey, {
    auth: { action: 'device:manage', resource: onDevice },
    handler: async (req, ctx) => {
      const { siteId, deviceId } = req.params;
      const r = await ctx.ingest.rotateStreamKey(siteId, deviceId);
      await audit(ctx, req, siteId, deviceId, 'ingest.stream-key.rotate');
      return { ...r.key, source: r.source };
    },
  }),
  route(contract.revokeStreamKey, {
    auth: { action: 'device:manage', resource: onDevice },
    handler: async (req, ctx) => {
      const { siteId, deviceId } = req.params;
      await ctx.ingest.revokeStreamKey(siteId, deviceId);
      await audit(ctx, req, siteId, deviceId, 'ingest.stream-key.revoke');
    },
  }),
];
