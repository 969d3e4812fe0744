import type {
  DetectionCapability,
  DetectionSettings,
  DeviceDetection,
  HostAssignment,
  HostCamera,
} from '@porchlight/protocol';
import { EnhancedEventEmitter } from '@porchlight/runtime';
import type { Device } from '../../store/types.ts';

export type AssignmentEvents = {
  /** The assigned cameras or the settings of one of them changed (`version` bumped). */
  changed: [assignment: HostAssignment];
};

export interface DetectorAssignmentsOptions {
  /** An active (not revoked) camera, or null. */
  device: (deviceId: string) => Promise<Device | null>;
  /** The settings in force for a camera (saved over the defaults). */
  settingsOf: (deviceId: string) => Promise<DetectionSettings>;
  /** Whether a detector host can run at all (enabled and Chromium found). */
  available: boolean;
  /** At most this many cameras are assigned; later ones stay 'unavailable'. */
  maxCameras: number;
}

/**
 * Which cameras the server's detector host analyses: detection on, and `runOn: 'server'`, or
 * `'auto'` with the camera's page having said it cannot detect. The first `maxCameras` such
 * cameras (in the order they asked) are assigned. Capabilities are kept in memory: a camera page
 * reports again after every (re)join, so a server restart forgets nothing for long.
 */
export class DetectorAssignments extends EnhancedEventEmitter<AssignmentEvents> {
  readonly #o: DetectorAssignmentsOptions;
  readonly #capabilities = new Map<string, DetectionCapability>();
  /** Cameras that want the server, in the order they asked. */
  readonly #wanted = new Map<string, HostCamera>();
  #version = 0;
  #waiters = new Set<() => void>();
  #closed = false;

  constructor(o: DetectorAssignmentsOptions) {
    super();
    this.#o = o;
  }

  /** Whether this camera's settings (and its page's report) ask for the server. */
  #wants(deviceId: string, settings: DetectionSettings): boolean {
    if (!settings.enabled) return false;
    if (settings.runOn === 'server') return true;
    return settings.runOn === 'auto' && this.#capabilities.get(deviceId)?.canDetect === false;
  }

  get available(): boolean {
    return this.#o.available;
  }

  /** The assigned cameras with their settings, and the version to wait on. */
  assignment(): HostAssignment {
    return { version: this.#version, cameras: this.#assigned() };
  }

  #assigned(): HostCamera[] {
    if (!this.#o.available) return [];
    return [...this.#wanted.values()].slice(0, this.#o.maxCameras);
  }

  isAssigned(deviceId: string): boolean {
    return this.#assigned().some((c) => c.deviceId === deviceId);
  }

  /** Where a camera's detection runs now (its settings view). */
  runsOn(deviceId: string, settings: DetectionSettings): DeviceDetection['runsOn'] {
    if (!settings.enabled) return 'off';
    if (!this.#wants(deviceId, settings)) return 'camera';
    return this.isAssigned(deviceId) ? 'server' : 'unavailable';
  }

  capabilityOf(deviceId: string): DetectionCapability | null {
    return this.#capabilities.get(deviceId) ?? null;
  }

  /** A camera page's report; answers where it should detect now. */
  async report(deviceId: string, capability: DetectionCapability): Promise<void> {
    this.#capabilities.set(deviceId, capability);
    await this.update(deviceId);
  }

  /** Re-reads one camera (its settings changed, it was removed, it reported). */
  async update(deviceId: string): Promise<void> {
    const before = this.#assigned();
    const device = await this.#o.device(deviceId);
    const settings = device ? await this.#o.settingsOf(deviceId) : null;
    const previous = this.#wanted.get(deviceId);
    if (device && settings && this.#wants(deviceId, settings)) {
      const camera = { deviceId, siteId: device.siteId, name: device.name, settings };
      // Keep its place in the queue; a new one goes last.
      this.#wanted.set(deviceId, camera);
    } else {
      this.#wanted.delete(deviceId);
      if (!device) this.#capabilities.delete(deviceId);
    }
    const after = this.#assigned();
    // An assigned camera's settings may have changed: the host must hear of it.
    const touched = previous !== undefined && after.some((c) => c.deviceId === deviceId);
    if (touched || !sameCameras(before, after)) this.#bump();
  }

  /** Answers at once when `after` is not the current version, else at the next change or timeout. */
  async wait(after: number | undefined, timeoutMs: number): Promise<HostAssignment> {
    if (after === undefined || after !== this.#version || this.#closed) return this.assignment();
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.#waiters.add(done);
    });
    return this.assignment();
  }

  #bump(): void {
    this.#version += 1;
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const w of waiters) w();
    this.safeEmit('changed', this.assignment());
  }

  /** Releases long polls. Idempotent. */
  close(): void {
    this.#closed = true;
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const w of waiters) w();
  }
}

function sameCameras(a: readonly HostCamera[], b: readonly HostCamera[]): boolean {
  return a.length === b.length && a.every((c, i) => c.deviceId === b[i]?.deviceId);
}
