import { randomUUID } from 'node:crypto';
import { accountRoutes as contract, siteRoutes as sites } from '@porchlight/protocol';
import { PorchlightError } from '../../errors.ts';
import { DuplicateError } from '../../store/types.ts';
import { route } from '../Route.ts';
import { accountView, siteView } from '../views.ts';

const admin = (action: 'admin:accounts' | 'admin:sites') => ({ action, resource: () => '*' });

export const adminRoutes = [
  route(contract.listAccounts, {
    auth: admin('admin:accounts'),
    handler: async (_req, ctx) => (await ctx.repos.accounts.list()).map(accountView),
  }),
  route(contract.createAccount, {
    auth: admin('admin:accounts'),
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
        await ctx.repos.accounts.create(account);
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
  route(contract.updateAccount, {
    auth: admin('admin:accounts'),
    handler: async ({ params, body, principal, ip }, ctx) => {
      const account = await ctx.repos.accounts.get(params.accountId);
      if (!account) throw PorchlightError.notFound('account');
      if (
        params.accountId === principal!.id &&
        (body.disabled === true || body.isAdmin === false)
      ) {
        throw PorchlightError.conflict('you cannot disable or demote yourself');
      }
      await ctx.repos.accounts.update(params.accountId, {
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
      return accountView((await ctx.repos.accounts.get(params.accountId))!);
    },
  }),
  route(sites.listAllSites, {
    auth: admin('admin:sites'),
    handler: async (_req, ctx) => (await ctx.repos.sites.list()).map(siteView),
  }),
];
