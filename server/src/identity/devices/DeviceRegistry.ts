import type { Device, DeviceStatusPatch, Store } from '../../store/types.ts';
import { Logger } from '../../util/Logger.ts';
import type { IdentityEvents } from '../IdentityEvents.ts';

const logger = new Logger('DeviceRegistry');

/**
 * Live status of devices: online/offline, last seen, address, user agent/firmware, bitrate.
 * Every change is persisted and emitted as `deviceStatus` (alarms subscribe to it later).
 */
export class DeviceRegistry {
  readonly #store: Store;
  readonly #events: IdentityEvents;
  readonly #now: () => number;

  constructor(store: Store, events: IdentityEvents, now: () => number = Date.now) {
    this.#store = store;
    this.#events = events;
    this.#now = now;
  }

  async online(
    deviceId: string,
    info: { address: string | null; userAgent: string | null; firmware?: string | null },
  ): Promise<void> {
    await this.#update(deviceId, {
      online: true,
      lastSeenAt: this.#now(),
      lastAddress: info.address,
      userAgent: info.userAgent,
      ...(info.firmware !== undefined ? { firmware: info.firmware } : {}),
    });
  }

  async offline(deviceId: string): Promise<void> {
    await this.#update(deviceId, { online: false, lastSeenAt: this.#now(), bitrate: null });
  }

  async bitrate(deviceId: string, bps: number): Promise<void> {
    await this.#update(deviceId, { bitrate: Math.round(bps), lastSeenAt: this.#now() });
  }

  async #update(deviceId: string, patch: DeviceStatusPatch): Promise<void> {
    try {
      if (!(await this.#store.updateDeviceStatus(deviceId, patch))) return;
      const device: Device | null = await this.#store.getDevice(deviceId);
      if (device) this.#events.safeEmit('deviceStatus', device);
    } catch (error) {
      logger.warn('device status update failed', { deviceId, error });
    }
  }
}
