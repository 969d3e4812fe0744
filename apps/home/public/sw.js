/* global self, caches, fetch, Response -- service worker globals */
// Minimal service worker: makes the app installable and lets the shell open offline.
// Network first, always: a fresh build is picked up on the next load. Only same-origin GETs of
// the app shell are cached; socket.io, the API, recordings (/media/: playlists, segments, clip
// downloads, snapshots), the admin app and anything else pass straight through.
// v3: v2 could have stored a clip download or a playlist opened in a tab as the app shell.
const CACHE = 'porchlight-shell-v3';

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
  // Recordings: signed, expiring and private. A clip download or a playlist opened in a tab is a
  // navigation too, and must neither be stored nor answered with the app shell.
  if (url.pathname.startsWith('/media/')) return false;
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
        // Only the app's own page is the shell of navigations: never another document type.
        const html = (response.headers.get('content-type') ?? '').startsWith('text/html');
        if (response.ok && (event.request.mode !== 'navigate' || html)) {
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
