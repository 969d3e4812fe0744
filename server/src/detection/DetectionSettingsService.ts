import {
  DEFAULT_DETECTION_SETTINGS,
  type DetectionSettings,
  type DeviceDetection,
} from '@porchlight/protocol';
import { EnhancedEventEmitter } from '@porchlight/runtime';
import type { Device } from '../store/types.ts';
import type { DetectionRepository } from './DetectionRepository.ts';

/** Where a camera's detection runs (the detector host module answers; default: its own page). */
export type Placement = (
  deviceId: string,
  settings: DetectionSettings,
) => Pick<DeviceDetection, 'runsOn' | 'capability' | 'server'>;

const ON_THE_CAMERA: Placement = (_id, settings) => ({
  runsOn: settings.enabled ? 'camera' : 'off',
  capability: null,
  server: null,
});

export type DetectionSettingsEvents = {
  /** An owner saved the camera's settings (the camera's sockets are told). */
  changed: [device: Device, settings: DetectionSettings];
};

/** Per-camera detection settings (defaults until saved) and the detector each camera reported. */
export class DetectionSettingsService extends EnhancedEventEmitter<DetectionSettingsEvents> {
  readonly #repo: DetectionRepository;
  readonly #now: () => number;
  readonly #defaults: DetectionSettings;
  #placement: Placement = ON_THE_CAMERA;

  /** `defaults`: the settings of a camera nobody configured (DEFAULT_DETECTION_SETTINGS). */
  constructor(o: { repo: DetectionRepository; now?: () => number; defaults?: DetectionSettings }) {
    super();
    this.#repo = o.repo;
    this.#now = o.now ?? Date.now;
    this.#defaults = o.defaults ?? DEFAULT_DETECTION_SETTINGS;
  }

  /** Wired when detection on the server exists. */
  usePlacement(placement: Placement): void {
    this.#placement = placement;
  }

  /** The settings in force (saved ones over the defaults, so a newer field takes its default). */
  async settingsOf(deviceId: string): Promise<DetectionSettings> {
    const row = await this.#repo.getSettings(deviceId);
    return { ...this.#defaults, ...(row?.settings ?? {}) };
  }

  async view(device: Device): Promise<DeviceDetection> {
    const row = await this.#repo.getSettings(device.id);
    const settings = { ...this.#defaults, ...(row?.settings ?? {}) };
    return {
      deviceId: device.id,
      settings,
      detector: row?.detector ?? null,
      detectorReportedAt: row?.detectorReportedAt ?? null,
      updatedAt: row?.updatedAt ?? null,
      ...this.#placement(device.id, settings),
    };
  }

  async save(device: Device, settings: DetectionSettings): Promise<DeviceDetection> {
    await this.#repo.saveSettings(device.id, device.siteId, settings, this.#now());
    this.safeEmit('changed', device, settings);
    return this.view(device);
  }
}
