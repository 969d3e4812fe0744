import {
  REFRESH_COOKIE_NAME,
  REFRESH_COOKIE_PATH,
  SESSION_MODE_COOKIE,
  SESSION_MODE_HEADER,
} from '@porchlight/protocol';
import { PorchlightError } from '../../errors.ts';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** The session fields of a login/refresh answer; the refresh token is dropped in cookie mode. */
export interface IssuedSession {
  accessToken: string;
  accessTokenExpiresAt: number;
  refreshToken: string;
  refreshTokenExpiresAt: number;
}

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/**
 * Whether the client asked for cookie mode (browsers). Throws FORBIDDEN when the request comes
 * from another site: the custom header already needs a CORS preflight the server never grants,
 * and Sec-Fetch-Site/Origin close the remaining gaps (a misconfigured allow-list, old browsers).
 */
export function cookieMode(headers: Headers): boolean {
  if (one(headers[SESSION_MODE_HEADER]) !== SESSION_MODE_COOKIE) return false;
  assertSameOrigin(headers);
  return true;
}

export function assertSameOrigin(headers: Headers): void {
  const site = one(headers['sec-fetch-site']);
  if (site !== undefined && site !== 'same-origin' && site !== 'none')
    throw PorchlightError.forbidden(`cross-site session request refused (Sec-Fetch-Site: ${site})`);
  const origin = one(headers.origin);
  // HTTP/2 (what browsers speak to us) carries the host as :authority, not Host.
  const host = one(headers.host) ?? one(headers[':authority']);
  if (origin !== undefined && origin !== 'null') {
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = undefined;
    }
    if (originHost === undefined || originHost !== host)
      throw PorchlightError.forbidden('cross-site session request refused (Origin)');
  }
}

/** The refresh token in the request's cookie, if any. */
export function refreshCookie(headers: Headers): string | undefined {
  const raw = one(headers.cookie);
  if (!raw) return undefined;
  for (const part of raw.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === REFRESH_COOKIE_NAME)
      return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/** The Set-Cookie of a refresh token (or its removal, `token` null). */
export function refreshCookieHeader(token: string | null, expiresAt = 0, now = Date.now()): string {
  const maxAge = token === null ? 0 : Math.max(0, Math.floor((expiresAt - now) / 1000));
  return (
    `${REFRESH_COOKIE_NAME}=${token ?? ''}; Max-Age=${maxAge}; Path=${REFRESH_COOKIE_PATH}; ` +
    'HttpOnly; Secure; SameSite=Strict'
  );
}

/**
 * The wire answer of a new session: in cookie mode the refresh token goes into the cookie and
 * never into the body, so page scripts (and an XSS) cannot read it.
 */
export function answerSession<S extends IssuedSession>(
  session: S,
  cookie: boolean,
  setCookie: (c: string) => void,
  now: number,
): Omit<S, 'refreshToken' | 'sessionId'> & { refreshToken?: string } {
  const { refreshToken, sessionId: _sessionId, ...rest } = session as S & { sessionId?: string };
  if (!cookie) return { ...rest, refreshToken };
  setCookie(refreshCookieHeader(refreshToken, session.refreshTokenExpiresAt, now));
  return rest;
}
