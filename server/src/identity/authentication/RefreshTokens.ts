import { randomUUID } from 'node:crypto';
import { PorchlightError } from '../../errors.ts';
import type {
  RefreshToken,
  RefreshTokenRepository,
} from '../../store/repositories/RefreshTokenRepository.ts';
import { randomSecret, sha256Hex } from './crypto.ts';

export const REFRESH_TOKEN_PREFIX = 'plr_';
const FORMAT = /^plr_[A-Za-z0-9_-]{43}$/;

export interface RefreshTokensOptions {
  sessions: RefreshTokenRepository;
  /** Unix ms. Default Date.now. */
  now?: () => number;
  /**
   * Lifetime of each token. Default 30 days. Every rotation starts a fresh lifetime, so a session
   * used at least once a month lives on; revokeAll (password change, disable) ends it.
   */
  ttlSeconds?: number;
}

/** Who holds a session, as shown in the sessions list. */
export interface SessionClient {
  userAgent?: string | undefined;
  ip?: string | undefined;
}

/** One live login session (a rotation family), as listed to its owner or an admin. */
export interface SessionInfo {
  /** The family id: what revocation takes. */
  id: string;
  userAgent: string | null;
  ip: string | null;
  /** Unix ms: the login. */
  createdAt: number;
  /** Unix ms: the last login or refresh. */
  lastUsedAt: number;
  expiresAt: number;
}

/** User agents are shown, not parsed: a cap keeps a hostile header from bloating the table. */
const MAX_USER_AGENT = 256;

/** A refresh token as handed to the client: the plaintext exists only here. */
export interface IssuedRefreshToken {
  token: string;
  id: string;
  accountId: string;
  familyId: string;
  /** Unix ms. */
  expiresAt: number;
}

/**
 * Opaque refresh tokens (`plr_` + 32 random bytes), stored as SHA-256 and rotated on every use.
 * All tokens descending from one login form a family; presenting a token that was already
 * rotated means it was copied (the thief or the owner used it second), so the whole family is
 * revoked and both parties must log in again.
 */
export class RefreshTokens {
  readonly #sessions: RefreshTokenRepository;
  readonly #now: () => number;
  readonly #ttlMs: number;

  constructor(o: RefreshTokensOptions) {
    this.#sessions = o.sessions;
    this.#now = o.now ?? Date.now;
    this.#ttlMs = (o.ttlSeconds ?? 30 * 24 * 3600) * 1000;
  }

  /** Starts a new family (a new login session). */
  issue(accountId: string, client: SessionClient = {}): Promise<IssuedRefreshToken> {
    return this.#issue(accountId, randomUUID(), this.#now(), client);
  }

  /**
   * Exchanges a valid token for its successor in the same family. Throws UNAUTHORIZED 'token
   * invalid' (unknown, revoked, reused — the family is then revoked) or 'token expired'.
   */
  async rotate(token: string, client: SessionClient = {}): Promise<IssuedRefreshToken> {
    const record = await this.#find(token);
    if (!record || record.revokedAt !== null) throw PorchlightError.unauthorized('token invalid');
    const now = this.#now();
    if (record.usedAt !== null) return this.#reused(record, now);
    if (record.expiresAt <= now) throw PorchlightError.unauthorized('token expired');
    // The store marks it used atomically: of two concurrent rotations only one wins, and the
    // loser is treated as reuse.
    if (!(await this.#sessions.markUsed(record.id, now))) return this.#reused(record, now);
    return this.#issue(
      record.accountId,
      record.familyId,
      record.sessionCreatedAt ?? record.createdAt,
      client,
    );
  }

  /** The account's live sessions, most recently used first. */
  async list(accountId: string): Promise<SessionInfo[]> {
    const live = await this.#sessions.listLive(accountId, this.#now());
    return live.map((t) => ({
      id: t.familyId,
      userAgent: t.userAgent ?? null,
      ip: t.ip ?? null,
      createdAt: t.sessionCreatedAt ?? t.createdAt,
      lastUsedAt: t.createdAt,
      expiresAt: t.expiresAt,
    }));
  }

  /** Ends one session of the account; false when it has no such live session. */
  async revokeSession(accountId: string, sessionId: string): Promise<boolean> {
    const live = await this.#sessions.listLive(accountId, this.#now());
    if (!live.some((t) => t.familyId === sessionId)) return false;
    await this.#sessions.revokeFamily(sessionId, this.#now());
    return true;
  }

  /** The session (family id) a token belongs to, if it is the live token of one. */
  async sessionOf(token: string): Promise<string | null> {
    const record = await this.#find(token);
    return record && record.usedAt === null && record.revokedAt === null ? record.familyId : null;
  }

  /** Ends the session the token belongs to (logout). Unknown tokens are ignored; returns its account, or null. */
  async revoke(token: string): Promise<string | null> {
    const record = await this.#find(token);
    if (!record) return null;
    await this.#sessions.revokeFamily(record.familyId, this.#now());
    return record.accountId;
  }

  /** Ends every session of an account; returns how many tokens were revoked. */
  revokeAll(accountId: string): Promise<number> {
    return this.#sessions.revokeForAccount(accountId, this.#now());
  }

  /** Deletes expired tokens; returns how many. */
  purgeExpired(): Promise<number> {
    return this.#sessions.deleteExpired(this.#now());
  }

  async #issue(
    accountId: string,
    familyId: string,
    sessionCreatedAt: number,
    client: SessionClient,
  ): Promise<IssuedRefreshToken> {
    const token = REFRESH_TOKEN_PREFIX + randomSecret(32);
    const now = this.#now();
    const record: RefreshToken = {
      id: randomUUID(),
      accountId,
      familyId,
      tokenHash: sha256Hex(token),
      expiresAt: now + this.#ttlMs,
      createdAt: now,
      usedAt: null,
      revokedAt: null,
      sessionCreatedAt,
      userAgent: client.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
      ip: client.ip ?? null,
    };
    await this.#sessions.create(record);
    return { token, id: record.id, accountId, familyId, expiresAt: record.expiresAt };
  }

  #find(token: string): Promise<RefreshToken | null> {
    if (typeof token !== 'string' || !FORMAT.test(token)) return Promise.resolve(null);
    return this.#sessions.getByHash(sha256Hex(token));
  }

  async #reused(record: RefreshToken, now: number): Promise<never> {
    await this.#sessions.revokeFamily(record.familyId, now);
    throw PorchlightError.unauthorized('token invalid');
  }
}
