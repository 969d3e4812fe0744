import type { PorchlightApi } from './api.ts';
import type { Session, SessionAccount } from '@porchlight/protocol';
import { TypedEmitter } from '@porchlight/emitter';
import { ApiError, isPorchlightError } from './errors.ts';
import { CachedToken, type TokenRequest } from './token.ts';

/** The subset of the Web Storage API the session needs. */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** Runs `task` while holding a lock shared by every tab of the origin. */
export type LockRunner = <T>(name: string, task: () => Promise<T>) => Promise<T>;

/**
 * What survives a reload: the refresh token (body mode), never the access token. In cookie mode
 * only the account and the expiry are kept: the token itself lives in an HttpOnly cookie.
 */
export interface StoredSession {
  refreshToken?: string;
  refreshTokenExpiresAt: number;
  account: SessionAccount;
}

/** Why a session ended: logged out here, or the refresh token was refused (expired or revoked). */
export type SessionEndReason = 'logout' | 'expired';

/** Events of a {@link SessionManager}. */
export type SessionEvents = {
  /** Logged in, refreshed into another account, or ended (null). */
  changed: [account: SessionAccount | null];
  /** The session is gone: logged out here, or the server refused the refresh token. */
  ended: [reason: SessionEndReason];
};

/** Options of {@link SessionManager}. */
export interface SessionManagerOptions {
  /** Used for login, refresh and logout only (public routes). */
  api: PorchlightApi;
  /** Where the refresh token is kept. Default localStorage; null keeps it in memory only. */
  storage?: KeyValueStorage | null;
  /** Default 'porchlight.session'. */
  storageKey?: string;
  /** Refresh the access token once it has less than this left (ms). Default 60 s. */
  refreshMarginMs?: number;
  /** Unix ms. Default Date.now; injectable for tests. */
  now?: () => number;
  /** Default: the Web Locks API when present, else none. */
  lock?: LockRunner;
  /**
   * Cookie mode, for browsers: the server keeps the refresh token in an HttpOnly; Secure;
   * SameSite=Strict cookie that page scripts cannot read (an XSS cannot steal the session), and
   * storage keeps only the account. Default false (Node integrators keep the token themselves).
   */
  cookie?: boolean;
}

/** The storage key of the refresh token unless `storageKey` says otherwise. */
export const DEFAULT_SESSION_STORAGE_KEY = 'porchlight.session';
export const DEFAULT_REFRESH_MARGIN_MS = 60_000;
const REFRESH_LOCK = 'porchlight.session.refresh';

function defaultStorage(): KeyValueStorage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    // Disabled storage (privacy modes) throws on access: the session lasts for this page only.
    return null;
  }
}

function defaultLock(): LockRunner {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (!locks) return (_name, task) => task();
  // request() resolves with what the callback's promise resolves to.
  return <T>(name: string, task: () => Promise<T>) => locks.request(name, task) as Promise<T>;
}

function parseStored(raw: string | null, cookie: boolean): StoredSession | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<StoredSession> | null;
    if (
      value !== null &&
      (cookie ? value.refreshToken === undefined : typeof value.refreshToken === 'string') &&
      typeof value.refreshTokenExpiresAt === 'number' &&
      typeof value.account?.id === 'string'
    )
      return value as StoredSession;
  } catch {
    // Corrupt entry: treated as logged out.
  }
  return null;
}

/**
 * A person's login: keeps the refresh token in storage and the access token in memory, renews the
 * access token shortly before it expires (or when the server refused it), and ends the session
 * when the server refuses the refresh token.
 *
 * Refresh tokens are single use and reusing a rotated one revokes the whole family, so with
 * several tabs (or the home and admin apps) on one origin a refresh runs under a cross-tab lock
 * and always rotates the token currently in storage, not the one this tab last saw.
 */
