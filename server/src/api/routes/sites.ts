import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { siteResource } from '../../identity/authorization/resources.ts';
import { PorchlightError } from '../../errors.ts';
import { route } from '../Route.ts';
import { Empty, Millis, SiteParams, Text } from '../schemas.ts';
import { siteView } from '../views.ts';

export const siteRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/sites',
    summary: 'Sites the caller can see.',
    tag: 'sites',
    auth: 'authenticated',
    query: Empty,
    handler: async ({ principal }, ctx) => {
      const sites = await ctx.store.listSites();
      return sites
        .filter((s) => ctx.authorizer.can(principal!, 'site:read', siteResource(s.id)))
        .map(siteView);
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/sites',
    summary: 'Create a site (admin). The given owner account, if any, becomes its owner.',
    tag: 'sites',
    auth: { action: 'admin:sites', resource: () => '*' },
    body: z.strictObject({ name: Text(100), ownerAccountId: z.string().max(64).optional() }),
    status: 201,
    handler: async ({ body, principal, ip }, ctx) => {
      const site = { id: randomUUID(), name: body.name, createdAt: ctx.now() };
      if (body.ownerAccountId && !(await ctx.store.getAccount(body.ownerAccountId)))
        throw PorchlightError.notFound('account');
      await ctx.store.createSite(site);
      if (body.ownerAccountId) {
        await ctx.store.createGrant({
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
  route({
    method: 'GET',
    path: '/api/v1/sites/:siteId',
    summary: 'One site.',
    tag: 'sites',
    auth: { action: 'site:read', resource: ({ params }) => siteResource(params.siteId) },
    params: SiteParams,
    query: Empty,
    handler: async ({ params }, ctx) => {
      const site = await ctx.store.getSite(params.siteId);
      if (!site) throw PorchlightError.notFound('site');
      return siteView(site);
    },
  }),
  route({
    method: 'PATCH',
    path: '/api/v1/sites/:siteId',
    summary: 'Rename a site.',
    tag: 'sites',
    auth: { action: 'site:manage', resource: ({ params }) => siteResource(params.siteId) },
    params: SiteParams,
    body: z.strictObject({ name: Text(100) }),
    handler: async ({ params, body, principal, ip }, ctx) => {
      if (!(await ctx.store.updateSite(params.siteId, { name: body.name })))
        throw PorchlightError.notFound('site');
      await ctx.audit.record({
        principal,
        action: 'site.rename',
        resource: siteResource(params.siteId),
        outcome: 'success',
        ip,
      });
      return siteView((await ctx.store.getSite(params.siteId))!);
    },
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/sites/:siteId',
    summary: 'Delete a site with its devices and grants (admin).',
    tag: 'sites',
    auth: { action: 'admin:sites', resource: ({ params }) => siteResource(params.siteId) },
    params: SiteParams,
    status: 204,
    handler: async ({ params, principal, ip }, ctx) => {
      const grants = await ctx.store.listGrantsForSite(params.siteId);
      const devices = await ctx.store.listDevices(params.siteId);
      if (!(await ctx.store.deleteSite(params.siteId))) throw PorchlightError.notFound('site');
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
  route({
    method: 'GET',
    path: '/api/v1/sites/:siteId/audit',
    summary: "A site's audit log, newest first.",
    tag: 'audit',
    auth: { action: 'audit:read', resource: ({ params }) => siteResource(params.siteId) },
    params: SiteParams,
    query: z.strictObject({
      action: z.string().max(64).optional(),
      since: z.coerce.number().pipe(Millis).optional(),
      until: z.coerce.number().pipe(Millis).optional(),
      before: z.coerce.number().int().positive().optional(),
      limit: z.coerce.number().int().min(1).max(1000).optional(),
    }),
    handler: async ({ params, query }, ctx) =>
      ctx.audit.query({
        siteId: params.siteId,
        ...(query.action !== undefined ? { action: query.action } : {}),
        ...(query.since !== undefined ? { since: query.since } : {}),
        ...(query.until !== undefined ? { until: query.until } : {}),
        ...(query.before !== undefined ? { before: query.before } : {}),
        limit: query.limit ?? 100,
      }),
  }),
  route({
    method: 'GET',
    path: '/api/v1/sites/:siteId/turn-usage',
    summary: 'Relayed TURN sessions of a site (who, how long, bytes), newest first, with totals.',
    tag: 'metering',
    auth: { action: 'usage:read', resource: ({ params }) => siteResource(params.siteId) },
    params: SiteParams,
    query: z.strictObject({
      since: z.coerce.number().pipe(Millis).optional(),
      until: z.coerce.number().pipe(Millis).optional(),
      limit: z.coerce.number().int().min(1).max(1000).optional(),
    }),
    handler: async ({ params, query }, ctx) => {
      const sessions = await ctx.store.queryTurnUsage({
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
