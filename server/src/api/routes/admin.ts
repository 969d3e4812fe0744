import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PorchlightError } from '../../errors.ts';
import { DuplicateError } from '../../store/types.ts';
import { route } from '../Route.ts';
import { Email, Empty, Id, Password, Text } from '../schemas.ts';
import { accountView, siteView } from '../views.ts';

export const adminRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/admin/accounts',
    summary: 'Every account (admin).',
    tag: 'admin',
    auth: { action: 'admin:accounts', resource: () => '*' },
    query: Empty,
    handler: async (_req, ctx) => (await ctx.store.listAccounts()).map(accountView),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/accounts',
    summary: 'Create an account (admin).',
    tag: 'admin',
    auth: { action: 'admin:accounts', resource: () => '*' },
    body: z.strictObject({
      email: Email,
      displayName: Text(100),
      password: Password,
      isAdmin: z.boolean().default(false),
    }),
    status: 201,
    handler: async ({ body, principal, ip }, ctx) => {
      const account = {
        id: randomUUID(),
        email: body.email,
        displayName: body.displayName,
        passwordHash: await ctx.accounts.hashPassword(body.password),
        isAdmin: body.isAdmin,
        createdAt: ctx.now(),
        disabledAt: null,
      };
      try {
        await ctx.store.createAccount(account);
      } catch (error) {
        if (error instanceof DuplicateError)
          throw PorchlightError.conflict('an account with this e-mail exists');
        throw error;
      }
      await ctx.audit.record({
        principal,
        action: 'account.create',
        outcome: 'success',
        ip,
        detail: { accountId: account.id },
      });
      return accountView(account);
    },
  }),
  route({
    method: 'PATCH',
    path: '/api/v1/admin/accounts/:accountId',
    summary:
      'Disable/enable an account, change admin flag or name (admin). Disabling cuts sessions.',
    tag: 'admin',
    auth: { action: 'admin:accounts', resource: () => '*' },
    params: z.strictObject({ accountId: Id }),
    body: z.strictObject({
      disabled: z.boolean().optional(),
      isAdmin: z.boolean().optional(),
      displayName: Text(100).optional(),
    }),
    handler: async ({ params, body, principal, ip }, ctx) => {
      const account = await ctx.store.getAccount(params.accountId);
      if (!account) throw PorchlightError.notFound('account');
      if (
        params.accountId === principal!.id &&
        (body.disabled === true || body.isAdmin === false)
      ) {
        throw PorchlightError.conflict('you cannot disable or demote yourself');
      }
      await ctx.store.updateAccount(params.accountId, {
        ...(body.displayName !== undefined ? { displayName: body.displayName } : {}),
        ...(body.isAdmin !== undefined ? { isAdmin: body.isAdmin } : {}),
        ...(body.disabled !== undefined ? { disabledAt: body.disabled ? ctx.now() : null } : {}),
      });
      if (body.disabled) await ctx.accounts.revokeSessions(params.accountId);
      ctx.events.safeEmit('principalChanged', { kind: 'account', id: params.accountId });
      await ctx.audit.record({
        principal,
        action: 'account.update',
        outcome: 'success',
        ip,
        detail: { accountId: params.accountId, ...body },
      });
      return accountView((await ctx.store.getAccount(params.accountId))!);
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/admin/sites',
    summary: 'Every site (admin).',
    tag: 'admin',
    auth: { action: 'admin:sites', resource: () => '*' },
    query: Empty,
    handler: async (_req, ctx) => (await ctx.store.listSites()).map(siteView),
  }),
];
