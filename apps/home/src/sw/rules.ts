/**
 * Paths a navigation must never be answered with the cached app shell for (see sw.ts): the API,
 * socket.io, the admin app, recordings (/media/) and the certificate page.
 */
export const NAVIGATION_DENYLIST: RegExp[] = [
  /^\/api(\/|$)/,
  /^\/socket\.io(\/|$)/,
  /^\/admin(\/|$)/,
  /^\/media(\/|$)/,
  /^\/ca(\/|$)/,
];

/** The message workbox-window's `messageSkipWaiting()` posts. */
export const SKIP_WAITING = 'SKIP_WAITING';

/** Caches of the hand-written service worker this one replaced. */
export function isLegacyCache(name: string): boolean {
  return name.startsWith('porchlight-shell-');
}
