import type { StateCreator } from 'zustand';
import type {
  CreatedInvitation,
  Device,
  GrantWithAccount,
  Invitation,
  NewInvitation,
  ProvisioningCode,
} from '@porchlight/sdk';
import { describeApiError } from '@porchlight/sdk';
import { api } from '../auth/services.ts';
import type { Store } from './index.ts';

/** A credential shown once after rotating, until dismissed. */
export interface RotatedCredential {
  deviceId: string;
  deviceName: string;
  credential: string;
}

/** The owner pages' data (People, Devices) for the selected site. */
export interface ManageSlice {
  grants: GrantWithAccount[] | null;
  /** The site's invitations (pending first in the UI); null until loaded. */
  invitations: Invitation[] | null;
  /** The invitation just created: its link is shown (once) until dismissed. */
  createdInvitation: CreatedInvitation | null;
  devices: Device[] | null;
  /** The last provisioning code created, shown as a QR code until dismissed. */
  provisioning: (ProvisioningCode & { name: string }) | null;
  rotated: RotatedCredential | null;

  loadGrants(): Promise<void>;
  loadDevices(): Promise<void>;
  loadInvitations(): Promise<void>;
  /** Resolves true when the invitation was created (the form then clears, the link shows). */
  invite(invitation: NewInvitation): Promise<boolean>;
  dismissInvitation(): void;
  revokeInvitation(invitationId: string): Promise<void>;
  revokeGrant(grantId: string): Promise<void>;
  /** A new device's one-time link; `kind` 'doorbell' adds a Ring button. Default 'camera'. */
  addCamera(name: string, kind?: 'camera' | 'doorbell'): Promise<boolean>;
  dismissProvisioning(): void;
  renameDevice(deviceId: string, name: string): Promise<boolean>;
  rotateDevice(deviceId: string): Promise<void>;
  dismissRotated(): void;
  removeDevice(deviceId: string): Promise<void>;
  clearManaged(): void;
}

export const createManageSlice: StateCreator<Store, [], [], ManageSlice> = (set, get) => {
  /**
   * Runs one API call for the selected site; failures go to the banner. Returns undefined on
   * failure, or when the site changed meanwhile (the answer is stale).
   */
  const call = async <T>(run: (siteId: string) => Promise<T>): Promise<T | undefined> => {
    const siteId = get().siteId;
    if (!siteId) return undefined;
    try {
      const result = await run(siteId);
      return get().siteId === siteId ? result : undefined;
    } catch (error) {
      if (get().siteId === siteId) get().setBanner(describeApiError(error));
      return undefined;
    }
  };

  return {
    grants: null,
    invitations: null,
    createdInvitation: null,
    devices: null,
    provisioning: null,
    rotated: null,

    loadGrants: async () => {
      const grants = await call((siteId) => api.listGrants(siteId));
      if (grants) set({ grants });
    },

    loadDevices: async () => {
      const devices = await call((siteId) => api.listDevices(siteId));
      if (devices) set({ devices });
    },

    loadInvitations: async () => {
      const invitations = await call((siteId) => api.listInvitations(siteId));
      if (invitations) set({ invitations });
    },

    invite: async (invitation) => {
      get().setBanner(null);
      const created = await call((siteId) => api.createInvitation(siteId, invitation));
      if (!created) return false;
      set({ createdInvitation: created });
      await get().loadInvitations();
      return true;
    },

    dismissInvitation: () => set({ createdInvitation: null }),

    revokeInvitation: async (invitationId) => {
      get().setBanner(null);
      const done = await call(async (siteId) => {
        await api.revokeInvitation(siteId, invitationId);
        return true;
      });
      if (!done) return;
      if (get().createdInvitation?.invitation.id === invitationId) set({ createdInvitation: null });
      await get().loadInvitations();
    },

    revokeGrant: async (grantId) => {
      get().setBanner(null);
      const done = await call(async (siteId) => {
        await api.revokeGrant(siteId, grantId);
        return true;
      });
      if (done) await get().loadGrants();
    },

    addCamera: async (name, kind = 'camera') => {
      get().setBanner(null);
      const code = await call((siteId) => api.createProvisioningCode(siteId, { name, kind }));
      if (!code) return false;
      set({ provisioning: { ...code, name } });
      await get().loadDevices();
      return true;
    },

    dismissProvisioning: () => set({ provisioning: null }),

    renameDevice: async (deviceId, name) => {
      get().setBanner(null);
      const device = await call((siteId) => api.renameDevice(siteId, deviceId, name));
      if (!device) return false;
      await get().loadDevices();
      return true;
    },

    rotateDevice: async (deviceId) => {
      get().setBanner(null);
      const deviceName = get().devices?.find((d) => d.id === deviceId)?.name ?? 'Camera';
      const r = await call((siteId) => api.rotateDevice(siteId, deviceId));
      if (r) set({ rotated: { deviceId, deviceName, credential: r.credential } });
    },

    dismissRotated: () => set({ rotated: null }),

    removeDevice: async (deviceId) => {
      get().setBanner(null);
      const done = await call(async (siteId) => {
        await api.removeDevice(siteId, deviceId);
        return true;
      });
      if (done) await get().loadDevices();
    },

    clearManaged: () =>
      set({
        grants: null,
        invitations: null,
        createdInvitation: null,
        devices: null,
        provisioning: null,
        rotated: null,
      }),
  };
};
