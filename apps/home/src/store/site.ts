import type { StateCreator } from 'zustand';
import type { Me, Site } from '@porchlight/sdk';
import { describeApiError, isCode } from '@porchlight/sdk';
import { api } from '../auth/services.ts';
import { load, save } from '../auth/storage.ts';
import { LIVE } from '../routing/routes.ts';
import type { Tab } from '../routing/tabs.ts';
import type { Store } from './index.ts';

export type { Tab };

/** Remembered per browser: the site a person with several sites looked at last. */
export const SITE_KEY = 'porchlight.site';

const DEVICE_MANAGERS = new Set(['owner', 'installer']);

/**
 * Whether the person may manage this site's devices. Every person on a site may list its
 * devices, so the list cannot tell; the grants /me returns can (admins may do everything).
 */
function managesDevices(me: Me, siteId: string): boolean {
  if (me.kind === 'device') return false;
  if (me.account.isAdmin) return true;
  const now = Date.now();
  return me.grants.some(
    (g) =>
      g.siteId === siteId &&
      !g.revoked &&
      DEVICE_MANAGERS.has(g.role) &&
      (g.validFrom === null || g.validFrom <= now) &&
      (g.validUntil === null || now < g.validUntil),
  );
}

export interface SiteSlice {
  /** Sites this person can see; null while loading (or when loading failed). */
  sites: Site[] | null;
  /** Loading the sites failed (offline, server down): offer to retry. */
  sitesFailed: boolean;
  siteId: string | null;
  /** Owner pages, shown once the API said yes (hidden on 403). */
  canManagePeople: boolean;
  canManageDevices: boolean;
  /** The API answered the two questions above for this site. */
  accessKnown: boolean;

  loadSites(): Promise<void>;
  /** Picks the site (the address stays: a deep link survives loading the sites). */
  selectSite(siteId: string | null): void;
  /** Shows a section: its address becomes the page's. */
  setTab(tab: Tab): void;
  resetSite(): void;
}

export const createSiteSlice: StateCreator<Store, [], [], SiteSlice> = (set, get) => {
  /** Asks the API what this person may do on the site; stale answers are dropped. */
  const probeAccess = async (siteId: string): Promise<void> => {
    const [grants, me] = await Promise.allSettled([api.listGrants(siteId), api.me()]);
    if (get().siteId !== siteId) return;
    const canManagePeople = grants.status === 'fulfilled';
    const canManageDevices = me.status === 'fulfilled' && managesDevices(me.value, siteId);
    set({ canManagePeople, canManageDevices, accessKnown: true });
    const page = get().route.name;
    if ((page === 'people' && !canManagePeople) || (page === 'devices' && !canManageDevices))
      get().navigate(LIVE, { replace: true });
  };

  return {
    sites: null,
    sitesFailed: false,
    siteId: null,
    canManagePeople: false,
    canManageDevices: false,
    accessKnown: false,

    loadSites: async () => {
      set({ sites: null, sitesFailed: false });
      let sites: Site[];
      try {
        sites = await api.listSites();
      } catch (error) {
        // A refused refresh token ends the session; the session listener shows the login.
        if (!isCode(error, 'UNAUTHORIZED')) get().setBanner(describeApiError(error));
        set({ sitesFailed: true });
        return;
      }
      set({ sites });
      const remembered = load(SITE_KEY);
      const pick =
        sites.find((s) => s.id === remembered) ?? (sites.length === 1 ? sites[0] : undefined);
      get().selectSite(pick?.id ?? null);
    },

    selectSite: (siteId) => {
      if (siteId) save(SITE_KEY, siteId);
      get().clearManaged();
      set({ siteId, canManagePeople: false, canManageDevices: false, accessKnown: false });
      if (siteId) void probeAccess(siteId);
    },

    setTab: (tab) =>
      get().navigate(
        tab === 'live'
          ? LIVE
          : tab === 'notifications'
            ? { name: 'settings', section: 'notifications' }
            : { name: tab },
      ),

    resetSite: () => {
      get().clearManaged();
      set({
        sites: null,
        sitesFailed: false,
        siteId: null,
        canManagePeople: false,
        canManageDevices: false,
        accessKnown: false,
      });
    },
  };
};
