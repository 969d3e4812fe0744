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
 */
import { clientsClaim } from 'workbox-core';
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
  type PrecacheEntry,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
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

// The first install controls the open page at once, so it works offline from the first visit.
clientsClaim();
