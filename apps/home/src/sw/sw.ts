/**
 * The homeowner app's service worker (built by vite-plugin-pwa's injectManifest into /sw.js).
 *
 * Cached: the built app shell only (index.html, scripts, styles, icons), precached at install
 * with a revision per file, so the app opens offline and a new build is a new service worker
 * (the app offers "Reload" when one is waiting: registerType 'prompt').
 * Never cached nor answered with the shell: /api/ (private data), /socket.io, /admin (another
 * app), /media/ (signed, expiring, private recordings, clip downloads, playlists, snapshots: a
 * clip opened in a tab is a navigation too) and /ca. Everything not precached goes to the network
 * untouched.
 *
 * Web Push: a push is validated with the shared schema (@porchlight/protocol/push) and always
 * shows a notification (notificationView.ts); a tap is decided by a plain function
 * (notificationClick.ts) and carried out here.
 */
import { clientsClaim } from 'workbox-core';
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
  type PrecacheEntry,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { decideNotificationClick, type ClickDecision } from './notificationClick.ts';
import { notificationFor } from './notificationView.ts';
import { NAVIGATION_DENYLIST, SKIP_WAITING, isLegacyCache } from './rules.ts';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: (PrecacheEntry | string)[];
};

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// App navigations (a bookmark, a reload while offline) get the precached page.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: NAVIGATION_DENYLIST }),
);

// A waiting version takes over only when the user clicks "Reload" (the app posts this message).
self.addEventListener('message', (event: ExtendableMessageEvent) => {
  const data: unknown = event.data;
  if (
    typeof data === 'object' &&
    data !== null &&
    (data as { type?: unknown }).type === SKIP_WAITING
  )
    void self.skipWaiting();
});

// The hand-written worker's network-first cache (porchlight-shell-v3 and older) is obsolete.
self.addEventListener('activate', (event: ExtendableEvent) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter(isLegacyCache).map((k) => caches.delete(k)))),
  );
});

// A push shows its notification; one on the same tag (the call id) replaces the previous one.
self.addEventListener('push', (event: PushEvent) => {
  let data: unknown;
  try {
    data = event.data?.json();
  } catch {
    data = undefined; // not JSON: shown as "open the app"
  }
  const { title, options } = notificationFor(data);
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener('notificationclick', (event: NotificationEvent) => {
  event.notification.close();
  event.waitUntil(carryOut(decideNotificationClick(event.action, event.notification.data)));
});

/** Opens (or focuses) the app on a path, or sends a Decline. */
async function carryOut(d: ClickDecision): Promise<void> {
  if (d.kind === 'decline') {
    try {
      const res = await fetch(d.request.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: d.request.body,
        credentials: 'omit',
      });
      if (res.ok) return;
    } catch {
      // offline or server down: let the person decline in the app
    }
    return openApp(d.fallbackUrl);
  }
  return openApp(d.url);
}

async function openApp(path: string): Promise<void> {
  const url = new URL(path, self.location.origin).href;
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
  if (open) {
    try {
      const focused = await open.focus();
      await focused.navigate(url);
      return;
    } catch {
      // an uncontrolled window cannot be navigated: open a new one
    }
  }
  await self.clients.openWindow(url);
}

// The first install controls the open page at once, so it works offline from the first visit.
clientsClaim();
