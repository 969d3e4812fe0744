import { z } from 'zod';
import { route } from '../Route.ts';
import { Email, Empty } from '../schemas.ts';
import { accountView, grantView } from '../views.ts';

export const authRoutes = [
  route({
    method: 'POST',
    path: '/api/v1/auth/login',
    summary: 'Log in with e-mail and password; returns an access token and a refresh token.',
    tag: 'auth',
    auth: 'public',
    body: z.strictObject({ email: Email, password: z.string().min(1).max(256) }),
    handler: async ({ body, ip }, ctx) => {
      try {
        const session = await ctx.accounts.login(body.email, body.password, ip);
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
  route({
    method: 'POST',
    path: '/api/v1/auth/refresh',
    summary: 'Rotate a refresh token for a new pair. Reusing a rotated token revokes its family.',
    tag: 'auth',
    auth: 'public',
    body: z.strictObject({ refreshToken: z.string().min(1).max(512) }),
    handler: async ({ body }, ctx) => ctx.accounts.refresh(body.refreshToken),
  }),
  route({
    method: 'POST',
    path: '/api/v1/auth/logout',
    summary: 'Revoke a refresh token.',
    tag: 'auth',
    auth: 'public',
    body: z.strictObject({ refreshToken: z.string().min(1).max(512) }),
    status: 204,
    handler: async ({ body }, ctx) => {
      await ctx.accounts.logout(body.refreshToken);
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/me',
    summary: 'The calling account (or device/API key) and its grants.',
    tag: 'auth',
    auth: 'authenticated',
    query: Empty,
    handler: async ({ principal }, ctx) => {
      const p = principal!;
      if (p.kind === 'device')
        return {
          kind: 'device',
          device: { id: p.device.id, siteId: p.device.siteId, name: p.device.name },
        };
      const account = p.kind === 'account' ? p.account : p.account;
      const grants = await ctx.store.listGrantsForAccount(account.id);
      return { kind: p.kind, account: accountView(account), grants: grants.map(grantView) };
    },
  }),
];
