import { randomUUID } from 'node:crypto';
import {
  siteRoutes as sites,
  auditRoutes as audit,
  turnUsageRoutes as turnUsage,
} from '@porchlight/protocol';
import { siteResource } from '../../identity/authorization/resources.ts';
import { PorchlightError } from '../../errors.ts';
import { auditQuery, withNames } from '../auditNames.ts';
import { route } from '../Route.ts';
import { siteView } from '../views.ts';

export const siteRoutes = [
  route(sites.listSites, {
    auth: 'authenticated',
    handler: async ({ principal }, ctx) => {
      const sites = await ctx.repos.sites.list();
      return sites
        .filter((s) => ctx.authorizer.can(principal!, 'site:read', siteResource(s.id)))
        .map(siteView);
    },
  }),
  route(sites.createSite, {
    auth: { action: 'admin:sites', resource: () => '*' },
    handler: async ({ body, principal, ip }, ctx) => {
      const site = { id: randomUUID(), name: body.name, createdAt: ctx.now() };
      if (body.ownerAccountId && !(await ctx.repos.accounts.get(body.ownerAccountId)))
        throw PorchlightError.notFound('account');
      await ctx.repos.sites.create(site);
      if (body.ownerAccountId) {
        await ctx.repos.grants.create({
          id: randomUUID(),
          accountId: body.ownerAccountId,
          siteId: site.id,
          role: 'owner',
          deviceIds: null,
          validFrom: null,
          validUntil: null,
          createdBy: principal!.id,
          createdAt: ctx.now(),
          revokedAt: null,
        });
        ctx.events.safeEmit('principalChanged', { kind: 'account', id: body.ownerAccountId });
      }
      await ctx.audit.record({
        principal,
        action: 'site.create',
        resource: siteResource(site.id),
        outcome: 'success',
        ip,
      });
      return siteView(site);
    },
  }),
  route(sites.getSite, {
    auth: { action: 'site:read', resource: ({ params }) => siteResource(params.siteId) },
    handler: async ({ params }, ctx) => {
      const site = await ctx.repos.sites.get(params.siteId);
      if (!site) throw PorchlightError.notFound('site');
      return siteView(site);
    },
  }),
  route(sites.renameSite, {
    auth: { action: 'site:manage', resource: ({ params }) => siteResource(params.siteId) },
    handler: async ({ params, body, principal, ip }, ctx) => {
      if (!(await ctx.repos.sites.update(params.siteId, { name: body.name })))
        throw PorchlightError.notFound('site');
      await ctx.audit.record({
        principal,
        action: 'site.rename',
        resource: siteResource(params.siteId),
        outcome: 'success',
        ip,
      });
      return siteView((await ctx.repos.sites.get(params.siteId))!);
    },
  }),
  route(sites.deleteSite, {
    auth: { action: 'admin:sites', resource: ({ params }) => siteResource(params.siteId) },
    handler: async ({ params, principal, ip }, ctx) => {
      const grants = await ctx.repos.grants.listForSite(params.siteId);
      const devices = await ctx.repos.devices.list(params.siteId);
      if (!(await ctx.repos.sites.delete(params.siteId))) throw PorchlightError.notFound('site');
      for (const g of grants)
        ctx.events.safeEmit('principalChanged', { kind: 'account', id: g.accountId });
      for (const d of devices)
        ctx.events.safeEmit('principalChanged', { kind: 'device', id: d.id });
      await ctx.audit.record({
        principal,
        action: 'site.delete',
        resource: siteResource(params.siteId),
        outcome: 'success',
        ip,
      });
    },
  }),
  route(audit.listAudit, {
    auth: { action: 'audit:read', resource: ({ params }) => siteResource(params.siteId) },
    handler: async ({ params, query }, ctx) =>
      withNames(ctx.repos, await ctx.audit.query(auditQuery(query, params.siteId))),
  }),
  route(turnUsage.getTurnUsage, {
    auth: { action: 'usage:read', resource: ({ params }) => siteResource(params.siteId) },
    handler: async ({ params, query }, ctx) => {
      const sessions = await ctx.repos.turnUsage.query({
        siteId: params.siteId,
        ...(query.since !== undefined ? { since: query.since } : {}),
        ...(query.until !== undefined ? { until: query.until } : {}),
        limit: query.limit ?? 100,
      });
      const byPrincipal = new Map<
        string,
        { principalKind: string; principalId: string; seconds: number; bytes: number }
      >();
      for (const u of sessions) {
        const t = byPrincipal.get(u.principalId) ?? {
          principalKind: u.principalKind,
          principalId: u.principalId,
          seconds: 0,
          bytes: 0,
        };
        t.seconds += u.durationSeconds;
        t.bytes += u.bytesReceived + u.bytesSent;
        byPrincipal.set(u.principalId, t);
      }
      return {
        sessions,
        totals: [...byPrincipal.values()].map((t) => ({ ...t, minutes: t.seconds / 60 })),
      };
    },
  }),
];
