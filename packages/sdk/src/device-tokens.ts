import type { PorchlightApi } from './api.ts';
import type { Device } from '@porchlight/protocol';
import { TypedEmitter } from '@porchlight/emitter';
import { isPorchlightError, type PorchlightError } from './errors.ts';
import { CachedToken, type TokenRequest } from './token.ts';

/** Events of {@link DeviceTokens}. */
export type DeviceTokenEvents = {
  /** The device's registry entry as returned with its latest token (name set by the owner). */
  device: [device: Device];
  /**
   * The server refused the credential itself (device removed, or its credential rotated): no
   * token will come from it again.
   */
  refused: [error: PorchlightError];
};

/** Options of {@link DeviceTokens}. */
export interface DeviceTokensOptions {
  /** Used for the public `POST /api/v1/devices/token` only. */
  api: PorchlightApi;
  /** The long-lived credential from provisioning (`pld_…`). */
  credential: string;
  /** Fetch a new token once the cached one has less than this left (ms). Default 60 s. */
  refreshMarginMs?: number;
  /** Unix ms. Default Date.now. */
  now?: () => number;
}

/**
 * A camera's tokens: exchanges its long-lived credential for short-lived device tokens, cached
 * until they are within the margin of expiring. `getToken` is a TokenProvider for the client.
 */
export class DeviceTokens extends TypedEmitter<DeviceTokenEvents> {
  readonly #api: PorchlightApi;
  readonly #credential: string;
  readonly #now: () => number;
  readonly #cache: CachedToken;
  #device: Device | undefined;

  constructor(options: DeviceTokensOptions) {
    super();
    this.#api = options.api;
    this.#credential = options.credential;
    this.#now = options.now ?? Date.now;
    this.#cache = new CachedToken(() => this.#fetch(), {
      marginMs: options.refreshMarginMs ?? 60_000,
      now: this.#now,
    });
  }

  /** As of the last token. */
  get device(): Device | undefined {
    return this.#device;
  }

  /** A token provider for {@link PorchlightClient} and {@link PorchlightApi}: a fresh device token. */
  readonly getToken: (request?: TokenRequest) => Promise<string> = (request) =>
    this.#cache.get(request?.forceRefresh ?? false);

  async #fetch(): Promise<{ token: string; expiresAt: number }> {
    const asked = this.#now();
    try {
      const r = await this.#api.deviceToken(this.#credential);
      this.#device = r.device;
      this.safeEmit('device', r.device);
      // Counted from when we asked: the answer's travel time only makes us renew a bit early.
      return { token: r.token, expiresAt: asked + r.expiresIn * 1000 };
    } catch (error) {
      if (isPorchlightError(error, 'UNAUTHORIZED')) this.safeEmit('refused', error);
      throw error;
    }
  }
}
