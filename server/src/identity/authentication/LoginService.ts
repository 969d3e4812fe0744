import { randomBytes } from 'node:crypto';
import { PorchlightError } from '../../errors.ts';
import type { Account, AccountRepository } from '../../store/repositories/AccountRepository.ts';
import type { AccessTokens } from './AccessTokens.ts';
import { ipBucket } from './ipBucket.ts';
import type { KnownDevices } from './KnownDevices.ts';
import { LoginRateLimiter, type LockoutLimiter } from './LoginRateLimiter.ts';
import type { PasswordHasher } from './passwords.ts';
import { RateLimitedError } from './RateLimitedError.ts';
import type { RefreshTokens } from './RefreshTokens.ts';

export type LoginAccounts = Pick<AccountRepository, 'get' | 'getByEmail' | 'update'>;

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
export type PublicAccount = Omit<Account, 'passwordHash'>;

export interface Session {
  accessToken: string;
  /** Unix ms. */
  accessTokenExpiresAt: number;
  refreshToken: string;
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
  async login(email: string, password: string, ip: string, deviceToken?: string): Promise<Session> {
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
    const session = await this.#session(account, await this.#refresh.issue(account.id));
    const known = this.#knownDevices?.issue(emailKey, deviceId ?? undefined);
    return known === undefined ? session : { ...session, deviceToken: known };
  }

  /**
   * Rotates a refresh token into a new session pair. UNAUTHORIZED when the token is invalid,
   * reused (the family is revoked), expired, or the account is gone or disabled.
   */
  async refresh(refreshToken: string): Promise<Session> {
    const next = await this.#refresh.rotate(refreshToken);
    const account = await this.#accounts.get(next.accountId);
    if (!account || account.disabledAt !== null) {
      await this.#refresh.revokeAll(next.accountId);
      throw PorchlightError.unauthorized(account ? 'account disabled' : 'token invalid');
    }
    return this.#session(account, next);
  }

  /** Ends the session of this refresh token. Unknown tokens are ignored (logout always succeeds). */
  async logout(refreshToken: string): Promise<void> {
    await this.#refresh.revoke(refreshToken);
  }

  async #session(
    account: Account,
    refresh: { token: string; expiresAt: number },
  ): Promise<Session> {
    const access = await this.#access.issueAccount(account.id);
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: refresh.token,
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
  };
}

function normalizeEmail(email: string): string {
  return (typeof email === 'string' ? email : '').trim().toLowerCase().slice(0, 320);
}
