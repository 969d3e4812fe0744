import fs from 'node:fs';
import path from 'node:path';
import type {
  DetectionCapability,
  DetectionSettings,
  DeviceDetection,
  HostAssignment,
  HostCameraStatus,
  HostStatus,
} from '@porchlight/protocol';
import { createLogger } from '@porchlight/runtime';
import { PorchlightError } from '../../errors.ts';
import type { Authorizer } from '../../identity/authorization/Authorizer.ts';
import type { DetectorHostAuthority, Principal } from '../../identity/authorization/Principal.ts';
import type { Device } from '../../store/types.ts';
import type { DetectionRepository } from '../DetectionRepository.ts';
import type { DetectionSettingsService } from '../DetectionSettingsService.ts';
import { detectorHostArgs, loopbackOrigin } from './chromiumLaunch.ts';
import { DetectorAssignments } from './DetectorAssignments.ts';
import { DetectorHost } from './DetectorHost.ts';
import { HostCredentials } from './HostCredentials.ts';

const logger = createLogger('DetectorHosting');

/** How long an assignment long poll waits for a change. */
const ASSIGNMENT_WAIT_MS = 25_000;

export interface DetectorHostingConfig {
  /** Run the detector host at all (config detection.host.enabled). */
  enabled: boolean;
  chromiumPath: string;
  maxCameras: number;
}

export interface DetectorHostingOptions {
  config: DetectorHostingConfig;
  secret: string;
  dataDir: string;
  repo: DetectionRepository;
  settings: DetectionSettingsService;
  device: (deviceId: string) => Promise<Device | null>;
  authorizer: Authorizer;
  /** Where the server listens (the page loads over loopback) and its certificate (pinned). */
  listen: () => { host: string; port: number; certFile: string };
  /** The host's assignment changed: its live sockets must be re-authorized. */
  principalChanged: (launchId: string) => void;
  /** Injected for tests; default: the real supervisor. */
  host?: DetectorHost;
}

/**
 * Detection on the server (docs/detection.md): which cameras need it, the Chromium that runs
 * the detector page for them, the page's credentials and status. Implements the identity port
 * for `pldh_` tokens: the principal it yields may watch, read the settings of and post events
 * for exactly the assigned cameras.
 */
export class DetectorHosting implements DetectorHostAuthority {
  readonly credentials: HostCredentials;
  readonly assignments: DetectorAssignments;
  /** null when disabled (config, or no Chromium). */
  readonly host: DetectorHost | null;
  readonly #o: DetectorHostingOptions;
  readonly #status = new Map<string, HostCameraStatus>();
  #closed = false;

  constructor(o: DetectorHostingOptions) {
    this.#o = o;
    this.credentials = new HostCredentials({ secret: o.secret });
    const { config } = o;
    const chromium = config.enabled && fs.existsSync(config.chromiumPath);
    if (config.enabled && !chromium)
      logger.warn(
        `detection on the server is off: ${config.chromiumPath} not found (apt-get install chromium, or set detection.host.chromiumPath)`,
      );
    this.assignments = new DetectorAssignments({
      device: o.device,
      settingsOf: (id) => o.settings.settingsOf(id),
      available: chromium,
      maxCameras: config.maxCameras,
    });
    this.host = chromium
      ? (o.host ??
        new DetectorHost({
          chromiumPath: config.chromiumPath,
          profileDir: path.join(o.dataDir, 'detector-host', 'profile'),
          launch: () => this.#launch(),
        }))
      : null;
    this.host?.on('exited', () => {
      this.credentials.end();
      this.#status.clear();
    });
    this.assignments.on('changed', (a) => this.#onAssignment(a));
    o.settings.on('changed', (device) => void this.assignments.update(device.id));
  }

  /** Finds the cameras saved with `runOn: 'server'` (at start-up). */
  async load(): Promise<void> {
    for (const row of await this.#o.repo.listSettings())
      if (row.settings?.runOn === 'server') await this.assignments.update(row.deviceId);
  }

  #launch(): { url: string; args: string[] } {
    const { host, port, certFile } = this.#o.listen();
    const { code } = this.credentials.launch();
    return {
      url: `${loopbackOrigin(host, port)}/detector-host.html#code=${code}`,
      args: detectorHostArgs({ certFile, root: process.getuid?.() === 0 }),
    };
  }

  #onAssignment(a: HostAssignment): void {
    if (this.#closed) return;
    const ids = new Set(a.cameras.map((c) => c.deviceId));
    for (const id of this.#status.keys()) if (!ids.has(id)) this.#status.delete(id);
    const launch = this.credentials.current;
    this.host?.want(a.cameras.length > 0);
    // No camera left: the launch ends, its tokens with it.
    if (a.cameras.length === 0) this.credentials.end();
    // Its live sockets re-read the principal: consumers of cameras it lost close, or all of it.
    if (launch !== null) this.#o.principalChanged(launch);
  }

  #principal(launchId: string): Principal {
    const cameras = this.assignments
      .assignment()
      .cameras.map(({ siteId, deviceId }) => ({ siteId, deviceId }));
    return this.#o.authorizer.detectorPrincipal(launchId, cameras);
  }

  authenticate(bearer: string): Principal {
    return this.#principal(this.credentials.verify(bearer));
  }

  refresh(id: string): Principal {
    if (this.credentials.current !== id) throw PorchlightError.unauthorized('detector host ended');
    return this.#principal(id);
  }

  /** The page's launch code -> its token. */
  openSession(code: string): { token: string; expiresAt: number } {
    const { token, expiresAt } = this.credentials.redeem(code);
    return { token, expiresAt };
  }

  renew(p: Principal): { token: string; expiresAt: number } {
    if (p.kind !== 'detector') throw PorchlightError.unauthorized('not the detector host');
    return this.credentials.issue(p.id);
  }

  assignment(after: number | undefined): Promise<HostAssignment> {
    return this.assignments.wait(after, ASSIGNMENT_WAIT_MS);
  }

  /** The page's status: kept for its assigned cameras only. */
  reportStatus(p: Principal, status: HostStatus): void {
    if (p.kind !== 'detector') throw PorchlightError.unauthorized('not the detector host');
    for (const camera of status.cameras)
      if (this.assignments.isAssigned(camera.deviceId)) this.#status.set(camera.deviceId, camera);
  }

  /** A camera page's report; answers where it should detect. */
  async reportCapability(
    device: Device,
    capability: DetectionCapability,
  ): Promise<DeviceDetection['runsOn']> {
    await this.assignments.report(device.id, capability);
    return this.assignments.runsOn(device.id, await this.#o.settings.settingsOf(device.id));
  }

  /**
   * A camera without a page of its own (RTSP/RTMP, fed by the server): it cannot detect, so in
   * `runOn: 'auto'` the host analyses it, as for a camera whose page said it cannot.
   */
  async pagelessCamera(deviceId: string, what: string): Promise<void> {
    await this.assignments.report(deviceId, {
      canDetect: false,
      reason: `${what}: no page of its own to detect in`,
      detector: null,
    });
  }

  /** What the settings view shows about where detection runs. */
  placement(
    deviceId: string,
    settings: DetectionSettings,
  ): Pick<DeviceDetection, 'runsOn' | 'capability' | 'server'> {
    const runsOn = this.assignments.runsOn(deviceId, settings);
    return {
      runsOn,
      capability: this.assignments.capabilityOf(deviceId),
      server: runsOn === 'server' ? (this.#status.get(deviceId) ?? null) : null,
    };
  }

  /** Stops Chromium and refuses every host token. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.assignments.close();
    this.host?.close();
    this.credentials.end();
  }
}
