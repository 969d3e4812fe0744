import { authRoutes as contract } from '@porchlight/protocol';
import { PorchlightError } from '../../errors.ts';
import { route } from '../Route.ts';
import { accountView, grantView } from '../views.ts';
import {
  answerSession,
  assertSameOrigin,
  cookieMode,
  refreshCookie,
  refreshCookieHeader,
} from './sessionCookie.ts';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/**
 * The refresh token of a refresh/logout: the cookie in cookie mode (browsers), else the body
 * (Node integrators). A cookie without the session header is refused: that is what a cross-site
 * form post would look like.
 */
function presentedToken(headers: Headers, body: { refreshToken?: string | undefined } | undefined) {
  // In cookie mode a body token is traded for the cookie (a session handed out in a body, such
  // as an accepted invitation's); otherwise the cookie is the token.
  if (cookieMode(headers))
    return { cookie: true, token: body?.refreshToken ?? refreshCookie(headers) };
  if (body?.refreshToken) return { cookie: false, token: body.refreshToken };
  if (refreshCookie(headers) !== undefined)
    throw PorchlightError.forbidden(
      'the refresh cookie is only accepted with the Porchlight-Session: cookie header',
    );
  return { cookie: false, token: undefined };
}

export const authRoutes = [
  route(contract.login, {
    auth: 'public',
    handler: async ({ body, ip, userAgent, headers, setCookie }, ctx) => {
      const cookie = cookieMode(headers);
      try {
        const session = await ctx.accounts.login(
          body.email,
          body.password,
          ip,
          userAgent,
          body.deviceToken,
        );
        await ctx.audit.record({
          actor: { type: 'account', id: session.account.id },
          action: 'auth.login',
          outcome: 'success',
          ip,
        });
        return answerSession(session, cookie, setCookie, ctx.now());
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
    handler: async ({ body, headers, setCookie, ip, userAgent }, ctx) => {
      const { cookie, token } = presentedToken(headers, body);
      if (!token) throw PorchlightError.unauthorized('refresh token missing');
      try {
        const session = await ctx.accounts.refresh(token, { ip, userAgent });
        return answerSession(session, cookie, setCookie, ctx.now());
      } catch (error) {
        // A refused cookie is dead: drop it so the browser stops sending it.
        if (cookie) setCookie(refreshCookieHeader(null));
        throw error;
      }
    },
  }),
  route(contract.logout, {
    auth: 'public',
    handler: async ({ body, headers, setCookie }, ctx) => {
      const { cookie, token } = presentedToken(headers, body);
      if (cookie) setCookie(refreshCookieHeader(null));
      const accountId = token ? await ctx.accounts.logout(token) : null;
      // Sockets opened with this session's access tokens close (the others re-check and stay).
      if (accountId) ctx.events.safeEmit('principalChanged', { kind: 'account', id: accountId });
    },
  }),
  route(contract.me, {
    auth: 'authenticated',
    // The apps read `me` to learn that the password must change first.
    duringPasswordChange: true,
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
  route(contract.changePassword, {
    auth: 'authenticated',
    duringPasswordChange: true,
    handler: async ({ principal, body, headers, setCookie, ip, userAgent }, ctx) => {
      const p = principal!;
      // An API key must not be able to take over its owner's login.
      if (p.kind !== 'account') throw PorchlightError.forbidden('only a logged-in person can');
      const cookie = cookieMode(headers);
      const session = await ctx.accounts.changePassword(
        p.account.id,
        body.currentPassword,
        body.newPassword,
        { ip, userAgent },
      );
      ctx.events.safeEmit('principalChanged', { kind: 'account', id: p.account.id });
      await ctx.audit.record({
        principal: p,
        action: 'auth.password-change',
        outcome: 'success',
        ip,
      });
      return answerSession(session, cookie, setCookie, ctx.now());
    },
  }),
  route(contract.listMySessions, {
    auth: 'authenticated',
    handler: async ({ principal, headers }, ctx) => {
      const p = principal!;
      if (p.kind !== 'account') throw PorchlightError.forbidden('only a logged-in person can');
      const token = refreshCookie(headers);
      const current = (token ? await ctx.accounts.sessionOf(token) : null) ?? p.sessionId;
      return (await ctx.accounts.listSessions(p.account.id)).map((s) => ({
        ...s,
        current: s.id === current,
      }));
    },
  }),
  route(contract.revokeMySession, {
    auth: 'authenticated',
    handler: async ({ principal, params, ip }, ctx) => {
      const p = principal!;
      if (p.kind !== 'account') throw PorchlightError.forbidden('only a logged-in person can');
      if (!(await ctx.accounts.revokeSession(p.account.id, params.sessionId)))
        throw PorchlightError.notFound('session');
      ctx.events.safeEmit('principalChanged', { kind: 'account', id: p.account.id });
      await ctx.audit.record({
        principal: p,
        action: 'auth.session-revoke',
        outcome: 'success',
        ip,
        detail: { sessionId: params.sessionId },
      });
    },
  }),
  route(contract.revokeMySessions, {
    auth: 'authenticated',
    handler: async ({ principal, headers, setCookie, ip }, ctx) => {
      const p = principal!;
      if (p.kind !== 'account') throw PorchlightError.forbidden('only a logged-in person can');
      assertSameOrigin(headers);
      await ctx.accounts.revokeSessions(p.account.id);
      setCookie(refreshCookieHeader(null));
      ctx.events.safeEmit('principalChanged', { kind: 'account', id: p.account.id });
      await ctx.audit.record({
        principal: p,
        action: 'auth.session-revoke',
        outcome: 'success',
        ip,
        detail: { all: true },
      });
    },
  }),
];
