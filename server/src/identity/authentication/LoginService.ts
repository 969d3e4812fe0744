import { randomBytes } from 'node:crypto';
import { PorchlightError } from '../../errors.ts';
import type { Account, AccountRepository } from '../../store/repositories/AccountRepository.ts';
import type { AccessTokens } from './AccessTokens.ts';
import { ipBucket } from './ipBucket.ts';
import type { KnownDevices } from './KnownDevices.ts';
import { LoginRateLimiter, type LockoutLimiter } from './LoginRateLimiter.ts';
import { PasswordHasher } from './passwords.ts';
import { RateLimitedError } from './RateLimitedError.ts';
import type { IssuedRefreshToken, RefreshTokens, SessionClient } from './RefreshTokens.ts';

export type LoginAccounts = Pick<
  AccountRepository,
  'get' | 'getByEmail' | 'update' | 'bumpTokenGeneration'
>;

export interface LoginServiceOptions {
  accounts: LoginAccounts;
  passwords: PasswordHasher;
  accessTokens: AccessTokens;
  refreshTokens: RefreshTokens;
  /**
   * Failures per (e-mail, client address): the lockout. Default: 5 in 15 min, then 1 min
   * doubling to 1 h. Per pair, so one address cannot lock the owner out everywhere.
   */
  accountLimiter?: LockoutLimiter;
  /**
   * Failures per e-mail from all addresses: a capped slow-down against a spray from many
   * addresses, never a long lockout. Default: 20 in 15 min, then 1 s doubling to 30 s.
   */
  slowdownLimiter?: LockoutLimiter;
  /**
   * Failures per known device (a browser that logged in before): such a device skips the
   * limiters above, so its own guesses are limited here. Default: 5 in 15 min, 1 min to 1 h.
   */
  deviceLimiter?: LockoutLimiter;
  /** Issues and checks known-device tokens; absent: no device is known. */
  knownDevices?: KnownDevices;
  /**
   * Failures per client address (IPv6 per /64). Default: 20 in 15 min, then 1 min doubling to
   * 1 h — higher than per account, because a household or office shares one address.
   */
  ipLimiter?: LockoutLimiter;
}

/** An account as shown to its owner: never the password hash. */
export type PublicAccount = Omit<
  Account,
  'passwordHash' | 'tokenGeneration' | 'mustChangePassword'
> & {
  mustChangePassword: boolean;
};

export interface Session {
  accessToken: string;
  /** Unix ms. */
  accessTokenExpiresAt: number;
  /** The family's current token: a login session's id in lists is its family id. */
  refreshToken: string;
  /** The session (refresh token family) id. */
  sessionId: string;
  /** Unix ms. */
  refreshTokenExpiresAt: number;
  account: PublicAccount;
  /** From a password login: the known-device token to send with the next login. */
  deviceToken?: string;
}

const BAD_CREDENTIALS = 'invalid email or password';
/** The per-e-mail slow-down: many failures from many addresses cost a wait of at most 30 s. */
export const SLOWDOWN = { maxFailures: 20, baseLockSeconds: 1, maxLockSeconds: 30 } as const;

/**
 * Password login and the session lifecycle (refresh, logout). Failures say only "invalid email or
 * password", cost the same scrypt work whether or not the e-mail exists, and count against both
 * the e-mail and the client address; a locked key is refused with RATE_LIMITED before any work.
 */
export class LoginService {
  readonly #accounts: LoginAccounts;
  readonly #passwords: PasswordHasher;
  readonly #access: AccessTokens;
  readonly #refresh: RefreshTokens;
  readonly #accountLimiter: LockoutLimiter;
  readonly #slowdown: LockoutLimiter;
  readonly #deviceLimiter: LockoutLimiter;
  readonly #ipLimiter: LockoutLimiter;
  readonly #knownDevices: KnownDevices | undefined;
  /** Verified against for unknown e-mails so they take as long as wrong passwords. */
  readonly #dummyHash: Promise<string>;

