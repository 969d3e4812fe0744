import type { StateCreator } from 'zustand';
import { describeApiError } from '@porchlight/sdk/rest';
import type { Store } from './index.ts';

export type Page =
  | { name: 'accounts' }
  | { name: 'sites' }
  | { name: 'site'; siteId: string }
  | { name: 'audit'; siteId: string | null };

export interface UiSlice {
  page: Page;
  /** The last failed action, shown in the error banner. */
  banner: string | null;

  go(page: Page): void;
  setBanner(message: string | null): void;
  /** Runs an API call; a failure goes to the banner and resolves undefined. */
  attempt<T>(run: () => Promise<T>): Promise<T | undefined>;
}

export const createUiSlice: StateCreator<Store, [], [], UiSlice> = (set, get) => ({
  page: { name: 'accounts' },
  banner: null,

  // Each page loads its own data: drop the previous page's so it never shows under a new title.
  go: (page) =>
    set({
      page,
      banner: null,
      siteDevices: null,
      siteGrants: null,
      provisioning: null,
      rotated: null,
      auditEvents: null,
      auditMore: false,
    }),
  setBanner: (banner) => set({ banner }),
  attempt: async (run) => {
    try {
      return await run();
    } catch (error) {
      // A refused refresh token ends the session: the login screen says enough.
      if (get().mode === 'admin') set({ banner: describeApiError(error) });
      return undefined;
    }
  },
});
