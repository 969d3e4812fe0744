import type { StateCreator } from 'zustand';
import { describeApiError } from '@porchlight/sdk/rest';
import { createBannerSlice, type BannerSlice } from '@porchlight/web-ui';
import type { Store } from './index.ts';

export type Page =
  | { name: 'accounts' }
  | { name: 'sites' }
  | { name: 'site'; siteId: string }
  | { name: 'audit'; siteId: string | null }
  | { name: 'health' }
  | { name: 'billing' }
  | { name: 'alarms'; siteId: string | null };

/** The banner holds the last failed action. */
export interface UiSlice extends BannerSlice {
  page: Page;

  go(page: Page): void;
  /** Runs an API call; a failure goes to the banner and resolves undefined. */
  attempt<T>(run: () => Promise<T>): Promise<T | undefined>;
}

export const createUiSlice: StateCreator<Store, [], [], UiSlice> = (set, get) => ({
  ...createBannerSlice(set),
  page: { name: 'accounts' },

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
      alarms: null,
      alarmHistory: null,
      alarmHistoryNext: null,
      // A temporary password is shown once: leaving the page drops it.
      accountPanel: null,
      accountSessions: null,
      temporaryPassword: null,
      accountError: null,
    }),
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
