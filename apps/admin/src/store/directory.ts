import type { StateCreator } from 'zustand';
import type { Account, AccountPatch, NewAccount, Site } from '@porchlight/sdk/rest';
import { api } from '../services.ts';
import type { Store } from './index.ts';

/** Every account and every site of the installation. */
export interface DirectorySlice {
  accounts: Account[] | null;
  sites: Site[] | null;

  loadAccounts(): Promise<void>;
  createAccount(account: NewAccount): Promise<boolean>;
  updateAccount(accountId: string, patch: AccountPatch): Promise<void>;
  loadSites(): Promise<void>;
  createSite(site: { name: string; ownerAccountId?: string }): Promise<boolean>;
}

export const createDirectorySlice: StateCreator<Store, [], [], DirectorySlice> = (set, get) => ({
  accounts: null,
  sites: null,

  loadAccounts: async () => {
    const accounts = await get().attempt(() => api.listAccounts());
    if (accounts) set({ accounts });
  },

  createAccount: async (account) => {
    get().setBanner(null);
    const created = await get().attempt(() => api.createAccount(account));
    if (!created) return false;
    await get().loadAccounts();
    return true;
  },

  updateAccount: async (accountId, patch) => {
    get().setBanner(null);
    const updated = await get().attempt(() => api.updateAccount(accountId, patch));
    if (updated)
      set((s) => ({
        accounts: s.accounts?.map((a) => (a.id === accountId ? updated : a)) ?? null,
      }));
  },

  loadSites: async () => {
    const sites = await get().attempt(() => api.listAllSites());
    if (sites) set({ sites });
  },

  createSite: async (site) => {
    get().setBanner(null);
    const created = await get().attempt(() => api.createSite(site));
    if (!created) return false;
    await get().loadSites();
    return true;
  },
});
