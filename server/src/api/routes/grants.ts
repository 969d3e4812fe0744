import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { siteResource } from '../../identity/authorization/resources.ts';
import { PorchlightError } from '../../errors.ts';
import type { Grant } from '../../store/types.ts';
import { route } from '../Route.ts';
import {
  Email,
  Empty,
  GrantParams,
  Id,
  Millis,
  Password,
  Role,
  SiteParams,
  Text,
} from '../schemas.ts';
import { accountView, grantView } from '../views.ts';

const GrantBody = z
  .strictObject({
    email: Email,
    role: Role,
    /** Limit to these devices of the site; omit for every device. */
    deviceIds: z.array(Id).min(1).max(100).optional(),
    validFrom: Millis.optional(),
    validUntil: Millis.optional(),
    /** For a person without an account yet: their name and initial password. */
    displayName: Text(100).optional(),
    password: Password.optional(),
  })
  .refine(
    (b) => b.validFrom === undefined || b.validUntil === undefined || b.validFrom < b.validUntil,
    {
      message: 'validFrom must be before validUntil',
      path: ['validUntil'],
    },
  );

export const grantRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/sites/:siteId/grants',
    summary: 'People with access to a site, with their accounts.',
    tag: 'members',
    auth: { action: 'member:manage', resource: ({ params }) => siteResource(params.siteId) },
    params: SiteParams,
    query: Empty,
    handler: async ({ params }, ctx) => {
      const grants = await ctx.store.listGrantsForSite(params.siteId);
      return Promise.all(
        grants.map(async (g) => {
          const account = await ctx.store.getAccount(g.accountId);
          return { ...grantView(g), account: account ? accountView(account) : null };
        }),
      );
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/sites/:siteId/grants',
    summary: 'Give a person a role on the site, optionally limited to devices and a time window.',
    tag: 'members',
    auth: { action: 'member:manage', resource: ({ params }) => siteResource(params.siteId) },
    params: SiteParams,
    body: GrantBody,
    status: 201,
    handler: async ({ params, body, principal, ip }, ctx) => {
      const p = principal!;
      if (!(await ctx.store.getSite(params.siteId))) throw PorchlightError.notFound('site');
      // Only an admin or an owner may create owners: a member manager cannot escalate.
      if (body.role === 'owner' && !(p.kind === 'account' && p.account.isAdmin)) {
        ctx.authorizer.assert(p, 'site:manage', siteResource(params.siteId));
      }
      if (body.deviceIds) {
        const devices = new Set((await ctx.store.listDevices(params.siteId)).map((d) => d.id));
        const unknown = body.deviceIds.filter((d) => !devices.has(d));
        if (unknown.length)
          throw PorchlightError.badRequest(`unknown devices: ${unknown.join(', ')}`);
      }
      let account = await ctx.store.getAccountByEmail(body.email);
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
        await ctx.store.createAccount(account);
      }
      const grant: Grant = {
        id: randomUUID(),
        accountId: account.id,
        siteId: params.siteId,
        role: body.role as Grant['role'],
        deviceIds: body.deviceIds ? [...new Set(body.deviceIds)] : null,
        validFrom: body.validFrom ?? null,
        validUntil: body.validUntil ?? null,
        createdBy: p.id,
        createdAt: ctx.now(),
        revokedAt: null,
      };
      await ctx.store.createGrant(grant);
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
  route({
    method: 'DELETE',
    path: '/api/v1/sites/:siteId/grants/:grantId',
    summary: "Revoke a person's access; their live sessions lose it within seconds.",
    tag: 'members',
    auth: { action: 'member:manage', resource: ({ params }) => siteResource(params.siteId) },
    params: GrantParams,
    status: 204,
    handler: async ({ params, principal, ip }, ctx) => {
      const grant = await ctx.store.getGrant(params.grantId);
      if (!grant || grant.siteId !== params.siteId || grant.revokedAt !== null)
        throw PorchlightError.notFound('grant');
      if (grant.role === 'owner')
        ctx.authorizer.assert(principal!, 'site:manage', siteResource(params.siteId));
      await ctx.store.revokeGrant(grant.id, ctx.now());
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
