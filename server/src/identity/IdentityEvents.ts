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

/** Events another node relays here (IdentityEventsRelay): they concern this node's live state. */
export type RelayedIdentityEvent = 'principalChanged' | 'deviceRenamed';

/**
 * In-process bus for identity changes. In a cluster IdentityEventsRelay carries `principalChanged`
 * and `deviceRenamed` to every other node, where they are emitted with `emitRelayed`: listeners
 * there act on that node's sessions, rooms and calls. A listener with a side effect that must
 * happen once in the cluster (an outbox row, an audit row, a push) checks `relayed` and skips.
 */
export class IdentityEvents extends EnhancedEventEmitter<IdentityEventMap> {
  #relayed = false;

  /** True while listeners run for an event that happened on another node. */
  get relayed(): boolean {
    return this.#relayed;
  }

  /** Emits an event another node published (the relay does not publish it back). */
  emitRelayed<K extends RelayedIdentityEvent>(name: K, ...args: IdentityEventMap[K]): void {
    this.#relayed = true;
    try {
      this.safeEmit(name, ...args);
    } finally {
      this.#relayed = false;
    }
  }
}
