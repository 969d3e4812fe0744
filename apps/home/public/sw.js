/* global self, caches, fetch, Response -- service worker globals */
// Minimal service worker: makes the app installable and lets the shell open offline.
// Network first, always: a fresh build is picked up on the next load. Only same-origin GETs of
// the app shell are cached; socket.io, the API, the admin app and anything else pass straight
// through.
const CACHE = 'porchlight-shell-v2';

self.addEventListener('install', () => self.skipWaiting());

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

function isShell(request, url) {
  if (request.method !== 'GET' || url.origin !== self.location.origin) return false;
  if (url.pathname.startsWith('/socket.io')) return false;
  // The API is never cached; /admin/ is another app whose page must not be cached as this one's.
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/admin')) return false;
  return (
    request.mode === 'navigate' ||
    url.pathname.startsWith('/assets/') ||
    url.pathname === '/manifest.webmanifest' ||
    url.pathname === '/icon.svg'
  );
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (!isShell(event.request, url)) return;
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          const key = event.request.mode === 'navigate' ? '/' : event.request;
          caches.open(CACHE).then((cache) => cache.put(key, copy));
        }
        return response;
      })
      .catch(() =>
        caches
          .match(event.request.mode === 'navigate' ? '/' : event.request)
          .then((cached) => cached ?? Response.error()),
      ),
  );
});
