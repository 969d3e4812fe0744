import { authRoutes as contract } from '@porchlight/protocol';
import { PorchlightError } from '../../errors.ts';
import { route } from '../Route.ts';

const accountsAdmin = { action: 'admin:accounts' as const, resource: () => '*' as const };

/** An admin's password reset and session management for any account (issue 16). */
export const accountSessionRoutes = [
  route(contract.resetAccountPassword, {
    auth: accountsAdmin,
    handler: async ({ params, principal, ip }, ctx) => {
      if (!(await ctx.repos.accounts.get(params.accountId)))
        throw PorchlightError.notFound('account');
      const temporaryPassword = await ctx.accounts.resetPassword(params.accountId);
      ctx.events.safeEmit('principalChanged', { kind: 'account', id: params.accountId });
      // The password itself is never audited or logged: only the admin sees it, once.
      await ctx.audit.record({
        principal,
        action: 'account.password-reset',
        outcome: 'success',
        ip,
        detail: { accountId: params.accountId },
      });
      return { temporaryPassword };
    },
  }),
  route(contract.listAccountSessions, {
    auth: accountsAdmin,
    handler: async ({ params, principal }, ctx) => {
      // An admin looking at their own account sees which session is the one in use.
      const own =
        principal?.kind === 'account' && principal.id === params.accountId
          ? principal.sessionId
          : undefined;
      return (await ctx.accounts.listSessions(params.accountId)).map((s) => ({
        ...s,
        current: s.id === own,
      }));
    },
  }),
  route(contract.revokeAccountSession, {
    auth: accountsAdmin,
    handler: async ({ params, principal, ip }, ctx) => {
      if (!(await ctx.accounts.revokeSession(params.accountId, params.sessionId)))
        throw PorchlightError.notFound('session');
      ctx.events.safeEmit('principalChanged', { kind: 'account', id: params.accountId });
      await ctx.audit.record({
        principal,
        action: 'account.session-revoke',
        outcome: 'success',
        ip,
        detail: { accountId: params.accountId, sessionId: params.sessionId },
      });
    },
  }),
  route(contract.revokeAccountSessions, {
    auth: accountsAdmin,
    handler: async ({ params, principal, ip }, ctx) => {
      if (!(await ctx.repos.accounts.get(params.accountId)))
        throw PorchlightError.notFound('account');
      await ctx.accounts.revokeSessions(params.accountId);
      ctx.events.safeEmit('principalChanged', { kind: 'account', id: params.accountId });
      await ctx.audit.record({
        principal,
        action: 'account.session-revoke',
        outcome: 'success',
        ip,
        detail: { accountId: params.accountId, all: true },
      });
    },
  }),
];
