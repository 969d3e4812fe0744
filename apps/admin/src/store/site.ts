import type { StateCreator } from 'zustand';
import type { Device, GrantWithAccount, NewGrant, ProvisioningCode } from '@porchlight/sdk/rest';
import { api } from '../services.ts';
import type { Store } from './index.ts';

/** One site's devices and people, as its owner would see them in the home app. */
export interface SiteSlice {
  siteDevices: Device[] | null;
  siteGrants: GrantWithAccount[] | null;
  provisioning: (ProvisioningCode & { name: string }) | null;
  rotated: { deviceName: string; credential: string } | null;

  loadSite(siteId: string): Promise<void>;
  addGrant(siteId: string, grant: NewGrant): Promise<boolean>;
  revokeGrant(siteId: string, grantId: string): Promise<void>;
  addCamera(siteId: string, name: string): Promise<boolean>;
  rotateDevice(siteId: string, device: Device): Promise<void>;
  removeDevice(siteId: string, deviceId: string): Promise<void>;
  dismissSecrets(): void;
}

export const createSiteSlice: StateCreator<Store, [], [], SiteSlice> = (set, get) => {
  /** Answers for a site no longer shown are dropped. */
  const shown = (siteId: string): boolean => {
    const page = get().page;
    return page.name === 'site' && page.siteId === siteId;
  };

  return {
    siteDevices: null,
    siteGrants: null,
    provisioning: null,
    rotated: null,

    loadSite: async (siteId) => {
      const [devices, grants] = await Promise.all([
        get().attempt(() => api.listDevices(siteId)),
        get().attempt(() => api.listGrants(siteId)),
      ]);
      if (!shown(siteId)) return;
      set({ siteDevices: devices ?? [], siteGrants: grants ?? [] });
    },

    addGrant: async (siteId, grant) => {
      get().setBanner(null);
      const created = await get().attempt(() => api.createGrant(siteId, grant));
      if (!created) return false;
      await get().loadSite(siteId);
      return true;
    },

    revokeGrant: async (siteId, grantId) => {
      get().setBanner(null);
      const done = await get().attempt(async () => {
        await api.revokeGrant(siteId, grantId);
        return true;
      });
      if (done) await get().loadSite(siteId);
    },

    addCamera: async (siteId, name) => {
      get().setBanner(null);
      const code = await get().attempt(() => api.createProvisioningCode(siteId, { name }));
      if (!code) return false;
      set({ provisioning: { ...code, name } });
      await get().loadSite(siteId);
      return true;
    },

    rotateDevice: async (siteId, device) => {
      get().setBanner(null);
      const r = await get().attempt(() => api.rotateDevice(siteId, device.id));
      if (r) set({ rotated: { deviceName: device.name, credential: r.credential } });
    },

    removeDevice: async (siteId, deviceId) => {
      get().setBanner(null);
      const done = await get().attempt(async () => {
        await api.removeDevice(siteId, deviceId);
        return true;
      });
      if (done) await get().loadSite(siteId);
    },

    dismissSecrets: () => set({ provisioning: null, rotated: null }),
  };
};
