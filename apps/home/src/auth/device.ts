import { DeviceTokens } from '@porchlight/sdk';
import { publicApi } from './services.ts';
import { load, save } from './storage.ts';

/**
 * This browser as a camera: the long-lived device credential from provisioning stays in
 * localStorage (it is what makes this browser that camera, across reloads and reboots); the
 * short-lived device tokens made from it stay in memory.
 */
const CREDENTIAL_KEY = 'porchlight.device';

export function storedCredential(): string | null {
  return load(CREDENTIAL_KEY);
}

export function storeCredential(credential: string | null): void {
  save(CREDENTIAL_KEY, credential);
}

export function deviceTokens(credential: string): DeviceTokens {
  return new DeviceTokens({ api: publicApi, credential });
}
