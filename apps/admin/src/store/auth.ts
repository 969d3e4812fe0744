import type { StateCreator } from 'zustand';
import { describeApiError, isCode } from '@porchlight/sdk/rest';
import { createSessionSlice, type SessionSlice } from '@porchlight/web-ui';
import { api, session } from '../services.ts';
import type { Store } from './index.ts';

/**
 * - login: nobody logged in;
 * - checking: logged in, asking the API whether this account is an admin;
 * - forbidden: logged in, not an admin (the API said 403);
 * - changePassword: the account must set a new password first (PASSWORD_CHANGE_REQUIRED);
 * - admin: the dashboard.
 */
export type Mode = 'login' | 'checking' | 'forbidden' | 'changePassword' | 'admin';

export interface AuthSlice extends SessionSlice {
  mode: Mode;

  /** After load or login: find out what this account may do here. */
  check(): Promise<void>;
}

export const createAuthSlice: StateCreator<Store, [], [], AuthSlice> = (set, get) => ({
  ...createSessionSlice<Store>(set, get, {
    session,
    afterLogin: () => get().check(),
    loggedOut: () => ({
      mode: 'login',
      account: null,
      accounts: null,
      sites: null,
      page: { name: 'accounts' },
    }),
    followsSession: (s) => s.mode !== 'login',
  }),
  mode: 'login',

  check: async () => {
    if (!session.loggedIn) {
      set({ mode: 'login', account: null });
      return;
    }
    set({ mode: 'checking', account: session.account });
    try {
      // The admin routes are the authority: a 403 means "not an admin", whatever the flag said.
      const accounts = await api.listAccounts();
      set({ mode: 'admin', accounts });
      void get().loadSites();
    } catch (error) {
      if (isCode(error, 'PASSWORD_CHANGE_REQUIRED')) set({ mode: 'changePassword' });
      else if (isCode(error, 'FORBIDDEN')) set({ mode: 'forbidden' });
      else if (isCode(error, 'UNAUTHORIZED')) set({ mode: 'login', account: null });
      else {
        set({ mode: 'login' });
        get().setBanner(describeApiError(error));
      }
    }
  },
});
