import { authRoutes as contract } from '@porchlight/protocol';
import { PorchlightError } from '../../errors.ts';
import { route } from '../Route.ts';
import { accountView, grantView } from '../views.ts';

export const authRoutes = [
  route(contract.login, {
    auth: 'public',
    handler: async ({ body, ip }, ctx) => {
      try {
        const session = await ctx.accounts.login(body.email, body.password, ip, body.deviceToken);
        await ctx.audit.record({
          actor: { type: 'account', id: session.account.id },
          action: 'auth.login',
          outcome: 'success',
          ip,
        });
        return session;
      } catch (error) {
        await ctx.audit.record({
          action: 'auth.login',
          outcome: 'failure',
          ip,
          detail: { email: body.email },
        });
        throw error;
      }
    },
  }),
  route(contract.refresh, {
    auth: 'public',
    handler: async ({ body }, ctx) => ctx.accounts.refresh(body.refreshToken),
  }),
  route(contract.logout, {
    auth: 'public',
    handler: async ({ body }, ctx) => {
      await ctx.accounts.logout(body.refreshToken);
    },
  }),
  route(contract.me, {
    auth: 'authenticated',
    handler: async ({ principal }, ctx) => {
      const p = principal!;
      if (p.kind === 'device')
        return {
          kind: 'device' as const,
          device: { id: p.device.id, siteId: p.device.siteId, name: p.device.name },
        };
      // Unreachable: the Authenticator refuses visitor credentials on every route but the call's.
      if (p.kind === 'visitor') throw PorchlightError.unauthorized('not a visitor route');
      // Unreachable too: the route does not accept the detector host's token.
      if (p.kind === 'detector') throw PorchlightError.forbidden('not a detector host route');
      const grants = await ctx.repos.grants.listForAccount(p.account.id);
      return { kind: p.kind, account: accountView(p.account), grants: grants.map(grantView) };
    },
  }),
];
