import { randomUUID } from 'node:crypto';
import { grantRoutes as grants } from '@porchlight/protocol';
import { siteResource } from '../../identity/authorization/resources.ts';
import { PorchlightError } from '../../errors.ts';
import type { Grant } from '../../store/types.ts';
import { route } from '../Route.ts';
import { accountView, grantView } from '../views.ts';

export const grantRoutes = [
  route(grants.listGrants, {
    auth: { action: 'member:manage', resource: ({ params }) => siteResource(params.siteId) },
    handler: async ({ params }, ctx) => {
      const grants = await ctx.repos.grants.listForSite(params.siteId);
      return Promise.all(
        grants.map(async (g) => {
          const account = await ctx.repos.accounts.get(g.accountId);
          return { ...grantView(g), account: account ? accountView(account) : null };
        }),
      );
    },
  }),
  route(grants.createGrant, {
    auth: { action: 'member:manage', resource: ({ params }) => siteResource(params.siteId) },
    handler: async ({ params, body, principal, ip }, ctx) => {
      const p = principal!;
      if (!(await ctx.repos.sites.get(params.siteId))) throw PorchlightError.notFound('site');
      // Only an admin or an owner may create owners: a member manager cannot escalate.
      if (body.role === 'owner' && !(p.kind === 'account' && p.account.isAdmin)) {
        ctx.authorizer.assert(p, 'site:manage', siteResource(params.siteId));
      }
      if (body.deviceIds) {
        const devices = new Set((await ctx.repos.devices.list(params.siteId)).map((d) => d.id));
        const unknown = body.deviceIds.filter((d) => !devices.has(d));
        if (unknown.length)
          throw PorchlightError.badRequest(`unknown devices: ${unknown.join(', ')}`);
      }
      let account = await ctx.repos.accounts.getByEmail(body.email);
      if (!account) {
        if (!body.password)
          throw PorchlightError.badRequest('password is required for a new account');
        account = {
          id: randomUUID(),
          email: body.email,
          displayName: body.displayName ?? body.email,
          passwordHash: await ctx.accounts.hashPassword(body.password),
          isAdmin: false,
          createdAt: ctx.now(),
          disabledAt: null,
        };
        await ctx.repos.accounts.create(account);
      }
      const grant: Grant = {
        id: randomUUID(),
        accountId: account.id,
        siteId: params.siteId,
        role: body.role,
        deviceIds: body.deviceIds ? [...new Set(body.deviceIds)] : null,
        validFrom: body.validFrom ?? null,
        validUntil: body.validUntil ?? null,
        createdBy: p.id,
        createdAt: ctx.now(),
        revokedAt: null,
      };
      await ctx.repos.grants.create(grant);
      ctx.events.safeEmit('principalChanged', { kind: 'account', id: account.id });
      await ctx.audit.record({
        principal: p,
        action: 'grant.create',
        resource: siteResource(params.siteId),
        outcome: 'success',
        ip,
        detail: {
          grantId: grant.id,
          accountId: account.id,
          role: grant.role,
          deviceIds: grant.deviceIds,
        },
      });
      return { ...grantView(grant), account: accountView(account) };
    },
  }),
  route(grants.revokeGrant, {
    auth: { action: 'member:manage', resource: ({ params }) => siteResource(params.siteId) },
    handler: async ({ params, principal, ip }, ctx) => {
      const grant = await ctx.repos.grants.get(params.grantId);
      if (!grant || grant.siteId !== params.siteId || grant.revokedAt !== null)
        throw PorchlightError.notFound('grant');
      if (grant.role === 'owner')
        ctx.authorizer.assert(principal!, 'site:manage', siteResource(params.siteId));
      await ctx.repos.grants.revoke(grant.id, ctx.now());
      ctx.events.safeEmit('principalChanged', { kind: 'account', id: grant.accountId });
      await ctx.audit.record({
        principal,
        action: 'grant.revoke',
        resource: siteResource(params.siteId),
        outcome: 'success',
        ip,
        detail: { grantId: grant.id, accountId: grant.accountId },
      });
    },
  }),
];
