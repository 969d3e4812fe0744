import { randomUUID } from 'node:crypto';
import { grantRoutes as grants } from '@porchlight/protocol';
import { siteResource } from '../../identity/authorization/resources.ts';
import { PorchlightError } from '../../errors.ts';
import type { Grant } from '../../store/types.ts';
import { route } from '../Route.ts';
import { assertNotLastOwner, checkAccessToGive } from './memberChecks.ts';
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
  // Platform admins only (they manage every account anyway). A site owner invites people instead
  // (createInvitation): granting by e-mail looked up other tenants' accounts without consent and
  // answered known and unknown addresses differently (issue 16, finding 4).
  route(grants.createGrant, {
    auth: { action: 'admin:accounts', resource: () => '*' },
    handler: async ({ params, body, principal, ip }, ctx) => {
      const p = principal!;
      const deviceIds = await checkAccessToGive(ctx, p, params.siteId, body.role, body.devices);
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
        deviceIds,
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
      if (grant.role === 'owner') {
        ctx.authorizer.assert(principal!, 'site:manage', siteResource(params.siteId));
        await assertNotLastOwner(ctx, params.siteId, grant.id);
      }
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
