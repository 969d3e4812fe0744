import { doorRoutes as contract } from '@porchlight/protocol';
import { deviceResource, siteResource } from '../../identity/authorization/resources.ts';
import type { ApiContext } from '../ApiContext.ts';
import { route } from '../Route.ts';

const door = ({ params }: { params: { siteId: string; doorId: string } }) =>
  deviceResource(params.siteId, params.doorId);

async function audited(
  ctx: ApiContext,
  req: { principal: Parameters<ApiContext['audit']['record']>[0]['principal']; ip: string },
  action: string,
  params: { siteId: string; doorId: string },
): Promise<void> {
  await ctx.audit.record({
    principal: req.principal,
    action,
    resource: deviceResource(params.siteId, params.doorId),
    outcome: 'success',
    ip: req.ip,
  });
}

/** Doors (doorbell devices): settings and door tokens. */
export const doorRoutes = [
  route(contract.listDoors, {
    auth: { action: 'site:read', resource: ({ params }) => siteResource(params.siteId) },
    handler: async ({ params, principal }, ctx) => {
      const doors = await ctx.doorbell.doors.list(params.siteId);
      return doors
        .filter(
          (d) =>
            ctx.authorizer.can(
              principal!,
              'call:answer',
              deviceResource(d.device.siteId, d.device.id),
            ) ||
            ctx.authorizer.can(
              principal!,
              'door:manage',
              deviceResource(d.device.siteId, d.device.id),
            ),
        )
        .map((d) => ctx.doorbell.doors.view(d));
    },
  }),
  route(contract.getDoor, {
    auth: { action: 'call:answer', resource: door },
    handler: async ({ params }, ctx) =>
      ctx.doorbell.doors.view(await ctx.doorbell.doors.get(params.siteId, params.doorId)),
  }),
  route(contract.updateDoor, {
    auth: { action: 'door:manage', resource: door },
    handler: async (req, ctx) => {
      const { params, body } = req;
      const d = await ctx.doorbell.doors.update(params.siteId, params.doorId, body);
      await audited(ctx, req, 'door.update', params);
      return ctx.doorbell.doors.view(d);
    },
  }),
  route(contract.configureDoorUnlock, {
    auth: { action: 'door:manage', resource: door },
    handler: async (req, ctx) => {
      const { params, body } = req;
      const { door: d, secret } = await ctx.doorbell.doors.configureUnlock(
        params.siteId,
        params.doorId,
        body,
      );
      // The key itself is never audited or logged: only whether a new one was made.
      await ctx.audit.record({
        principal: req.principal,
        action: 'door.unlock-configure',
        resource: door(req),
        outcome: 'success',
        ip: req.ip,
        detail: { newSecret: secret !== null },
      });
      return { door: ctx.doorbell.doors.view(d), secret };
    },
  }),
  route(contract.testDoorUnlock, {
    auth: { action: 'door:manage', resource: door },
    handler: async (req, ctx) => {
      const { params, principal } = req;
      const by =
        principal?.kind === 'account' || principal?.kind === 'apikey'
          ? { accountId: principal.account.id, name: principal.account.displayName }
          : { accountId: principal?.id ?? 'unknown', name: 'device' };
      const result = await ctx.doorbell.calls.testUnlock(params.siteId, params.doorId, by);
      await ctx.audit.record({
        principal,
        action: 'door.unlock-test',
        resource: door(req),
        outcome: result.ok ? 'success' : 'failure',
        ip: req.ip,
        detail: { status: result.status, error: result.error },
      });
      return result;
    },
  }),
  route(contract.listDoorTokens, {
    auth: { action: 'door:manage', resource: door },
    handler: async ({ params }, ctx) =>
      ctx.doorbell.doors.listTokens(await ctx.doorbell.doors.get(params.siteId, params.doorId)),
  }),
  route(contract.createDoorToken, {
    auth: { action: 'door:manage', resource: door },
    handler: async (req, ctx) => {
      const { params, body } = req;
      const d = await ctx.doorbell.doors.get(params.siteId, params.doorId);
      const info = await ctx.doorbell.doors.createToken(d, body.label);
      await audited(ctx, req, 'door.token-create', params);
      return info;
    },
  }),
  route(contract.rotateDoorTokens, {
    auth: { action: 'door:manage', resource: door },
    handler: async (req, ctx) => {
      const { params, body } = req;
      const d = await ctx.doorbell.doors.get(params.siteId, params.doorId);
      const info = await ctx.doorbell.doors.rotateTokens(d, body.label);
      await audited(ctx, req, 'door.token-rotate', params);
      return info;
    },
  }),
  route(contract.revokeDoorToken, {
    auth: { action: 'door:manage', resource: door },
    handler: async (req, ctx) => {
      const { params } = req;
      const d = await ctx.doorbell.doors.get(params.siteId, params.doorId);
      await ctx.doorbell.doors.revokeToken(d, params.tokenId);
      await audited(ctx, req, 'door.token-revoke', params);
    },
  }),
];