  constructor(o: LoginServiceOptions) {
    this.#accounts = o.accounts;
    this.#passwords = o.passwords;
    this.#access = o.accessTokens;
    this.#refresh = o.refreshTokens;
    this.#accountLimiter = o.accountLimiter ?? new LoginRateLimiter();
    this.#slowdown = o.slowdownLimiter ?? new LoginRateLimiter(SLOWDOWN);
    this.#deviceLimiter = o.deviceLimiter ?? new LoginRateLimiter();
    this.#ipLimiter = o.ipLimiter ?? new LoginRateLimiter({ maxFailures: 20 });
    this.#knownDevices = o.knownDevices;
    // Hashed up front with the current parameters, so it costs what a real verify costs.
    this.#dummyHash = o.passwords.hash(randomBytes(24).toString('base64url'));
    this.#dummyHash.catch(() => {}); // surfaced when awaited
  }

  /**
   * Throws RateLimitedError (RATE_LIMITED, retryAfterSeconds) while this e-mail is locked out
   * from this address, slowed down everywhere, or the address is locked out; UNAUTHORIZED on
   * wrong credentials or a disabled account. A known device (`deviceToken` from an earlier login
   * as this e-mail) is held only to its own limit, so others' failures never lock its owner out.
   */
  async login(
    email: string,
    password: string,
    ip: string,
    userAgent?: string,
    deviceToken?: string,
  ): Promise<Session> {
    const emailKey = normalizeEmail(email);
    const deviceId = this.#knownDevices?.idFor(deviceToken, emailKey) ?? null;
    // The limiters that apply: a known device's own, or the pair's, the e-mail's and the address's.
    const limiters: [LockoutLimiter, string][] =
      deviceId !== null
        ? [[this.#deviceLimiter, deviceId]]
        : [
            [this.#accountLimiter, `${emailKey} ${ipBucket(ip)}`],
            [this.#slowdown, emailKey],
            [this.#ipLimiter, ipBucket(ip)],
          ];
    const wait = Math.max(
      ...(await Promise.all(limiters.map(([l, key]) => l.retryAfterSeconds(key)))),
    );
    if (wait > 0) throw new RateLimitedError(wait);

    const account = emailKey.length <= 254 ? await this.#accounts.getByEmail(emailKey) : null;
    const ok = await this.#passwords.verify(
      typeof password === 'string' ? password : '',
      account?.passwordHash ?? (await this.#dummyHash),
    );
    if (!account || !ok) {
      await Promise.all(limiters.map(([l, key]) => l.recordFailure(key)));
      throw PorchlightError.unauthorized(BAD_CREDENTIALS);
    }
    // Only now, so a guesser cannot tell disabled accounts from wrong passwords.
    if (account.disabledAt !== null) throw PorchlightError.unauthorized('account disabled');
    // Success forgives the e-mail (from here, and its slow-down) and the device, not the address:
    // otherwise an attacker with one valid account could reset their address's counter between
    // guesses at others.
    await Promise.all([
      this.#accountLimiter.reset(`${emailKey} ${ipBucket(ip)}`),
      this.#slowdown.reset(emailKey),
      ...(deviceId !== null ? [this.#deviceLimiter.reset(deviceId)] : []),
    ]);
    await this.#upgradeHash(account, password);
    const session = await this.#session(
      account,
      await this.#refresh.issue(account.id, { ip, userAgent }),
    );
    const known = this.#knownDevices?.issue(emailKey, deviceId ?? undefined);
    return known === undefined ? session : { ...session, deviceToken: known };
  }

  /**
   * Rotates a refresh token into a new session pair. UNAUTHORIZED when the token is invalid,
   * reused (the family is revoked), expired, or the account is gone or disabled.
   */
  async refresh(refreshToken: string, client: SessionClient = {}): Promise<Session> {
    const next = await this.#refresh.rotate(refreshToken, client);
    const account = await this.#accounts.get(next.accountId);
    if (!account || account.disabledAt !== null) {
      await this.#refresh.revokeAll(next.accountId);
      throw PorchlightError.unauthorized(account ? 'account disabled' : 'token invalid');
    }
    return this.#session(account, next);
  }

  /**
   * Ends the session of this refresh token; returns its account (whose live sockets must be
   * re-checked), or null. Unknown tokens are ignored (logout always succeeds).
   */
  logout(refreshToken: string): Promise<string | null> {
    return this.#refresh.revoke(refreshToken);
  }

  /**
   * Changes the password of an account that proved its current one. Every session and access
   * token of the account ends (the generation moves); the answer is a fresh session for the
   * caller's client. BAD_REQUEST on a wrong current password (counted like a failed login),
   * BAD_REQUEST when the new one breaks the policy or equals the current one.
   */
  async changePassword(
    accountId: string,
    current: string,
    next: string,
    client: SessionClient = {},
  ): Promise<Session> {
    PasswordHasher.assertAcceptable(next);
    const account = await this.#accounts.get(accountId);
    if (!account || account.disabledAt !== null)
      throw PorchlightError.unauthorized('account unavailable');
    const emailKey = normalizeEmail(account.email);
    const wait = await this.#accountLimiter.retryAfterSeconds(emailKey);
    if (wait > 0) throw new RateLimitedError(wait);
    // A malformed stored hash cannot be matched: an admin reset is the way out, not a 500.
    const ok = await this.#passwords.verify(current, account.passwordHash).catch(() => false);
    if (!ok) {
      await this.#accountLimiter.recordFailure(emailKey);
      // Not 401: the caller is authenticated, and clients treat 401 as "refresh and retry".
      throw PorchlightError.badRequest('current password is wrong');
    }
    if (current === next) throw PorchlightError.badRequest('the new password must differ');
    const passwordHash = await this.#passwords.hash(next);
    await this.#accounts.update(accountId, { passwordHash, mustChangePassword: false });
    await this.signOutEverywhere(accountId);
    const fresh = await this.#accounts.get(accountId);
    if (!fresh) throw PorchlightError.unauthorized('account unavailable');
    return this.#session(fresh, await this.#refresh.issue(accountId, client));
  }

  /**
   * An admin's reset: a random temporary password the account must change at next login. Every
   * session and access token of the account ends. Returns the temporary password (shown once).
   */
  async resetPassword(accountId: string): Promise<string> {
    const temporary = randomBytes(12).toString('base64url');
    const passwordHash = await this.#passwords.hash(temporary);
    if (!(await this.#accounts.update(accountId, { passwordHash, mustChangePassword: true })))
      throw PorchlightError.notFound('account');
    await this.signOutEverywhere(accountId);
    return temporary;
  }

  /** Ends every session and, by moving the token generation, every access token of the account. */
  async signOutEverywhere(accountId: string): Promise<void> {
    await this.#accounts.bumpTokenGeneration(accountId);
    await this.#refresh.revokeAll(accountId);
  }

  async #session(account: Account, refresh: IssuedRefreshToken): Promise<Session> {
    const access = await this.#access.issueAccount(
      account.id,
      account.tokenGeneration ?? 0,
      refresh.familyId,
    );
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: refresh.token,
      sessionId: refresh.familyId,
      refreshTokenExpiresAt: refresh.expiresAt,
      account: toPublicAccount(account),
    };
  }

  /** Re-hashes with current parameters after a successful login; never fails the login. */
  async #upgradeHash(account: Account, password: string): Promise<void> {
    if (!this.#passwords.needsRehash(account.passwordHash)) return;
    try {
      const passwordHash = await this.#passwords.hash(password);
      await this.#accounts.update(account.id, { passwordHash });
    } catch {
      // A password below today's minimum cannot be re-hashed; keep the old hash.
    }
  }
}

export function toPublicAccount(account: Account): PublicAccount {
  return {
    id: account.id,
    email: account.email,
    displayName: account.displayName,
    isAdmin: account.isAdmin,
    createdAt: account.createdAt,
    disabledAt: account.disabledAt,
    mustChangePassword: account.mustChangePassword ?? false,
  };
}

function normalizeEmail(email: string): string {
  return (typeof email === 'string' ? email : '').trim().toLowerCase().slice(0, 320);
}
