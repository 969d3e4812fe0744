/**
 * Tokens that expire. The socket needs a valid token at every (re)connect and the REST API at
 * every call, but a person's access token lives 10 minutes and a device token not much longer,
 * so callers hand the SDK a provider instead of a string.
 */

/** What the SDK asks of a provider. */
export interface TokenRequest {
  /**
   * The server just refused the last token (expired, rotated): do not return a cached one.
   * Providers that cannot renew may ignore it.
   */
  forceRefresh: boolean;
}

/**
 * Returns a token that is valid now. A provider that takes no argument fits too. Throwing a
 * PorchlightError with code UNAUTHORIZED or FORBIDDEN means "no token will ever come" (logged
 * out, device removed) and stops the client; anything else is retried like a network failure.
 */
export type TokenProvider = (request: TokenRequest) => string | Promise<string>;

/** A fixed token, or a provider asked once per connection attempt. */
export type TokenSource = string | TokenProvider;

export function resolveToken(source: TokenSource, request: TokenRequest): Promise<string> {
  if (typeof source === 'string') return Promise.resolve(source);
  try {
    return Promise.resolve(source(request));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** A token with its expiry (unix ms). */
export interface ExpiringToken {
  token: string;
  expiresAt: number;
}

/** Options of {@link CachedToken}. */
export interface CachedTokenOptions {
  /** Renew once the token has less than this left (ms). */
  marginMs: number;
  /** The current time, unix ms (compared with the token's `expiresAt`). */
  now: () => number;
}

/**
 * One cached expiring token: handed out while it has more than `marginMs` left, renewed through
 * `fetchFresh` otherwise. Concurrent callers share one renewal (one refresh-token rotation, one
 * device-token request), and a renewal that finishes after clear() is dropped.
 */
export class CachedToken {
  #current: ExpiringToken | undefined;
  #inflight: Promise<string> | undefined;
  /** Bumped by clear(): renewals started before compare against it. */
  #generation = 0;

  constructor(
    private readonly fetchFresh: () => Promise<ExpiringToken>,
    private readonly options: CachedTokenOptions,
  ) {}

  /** The cached token if it is still comfortably valid. */
  peek(): string | undefined {
    const current = this.#current;
    if (!current || current.expiresAt - this.options.now() <= this.options.marginMs)
      return undefined;
    return current.token;
  }

  /** The cached token, fetched first when missing or about to expire (or when `forceRefresh`). */
  get(forceRefresh = false): Promise<string> {
    const cached = forceRefresh ? undefined : this.peek();
    if (cached !== undefined) return Promise.resolve(cached);
    // A renewal already running gives a fresh token: a forced caller can share it too.
    if (this.#inflight) return this.#inflight;
    const generation = this.#generation;
    const renewal = this.fetchFresh()
      .then((fresh) => {
        if (generation === this.#generation) this.#current = fresh;
        return fresh.token;
      })
      .finally(() => {
        if (this.#inflight === renewal) this.#inflight = undefined;
      });
    this.#inflight = renewal;
    return renewal;
  }

  /** Adopts a token obtained elsewhere (e.g. by logging in). */
  set(fresh: ExpiringToken): void {
    this.#current = fresh;
  }

  /** Forgets the cached token: the next `get` fetches a new one. */
  clear(): void {
    this.#current = undefined;
    this.#inflight = undefined;
    this.#generation++;
  }
}
