import type {
  Device,
  DeviceRepository,
  DeviceStatusPatch,
} from '../../store/repositories/DeviceRepository.ts';
import { createLogger } from '@porchlight/runtime';
import type { IdentityEvents } from '../IdentityEvents.ts';

const logger = createLogger('DeviceRegistry');

/**
 * Live status of devices: online/offline, last seen, address, user agent/firmware, bitrate.
 * Every change is persisted and emitted as `deviceStatus` (alarms subscribe to it later).
 */
export class DeviceRegistry {
  readonly #devices: Pick<DeviceRepository, 'get' | 'updateStatus'>;
  readonly #events: IdentityEvents;
  readonly #now: () => number;

  constructor(
    devices: Pick<DeviceRepository, 'get' | 'updateStatus'>,
    events: IdentityEvents,
    now: () => number = Date.now,
  ) {
    this.#devices = devices;
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
      if (!(await this.#devices.updateStatus(deviceId, patch))) return;
      const device: Device | null = await this.#devices.get(deviceId);
      if (device) this.#events.safeEmit('deviceStatus', device);
    } catch (error) {
      logger.warn('device status update failed', { deviceId, error });
    }
  }
}
