import type { StateCreator } from 'zustand';
import type { SessionAccount } from '@porchlight/sdk/rest';
import { describeApiError, isCode } from '@porchlight/sdk/rest';
import { api, session } from '../services.ts';
import type { Store } from './index.ts';

/**
 * - login: nobody logged in;
 * - checking: logged in, asking the API whether this account is an admin;
 * - forbidden: logged in, not an admin (the API said 403);
 * - admin: the dashboard.
 */
export type Mode = 'login' | 'checking' | 'forbidden' | 'admin';

export interface AuthSlice {
  mode: Mode;
  account: SessionAccount | null;

  /** After load or login: find out what this account may do here. */
  check(): Promise<void>;
  login(email: string, password: string): Promise<void>;
  logout(): Promise<void>;
  sessionEnded(message: string | null): void;
}

export const createAuthSlice: StateCreator<Store, [], [], AuthSlice> = (set, get) => ({
  mode: 'login',
  account: null,

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
      if (isCode(error, 'FORBIDDEN')) set({ mode: 'forbidden' });
      else if (isCode(error, 'UNAUTHORIZED')) set({ mode: 'login', account: null });
      else {
        set({ mode: 'login' });
        get().setBanner(describeApiError(error));
      }
    }
  },

  login: async (email, password) => {
    get().setBanner(null);
    try {
      await session.login(email, password);
    } catch (error) {
      get().setBanner(describeApiError(error));
      return;
    }
    await get().check();
  },

  logout: async () => {
    set({ mode: 'login', account: null, accounts: null, sites: null, page: { name: 'accounts' } });
    await session.logout();
  },

  sessionEnded: (message) => {
    if (get().mode === 'login') return;
    set({ mode: 'login', account: null, accounts: null, sites: null, page: { name: 'accounts' } });
    get().setBanner(message);
  },
});
