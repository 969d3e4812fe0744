import { detectorHostRoutes as contract } from '@porchlight/protocol';
import { PorchlightError } from '../../errors.ts';
import type { DetectorHosting } from '../../detection/host/DetectorHosting.ts';
import { deviceResource } from '../../identity/authorization/resources.ts';
import type { ApiContext } from '../ApiContext.ts';
import { route } from '../Route.ts';

function hosting(ctx: ApiContext): DetectorHosting {
  const h = ctx.detection.hosting;
  if (!h) throw PorchlightError.unavailable('detection on the server is not configured');
  return h;
}

/**
 * Detection on the server (docs/detection.md): camera pages report whether they can detect; the
 * detector host page trades its launch code for a token, follows its assignment (long poll) and
 * reports its status. Host routes take the host's token only.
 */
export const detectorHostRoutes = [
  route(contract.reportDetectionCapability, {
    // Only the camera itself: a person or another device saying "camera X cannot detect" would
    // move X's video into the server's detector.
    auth: 'authenticated',
    handler: async ({ params, body, principal, ip }, ctx) => {
      const p = principal!;
      const device = await ctx.detection.device(params.deviceId);
      if (p.kind !== 'device' || p.id !== params.deviceId || !device) {
        await ctx.audit.record({
          principal: p,
          action: 'recording:trigger',
          resource: deviceResource(device?.siteId ?? '_unknown', params.deviceId),
          outcome: 'denied',
          ip,
          detail: { route: 'PUT /api/v1/devices/:deviceId/detection/capability' },
        });
        throw PorchlightError.forbidden('only the camera itself reports its detector');
      }
      const h = ctx.detection.hosting;
      if (!h) {
        const settings = await ctx.detection.settings.settingsOf(device.id);
        return { runsOn: settings.enabled ? ('camera' as const) : ('off' as const) };
      }
      return { runsOn: await h.reportCapability(device, body) };
    },
  }),
  route(contract.openDetectorHostSession, {
    // The one-time code in the body is the credential.
    auth: 'public',
    handler: async ({ body }, ctx) => hosting(ctx).openSession(body.code),
  }),
  route(contract.renewDetectorHostToken, {
    auth: 'detector',
    handler: async ({ principal }, ctx) => hosting(ctx).renew(principal!),
  }),
  route(contract.getDetectorHostAssignment, {
    auth: 'detector',
    handler: async ({ query }, ctx) => hosting(ctx).assignment(query.after),
  }),
  route(contract.putDetectorHostStatus, {
    auth: 'detector',
    handler: async ({ principal, body }, ctx) => {
      hosting(ctx).reportStatus(principal!, body);
      return { ok: true as const };
    },
  }),
];
