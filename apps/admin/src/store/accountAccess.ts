import type { StateCreator } from 'zustand';
import { describeApiError, type SessionInfo } from '@porchlight/sdk/rest';
import { api } from '../services.ts';
import type { Store } from './index.ts';

/** A temporary password from an admin's reset: shown once, kept only until dismissed. */
export interface TemporaryPassword {
  accountId: string;
  password: string;
}

/** One account's open panel on the Accounts page. */
export interface AccountPanel {
  accountId: string;
  view: 'sessions' | 'reset';
}

/** An admin's password resets and session management for another account (issue 16). */
export interface AccountAccessSlice {
  accountPanel: AccountPanel | null;
  temporaryPassword: TemporaryPassword | null;
  /** The open account's sessions; null while loading. */
  accountSessions: SessionInfo[] | null;
  /**
   * The last failed action on an account, shown next to the account's buttons (on a phone the
   * page banner is out of sight down the list).
   */
  accountError: { accountId: string; message: string } | null;

  /** Opens the sessions of an account (or closes them when already open). */
  toggleAccountSessions(accountId: string): Promise<void>;
  closeAccountPanel(): void;
  /** Sets a temporary password; every session of the account ends. */
  resetAccountPassword(accountId: string): Promise<void>;
  revokeAccountSession(accountId: string, sessionId: string): Promise<void>;
  revokeAccountSessions(accountId: string): Promise<void>;
}

export const createAccountAccessSlice: StateCreator<Store, [], [], AccountAccessSlice> = (
  set,
  get,
) => {
  /** Runs an API call for an account; a failure is kept for that account's row. */
  const attempt = async <T>(accountId: string, run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await run();
    } catch (error) {
      set({ accountError: { accountId, message: describeApiError(error) } });
      return undefined;
    }
  };
  const loadSessions = async (accountId: string): Promise<void> => {
    const sessions = await attempt(accountId, () => api.listAccountSessions(accountId));
    // Another panel may have opened meanwhile: its list is not this one.
    if (sessions && get().accountPanel?.accountId === accountId) set({ accountSessions: sessions });
  };

  return {
    accountPanel: null,
    temporaryPassword: null,
    accountSessions: null,
    accountError: null,

    toggleAccountSessions: async (accountId) => {
      const open = get().accountPanel;
      // A temporary password of this account stays until the admin says they have it.
      const temporary =
        get().temporaryPassword?.accountId === accountId ? get().temporaryPassword : null;
      if (open?.accountId === accountId && open.view === 'sessions') {
        if (temporary) set({ accountPanel: { accountId, view: 'reset' }, accountSessions: null });
        else get().closeAccountPanel();
        return;
      }
      set({
        accountError: null,
        accountPanel: { accountId, view: 'sessions' },
        accountSessions: null,
        temporaryPassword: temporary,
      });
      await loadSessions(accountId);
    },

    closeAccountPanel: () =>
      set({
        accountPanel: null,
        accountSessions: null,
        temporaryPassword: null,
        accountError: null,
      }),

    resetAccountPassword: async (accountId) => {
      set({
        accountPanel: null,
        accountSessions: null,
        temporaryPassword: null,
        accountError: null,
      });
      const reset = await attempt(accountId, () => api.resetAccountPassword(accountId));
      if (!reset) return;
      set({
        accountPanel: { accountId, view: 'reset' },
        temporaryPassword: { accountId, password: reset.temporaryPassword },
      });
    },

    revokeAccountSession: async (accountId, sessionId) => {
      set({ accountError: null });
      await attempt(accountId, () => api.revokeAccountSession(accountId, sessionId));
      // Reload either way: a 404 means it had already ended, and the list should say so.
      await loadSessions(accountId);
    },

    revokeAccountSessions: async (accountId) => {
      set({ accountError: null });
      await attempt(accountId, () => api.revokeAccountSessions(accountId));
      await loadSessions(accountId);
    },
  };
};
