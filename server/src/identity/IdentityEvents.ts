import { EnhancedEventEmitter } from '@porchlight/runtime';
import type { Device } from '../store/types.ts';

/** Who changed, so live sessions of that principal are re-authorized. */
export interface PrincipalRef {
  kind: 'account' | 'device' | 'apikey' | 'detector';
  id: string;
}

export type IdentityEventMap = {
  /** Grants, keys, credentials or account state changed: re-check live sessions of `who`. */
  principalChanged: [who: PrincipalRef];
  /** A device's registry status changed (online/offline, address, bitrate...). */
  deviceStatus: [device: Device];
  /** An owner renamed a device: live tiles and the device itself take the new name. */
  deviceRenamed: [renamed: { siteId: string; deviceId: string; name: string }];
};

/**
 * In-process bus for identity changes. On one box this is enough; several nodes would relay it
 * over Redis pub/sub so a revocation cuts sessions on every node.
 */
export class IdentityEvents extends EnhancedEventEmitter<IdentityEventMap> {}