export class SessionManager extends TypedEmitter<SessionEvents> {
  readonly #api: PorchlightApi;
  readonly #storage: KeyValueStorage | null;
  readonly #key: string;
  readonly #now: () => number;
  readonly #lock: LockRunner;
  readonly #access: CachedToken;
  readonly #cookie: boolean;
  #stored: StoredSession | null;
  /**
   * Cookie mode: a token handed over in a body (an invitation's session), traded for the cookie
   * by the next refresh and never stored.
   */
  #pendingToken: string | undefined;
  /** Bumped by login/logout: a refresh started before must not resurrect the old session. */
  #generation = 0;

  constructor(options: SessionManagerOptions) {
    super();
    this.#api = options.api;
    this.#storage = options.storage === undefined ? defaultStorage() : options.storage;
    this.#key = options.storageKey ?? DEFAULT_SESSION_STORAGE_KEY;
    this.#now = options.now ?? Date.now;
    this.#lock = options.lock ?? defaultLock();
    this.#cookie = options.cookie ?? false;
    this.#access = new CachedToken(() => this.#refresh(), {
      marginMs: options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS,
      now: this.#now,
    });
    this.#stored = this.#readStorage();
  }

  /** The logged-in account (as of the last login or refresh), or null. */
  get account(): SessionAccount | null {
    return this.#stored?.account ?? null;
  }

  /** Whether a session (a refresh token) is held. */
  get loggedIn(): boolean {
    return this.#stored !== null;
  }

  /** Throws ApiError: UNAUTHORIZED (wrong credentials, disabled), RATE_LIMITED (with retry time). */
  async login(email: string, password: string): Promise<SessionAccount> {
    // The known-device token outlives logouts: it is what lets this browser past lockouts.
    const deviceKey = `${this.#key}.device`;
    const known = this.#safeGet(deviceKey) ?? undefined;
    const session = await this.#api.login(email, password, {
      cookie: this.#cookie,
      ...(known === undefined ? {} : { deviceToken: known }),
    });
    if (session.deviceToken !== undefined) this.#safeSet(deviceKey, session.deviceToken);
    this.#generation++;
    this.#access.clear();
    this.#adopt(session);
    return session.account;
  }

  /**
   * Starts from a session the server handed out another way than a login (accepting an
   * invitation answers with the new person's session), as if they had just logged in.
   */
  start(session: Session): SessionAccount {
    this.#generation++;
    this.#access.clear();
    this.#adopt(session);
    // Trade a body token for the cookie now, so a reload keeps the session.
    if (this.#pendingToken !== undefined)
      void this.getToken({ forceRefresh: true }).catch(() => {});
    return session.account;
  }

  /**
   * A valid access token, refreshed first when it is within the margin of expiring (or when
   * `forceRefresh`). Rejects with UNAUTHORIZED when logged out or the refresh token is refused
   * (the session then ends), or with NETWORK when the server cannot be reached (it does not).
   * An arrow property, so it can be handed around as a TokenProvider.
   */
  readonly getToken: (request?: TokenRequest) => Promise<string> = (request) => {
    if (!this.#stored) return Promise.reject(new ApiError('UNAUTHORIZED', 'not logged in', 401));
    return this.#access.get(request?.forceRefresh ?? false);
  };

  /** Revokes the refresh token on the server (best effort) and forgets the session here. */
  async logout(): Promise<void> {
    const stored = this.#readStorage() ?? this.#stored;
    this.#end('logout');
    if (!stored) return;
    try {
      await this.#api.logout(stored.refreshToken, { cookie: this.#cookie });
    } catch {
      // Offline: the token stays valid on the server until it expires, but it is gone here.
    }
  }

  /**
   * Re-reads storage, e.g. on the `storage` event: picks up a login or logout made in another
   * tab. Returns whether anything changed.
   */
  sync(): boolean {
    const stored = this.#readStorage();
    if (
      stored?.refreshToken === this.#stored?.refreshToken &&
      stored?.account.id === this.#stored?.account.id &&
      stored?.refreshTokenExpiresAt === this.#stored?.refreshTokenExpiresAt
    )
      return false;
    if (!stored) {
      this.#end('logout', false);
      return true;
    }
    const sameAccount = stored.account.id === this.#stored?.account.id;
    this.#stored = stored;
    if (!sameAccount) {
      this.#generation++;
      this.#access.clear();
      this.safeEmit('changed', stored.account);
    }
    return true;
  }

  async #refresh(): Promise<{ token: string; expiresAt: number }> {
    const generation = this.#generation;
    return this.#lock(REFRESH_LOCK, async () => {
      // Another tab may have rotated the token while we waited for the lock.
      const current = this.#readStorage() ?? this.#stored;
      if (!current || generation !== this.#generation) {
        if (generation === this.#generation) this.#end('expired');
        throw new ApiError('UNAUTHORIZED', 'logged out', 401);
      }
      let session: Session;
      try {
        session = await this.#api.refresh(current.refreshToken ?? this.#pendingToken, {
          cookie: this.#cookie,
        });
      } catch (error) {
        if (isPorchlightError(error, 'UNAUTHORIZED') && generation === this.#generation)
          this.#end('expired');
        throw error;
      }
      if (generation !== this.#generation) throw new ApiError('UNAUTHORIZED', 'logged out', 401);
      this.#adopt(session);
      return {
        token: session.accessToken,
        expiresAt: this.#localTime(session.accessTokenExpiresAt),
      };
    });
  }

  #adopt(session: Session): void {
    const previous = this.#stored?.account;
    this.#pendingToken = this.#cookie ? session.refreshToken : undefined;
    this.#stored = {
      ...(!this.#cookie && session.refreshToken !== undefined
        ? { refreshToken: session.refreshToken }
        : {}),
      refreshTokenExpiresAt: session.refreshTokenExpiresAt,
      account: session.account,
    };
    this.#writeStorage(this.#stored);
    this.#access.set({
      token: session.accessToken,
      expiresAt: this.#localTime(session.accessTokenExpiresAt),
    });
    if (
      previous?.id !== session.account.id ||
      previous.displayName !== session.account.displayName ||
      previous.isAdmin !== session.account.isAdmin ||
      previous.mustChangePassword !== session.account.mustChangePassword
    )
      this.safeEmit('changed', session.account);
  }

  /** A server timestamp on our clock (see PorchlightApi.serverOffsetMs). */
  #localTime(serverMs: number): number {
    return serverMs - this.#api.serverOffsetMs;
  }

  #end(reason: SessionEndReason, clearStorage = true): void {
    const had = this.#stored !== null;
    this.#generation++;
    this.#stored = null;
    this.#pendingToken = undefined;
    this.#access.clear();
    if (clearStorage) this.#writeStorage(null);
    if (!had) return;
    this.safeEmit('changed', null);
    this.safeEmit('ended', reason);
  }

  #readStorage(): StoredSession | null {
    let raw: string | null = null;
    try {
      raw = this.#storage?.getItem(this.#key) ?? null;
    } catch {
      return null;
    }
    const stored = parseStored(raw, this.#cookie);
    // An expired refresh token is worth nothing: do not even try it.
    return stored && stored.refreshTokenExpiresAt > this.#now() ? stored : null;
  }

  #safeGet(key: string): string | null {
    try {
      return this.#storage?.getItem(key) ?? null;
    } catch {
      return null;
    }
  }

  #safeSet(key: string, value: string): void {
    try {
      this.#storage?.setItem(key, value);
    } catch {
      // Full or disabled storage: this browser just stays unknown.
    }
  }

  #writeStorage(value: StoredSession | null): void {
    try {
      if (value) this.#storage?.setItem(this.#key, JSON.stringify(value));
      else this.#storage?.removeItem(this.#key);
    } catch {
      // Full or disabled storage: the session still works for this page.
    }
  }
}
