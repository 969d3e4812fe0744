/** Registers the shell service worker in production builds (dev servers and HMR do without). */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => {
      // E.g. an untrusted self-signed certificate: the app works without it.
    });
  });
}
