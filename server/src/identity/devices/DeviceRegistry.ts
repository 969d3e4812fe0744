import type {
  Device,
  DeviceRepository,
  DeviceStatusPatch,
} from '../../store/repositories/DeviceRepository.ts';
import { createLogger } from '@porchlight/runtime';
import type { IdentityEvents } from '../IdentityEvents.ts';
import type { DevicePresence } from './DevicePresence.ts';

const logger = createLogger('DeviceRegistry');

/**
 * Live status of devices: online/offline, last seen, address, user agent/firmware, bitrate.
 * Every change is persisted and emitted as `deviceStatus` (alarms subscribe to it later). In a
 * cluster a DevicePresence counts connections on every node: a device goes offline only when its
 * last connection anywhere closes.
 */
export class DeviceRegistry {
  readonly #devices: Pick<DeviceRepository, 'get' | 'updateStatus'>;
  readonly #events: IdentityEvents;
  readonly #now: () => number;
  #presence: DevicePresence | undefined;

  constructor(
    devices: Pick<DeviceRepository, 'get' | 'updateStatus'>,
    events: IdentityEvents,
    now: () => number = Date.now,
  ) {
    this.#devices = devices;
    this.#events = events;
    this.#now = now;
  }

  /** Cluster mode: count connections across nodes (set once by the composition root). */
  usePresence(presence: DevicePresence): void {
    this.#presence = presence;
  }

  async online(
    deviceId: string,
    info: { address: string | null; userAgent: string | null; firmware?: string | null },
  ): Promise<void> {
    await this.#presence?.connected(deviceId).catch((error: unknown) => {
      logger.warn('device presence not counted', { deviceId, error });
    });
    await this.#update(deviceId, {
      online: true,
      lastSeenAt: this.#now(),
      lastAddress: info.address,
      userAgent: info.userAgent,
      ...(info.firmware !== undefined ? { firmware: info.firmware } : {}),
    });
  }

  async offline(deviceId: string): Promise<void> {
    const presence = this.#presence;
    if (presence) {
      // Still connected to another node (or reconnected there first): stays online.
      const left = await presence.disconnected(deviceId).catch(() => 0);
      if (left > 0) return;
    }
    await this.#update(deviceId, { online: false, lastSeenAt: this.#now(), bitrate: null });
    // A connection another node counted while this one wrote offline: its online write may have
    // landed first, so put it back.
    if (presence && (await presence.count(deviceId).catch(() => 0)) > 0)
      await this.#update(deviceId, { online: true });
  }

  /** A dead node's connections are gone: devices with none left elsewhere go offline. */
  async nodeDown(nodeId: string): Promise<void> {
    if (!this.#presence) return;
    for (const deviceId of await this.#presence.forgetNode(nodeId))
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
