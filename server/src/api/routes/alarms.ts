import { alarmRoutes as contract } from '@porchlight/protocol';
import type { Principal } from '../../identity/authorization/Principal.ts';
import { route } from '../Route.ts';
import { auditSite, onSite } from './siteAudit.ts';

/** Who acknowledged or muted: the account, or the kind and id of another principal. */
const actorOf = (p: Principal | undefined): string =>
  !p ? 'unknown' : p.kind === 'account' ? p.id : `${p.kind}:${p.id}`;

/**
 * Alarms of a site (docs/operations.md "Alarms"): reading needs `alarm:read`, everything else
 * `alarm:manage` (owners for their sites, admins everywhere). Changes are audited.
 */
export const alarmRoutes = [
  route(contract.listAlarms, {
    auth: { action: 'alarm:read', resource: onSite },
    handler: async ({ params }, ctx) => ({ alarms: await ctx.alarms.list(params.siteId) }),
  }),
  route(contract.createAlarm, {
    auth: { action: 'alarm:manage', resource: onSite },
    handler: async (req, ctx) => {
      const view = await ctx.alarms.create(req.params.siteId, req.body);
      await auditSite(ctx, req, 'alarm.create', { alarmId: view.id, kind: view.kind });
      return view;
    },
  }),
  route(contract.updateAlarm, {
    auth: { action: 'alarm:manage', resource: onSite },
    handler: async (req, ctx) => {
      const view = await ctx.alarms.update(req.params.siteId, req.params.alarmId, req.body);
      await auditSite(ctx, req, 'alarm.update', { alarmId: view.id, ...req.body });
      return view;
    },
  }),
  route(contract.deleteAlarm, {
    auth: { action: 'alarm:manage', resource: onSite },
    handler: async (req, ctx) => {
      await ctx.alarms.delete(req.params.siteId, req.params.alarmId);
      await auditSite(ctx, req, 'alarm.delete', { alarmId: req.params.alarmId });
    },
  }),
  route(contract.listAlarmHistory, {
    auth: { action: 'alarm:read', resource: onSite },
    handler: async ({ params, query }, ctx) => ctx.alarms.history(params.siteId, query),
  }),
  route(contract.acknowledgeAlarm, {
    auth: { action: 'alarm:manage', resource: onSite },
    handler: async (req, ctx) => {
      const { siteId, alarmId } = req.params;
      const view = await ctx.alarms.acknowledge(siteId, alarmId, actorOf(req.principal));
      await auditSite(ctx, req, 'alarm.acknowledge', { alarmId, state: view.state });
      return view;
    },
  }),
  route(contract.muteAlarm, {
    auth: { action: 'alarm:manage', resource: onSite },
    handler: async (req, ctx) => {
      const { siteId, alarmId } = req.params;
      const view = await ctx.alarms.mute(siteId, alarmId, req.body.until, actorOf(req.principal));
      await auditSite(ctx, req, 'alarm.mute', { alarmId, until: req.body.until });
      return view;
    },
  }),
  route(contract.unmuteAlarm, {
    auth: { action: 'alarm:manage', resource: onSite },
    handler: async (req, ctx) => {
      const { siteId, alarmId } = req.params;
      const view = await ctx.alarms.unmute(siteId, alarmId, actorOf(req.principal));
      await auditSite(ctx, req, 'alarm.unmute', { alarmId });
      return view;
    },
  }),
];
