import type { StateCreator } from 'zustand';
import type { Device, DeviceTokens, TokenSource } from '@porchlight/sdk';
import { describeApiError, isCode } from '@porchlight/sdk';
import { createSessionSlice, type SessionSlice } from '@porchlight/web-ui';
import { deviceTokens, storeCredential } from '../auth/device.ts';
import { forgetLinkToken } from '../auth/link-token.ts';
import { publicApi, session } from '../auth/services.ts';
import type { Store } from './index.ts';

/**
 * Who this page is:
 * - provisioning: redeeming a `#provision=` code to become a camera;
 * - camera: a provisioned device (credential in storage);
 * - cameraRemoved: the owner removed this camera (or rotated its credential);
 * - link: a session from a `#token=` link (tests, kiosks);
 * - invite: an invitation link (`/invite#<token>`) being looked at and accepted;
 * - login / person: a person, logged out / in.
 */
export type Mode =
  'provisioning' | 'camera' | 'cameraRemoved' | 'link' | 'invite' | 'login' | 'person';

export type ProvisionStatus = 'provisioning' | 'provisioned' | 'failed';

export interface AuthSlice extends SessionSlice {
  mode: Mode;
  /** What the live connection authenticates with; null when there is none to make. */
  liveToken: TokenSource | null;
  /** This camera's name as the owner set it. */
  deviceName: string | null;
  /** This device as the server knows it (kind `doorbell` adds a Ring button); null until known. */
  device: Device | null;
  provisionCode: string | null;
  provisionStatus: ProvisionStatus;
  provisionMessage: string | null;
  /** The invitation token of an `/invite#<token>` page. */
  inviteToken: string | null;

  startProvisioning(code: string): void;
  /** Redeems provisionCode once (guarded: effects may run twice). */
  redeemProvisionCode(): Promise<void>;
  startCamera(credential: string): void;
  /** Stop being a camera here (the owner should also remove it). */
  forgetCamera(): void;
  startLink(token: string): void;
  startInvite(token: string): void;
  startPerson(): void;
  /** The camera's name as the server says (at join, and when an owner renames it). */
  setDeviceName(name: string): void;
}

/** The camera's token source and its listeners, replaced when the credential changes. */
let camera: { tokens: DeviceTokens; offs: (() => void)[] } | null = null;

function stopCamera(): void {
  for (const off of camera?.offs ?? []) off();
  camera = null;
}

export const createAuthSlice: StateCreator<Store, [], [], AuthSlice> = (set, get) => ({
  ...createSessionSlice<Store>(set, get, {
    session,
    afterLogin: () => get().startPerson(),
    loggedOut: () => {
      get().resetSite();
      return { mode: 'login', account: null, liveToken: null };
    },
    // A camera or a link page has no person's session to lose.
    followsSession: (s) => s.mode === 'person',
    onLogout: forgetLinkToken,
  }),
  mode: 'login',
  liveToken: null,
  deviceName: null,
  device: null,
  setDeviceName: (name) => set({ deviceName: name }),
  provisionCode: null,
  provisionStatus: 'provisioning',
  provisionMessage: null,
  inviteToken: null,

  startProvisioning: (code) =>
    set({
      mode: 'provisioning',
      provisionCode: code,
      provisionStatus: 'provisioning',
      provisionMessage: null,
    }),

  redeemProvisionCode: async () => {
    const code = get().provisionCode;
    if (!code) return;
    // Single use: make sure a second call (StrictMode effects) does not burn a second attempt.
    set({ provisionCode: null, provisionStatus: 'provisioning', provisionMessage: null });
    try {
      const { credential, device } = await publicApi.provision(code);
      storeCredential(credential);
      set({
        provisionStatus: 'provisioned',
        provisionMessage: null,
        deviceName: device.name,
        device,
      });
      get().startCamera(credential);
    } catch (error) {
      const message = isCode(error, 'UNAUTHORIZED')
        ? 'This setup link is not valid: it was already used, it has expired, or the camera was removed.'
        : describeApiError(error);
      set({ provisionStatus: 'failed', provisionMessage: message });
    }
  },

  startCamera: (credential) => {
    stopCamera();
    const tokens = deviceTokens(credential);
    const offs = [
      tokens.on('device', (device) => set({ deviceName: device.name, device })),
      tokens.on('refused', () => {
        // The credential itself is dead: keeping it would only repeat this on every load.
        storeCredential(null);
        stopCamera();
        set({ mode: 'cameraRemoved', liveToken: null, device: null });
      }),
    ];
    camera = { tokens, offs };
    set({ mode: 'camera', liveToken: tokens.getToken });
  },

  forgetCamera: () => {
    storeCredential(null);
    stopCamera();
    set({ device: null });
    get().startPerson();
  },

  startLink: (token) => set({ mode: 'link', liveToken: token }),

  startInvite: (token) => set({ mode: 'invite', inviteToken: token, liveToken: null }),

  startPerson: () => {
    const account = session.account;
    if (!account) {
      set({ mode: 'login', account: null, liveToken: null });
      return;
    }
    set({ mode: 'person', account, liveToken: session.getToken });
    // Everything else is refused (PASSWORD_CHANGE_REQUIRED) until the App's form is done.
    if (!account.mustChangePassword) void get().loadSites();
  },
});
