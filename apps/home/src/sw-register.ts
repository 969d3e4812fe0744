import { registerSW } from 'virtual:pwa-register';
import { create } from 'zustand';

interface UpdateState {
  /** A new version of the app is installed and waiting for the user's "Reload". */
  waiting: boolean;
  /** Registration failed, e.g. the certificate is not trusted (see TrustHint). */
  registerFailed: boolean;
  /** Activates the waiting version and reloads the page; a no-op until one waits. */
  apply(): Promise<void>;
}

/** What the update banner shows (see UpdateBanner). */
export const useUpdate = create<UpdateState>(() => ({
  waiting: false,
  registerFailed: false,
  apply: async () => {},
}));

/**
 * Registers the service worker (src/sw/sw.ts, served as /sw.js) in production builds (dev
 * servers and HMR do without), except on a visitor's door page, and reports a waiting new version
 * to the update banner.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  // A visitor's door page (/door/:token) is a stranger's phone: nothing to install there.
  if (location.pathname.startsWith('/door/')) return;
  const update = registerSW({
    onNeedRefresh: () => useUpdate.setState({ waiting: true }),
    // The plugin reloads only pages that were controlled when they registered, not the tab that
    // installed the first version: apply() reloads instead, in every case.
    onNeedReload: () => {},
    // E.g. an untrusted certificate: the app works without it; TrustHint links to /ca.
    onRegisterError: () => useUpdate.setState({ registerFailed: true }),
  });
  const apply = async (): Promise<void> => {
    // The new version controls the page once it has activated (it claims every client).
    navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), {
      once: true,
    });
    // Posts SKIP_WAITING to the waiting worker.
    await update();
  };
  useUpdate.setState({ apply });
}
