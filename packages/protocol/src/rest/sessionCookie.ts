/**
 * The header a browser sends on login, refresh and logout to use the refresh cookie. A custom
 * header is CSRF protection: a cross-site form cannot send one, and a cross-site fetch with one
 * needs a CORS preflight the server does not grant.
 */
export const SESSION_MODE_HEADER = 'porchlight-session';
export const SESSION_MODE_COOKIE = 'cookie';
/** The refresh cookie (HttpOnly; Secure; SameSite=Strict; Path=REFRESH_COOKIE_PATH). */
export const REFRESH_COOKIE_NAME = '__Secure-porchlight-refresh';
/** The prefix of the refresh and logout routes: the only paths the browser sends the cookie to. */
export const REFRESH_COOKIE_PATH = '/api/v1/auth';
