import type { HostAssignment, HostCamera } from '@porchlight/protocol';
import { isCode, PorchlightClient, type PorchlightApi } from '@porchlight/sdk';
import { CameraAnalysis } from './CameraAnalysis.ts';
import { SerialGate } from './SerialGate.ts';

/** Status to the server this often (the settings screen shows it). */
const STATUS_INTERVAL_MS = 2000;
/** After a failed assignment poll (server restarting), ask again this much later. */
const POLL_RETRY_MS = 2000;

export interface DetectorHostPageOptions {
  /** The REST API with the host's token. */
  api: PorchlightApi;
  /** The host's token for the sockets (renewed by the caller). */
  token: (request: { forceRefresh: boolean }) => Promise<string>;
  /** What the page shows (nobody looks, but a screenshot or a debugger does). */
  show: (text: string) => void;
}

/**
 * The detector host page: follows its assignment (a long poll the server answers at each
 * change), keeps one socket per site with assigned cameras and one CameraAnalysis per camera,
 * and reports every camera's status.
 */
export class DetectorHostPage {
  readonly #o: DetectorHostPageOptions;
  readonly #gate = new SerialGate();
  readonly #sites = new Map<string, PorchlightClient>();
  readonly #cameras = new Map<string, CameraAnalysis>();
  #version: number | undefined;
  #stopped = false;
  #statusTimer: ReturnType<typeof setInterval> | undefined;

  constructor(o: DetectorHostPageOptions) {
    this.#o = o;
  }

  async run(): Promise<void> {
    this.#statusTimer = setInterval(() => void this.#report(), STATUS_INTERVAL_MS);
    while (!this.#stopped) {
      try {
        const a = await this.#o.api.getDetectorHostAssignment(this.#version);
        this.#apply(a);
      } catch (error) {
        // A refused token: this launch is over (the server starts a new one when needed).
        if (isCode(error, 'UNAUTHORIZED')) return this.stop('ended by the server');
        await new Promise((r) => setTimeout(r, POLL_RETRY_MS));
      }
    }
  }

  #apply(a: HostAssignment): void {
    this.#version = a.version;
    const wanted = new Map(a.cameras.map((c) => [c.deviceId, c]));
    for (const [id, analysis] of this.#cameras)
      if (!wanted.has(id)) {
        analysis.close();
        this.#cameras.delete(id);
      }
    for (const camera of a.cameras) {
      const running = this.#cameras.get(camera.deviceId);
      if (running) running.setSettings(camera.settings);
      else this.#cameras.set(camera.deviceId, this.#analyse(camera));
    }
    const sites = new Set(a.cameras.map((c) => c.siteId));
    for (const [siteId, client] of this.#sites)
      if (!sites.has(siteId)) {
        client.close();
        this.#sites.delete(siteId);
      }
    this.#o.show(
      `version ${a.version}: ${a.cameras.map((c) => c.name).join(', ') || 'no cameras'}`,
    );
    void this.#report();
  }

  #analyse(camera: HostCamera): CameraAnalysis {
    return new CameraAnalysis({
      deviceId: camera.deviceId,
      settings: camera.settings,
      client: this.#site(camera.siteId),
      api: this.#o.api,
      gate: this.#gate,
    });
  }

  #site(siteId: string): PorchlightClient {
    let client = this.#sites.get(siteId);
    if (!client) {
      client = new PorchlightClient({
        token: (r) => this.#o.token(r),
        siteId,
        label: 'Detector (server)',
      });
      void client.connect().catch(() => undefined);
      this.#sites.set(siteId, client);
    }
    return client;
  }

  async #report(): Promise<void> {
    if (this.#stopped) return;
    const cameras = [...this.#cameras.values()].map((c) => c.status);
    await this.#o.api.putDetectorHostStatus({ cameras }).catch(() => undefined);
  }

  stop(reason: string): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#statusTimer);
    for (const c of this.#cameras.values()) c.close();
    this.#cameras.clear();
    for (const s of this.#sites.values()) s.close();
    this.#sites.clear();
    this.#o.show(`stopped: ${reason}`);
  }
}
