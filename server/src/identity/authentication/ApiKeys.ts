import { randomUUID } from 'node:crypto';
import { PorchlightError } from '../../errors.ts';
import type { ApiKey, ApiKeyRepository } from '../../store/repositories/ApiKeyRepository.ts';
import type { SiteRepository } from '../../store/repositories/SiteRepository.ts';
import { formatCredential, parseCredential } from './credentialFormat.ts';
import { digestsEqual, randomSecret, sha256Hex } from './crypto.ts';

export const API_KEY_PREFIX = 'plk';
const NAME_MAX_LENGTH = 64;
const MAX_SCOPES = 64;
/** lastUsedAt is informational: one write a minute per key is plenty and spares the database. */
const TOUCH_INTERVAL_MS = 60_000;

/** The repositories API keys need: their own, and sites to check a key's site exists. */
export interface ApiKeyRepos {
  apiKeys: Pick<ApiKeyRepository, 'create' | 'get' | 'revoke' | 'touch'>;
  sites: Pick<SiteRepository, 'get'>;
}

export interface ApiKeysOptions {
  repos: ApiKeyRepos;
  /** Scopes a key may carry (action names, e.g. the policy's ACTIONS). Exact matches only. */
  allowedScopes: readonly string[];
  /** Unix ms. Default Date.now. */
  now?: () => number;
}

export interface CreateApiKeyInput {
  name: string;
  scopes: readonly string[];
  /** null = every site the account can reach. */
  siteId: string | null;
}

export interface CreatedApiKey {
  /** `plk_<id>_<secret>`: shown to the user once, never stored. */
  key: string;
  record: ApiKey;
}

/**
 * API keys for scripts and integrations: `plk_<id>_<secret>`, stored as SHA-256 of the whole key.
 * A key's scopes only narrow what its account may do; checking that the account itself may do
 * them (and may create keys) is the caller's authorization step.
 */
export class ApiKeys {
  readonly #repos: ApiKeyRepos;
  readonly #allowed: ReadonlySet<string>;
  readonly #now: () => number;

  constructor(o: ApiKeysOptions) {
    this.#repos = o.repos;
    this.#allowed = new Set(o.allowedScopes);
    this.#now = o.now ?? Date.now;
  }

  /** Throws BAD_REQUEST for a bad name or scope, NOT_FOUND for an unknown site. */
  async create(accountId: string, input: CreateApiKeyInput): Promise<CreatedApiKey> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > NAME_MAX_LENGTH)
      throw PorchlightError.badRequest(`api key name must be 1 to ${NAME_MAX_LENGTH} characters`);
    const scopes = this.#validateScopes(input.scopes);
    if (input.siteId !== null && !(await this.#repos.sites.get(input.siteId)))
      throw PorchlightError.notFound('site');
    const id = randomUUID();
    const key = formatCredential(API_KEY_PREFIX, id, randomSecret(32));
    const record: ApiKey = {
      id,
      accountId,
      name,
      scopes,
      siteId: input.siteId,
      keyHash: sha256Hex(key),
      createdAt: this.#now(),
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.#repos.apiKeys.create(record);
    return { key, record };
  }

  /** The key's record; throws UNAUTHORIZED 'api key invalid' for unknown, wrong or revoked keys. */
  async authenticate(key: string): Promise<ApiKey> {
    const parsed = parseCredential(API_KEY_PREFIX, key);
    const record = parsed ? await this.#repos.apiKeys.get(parsed.id) : null;
    // Compare even when there is no record, so a miss costs the same as a mismatch.
    const matches = digestsEqual(sha256Hex(String(key)), record?.keyHash ?? '');
    if (!record || !matches || record.revokedAt !== null)
      throw PorchlightError.unauthorized('api key invalid');
    const now = this.#now();
    if (record.lastUsedAt === null || now - record.lastUsedAt >= TOUCH_INTERVAL_MS) {
      await this.#repos.apiKeys.touch(record.id, now);
      return { ...record, lastUsedAt: now };
    }
    return record;
  }

  /** Revokes a key (idempotent). Throws NOT_FOUND for an unknown id. */
  async revoke(id: string): Promise<void> {
    const record = await this.#repos.apiKeys.get(id);
    if (!record) throw PorchlightError.notFound('api key');
    if (record.revokedAt === null) await this.#repos.apiKeys.revoke(id, this.#now());
  }

  #validateScopes(scopes: readonly string[]): string[] {
    if (!Array.isArray(scopes) || scopes.length === 0)
      throw PorchlightError.badRequest('api key needs at least one scope');
    if (scopes.length > MAX_SCOPES) throw PorchlightError.badRequest('too many scopes');
    for (const scope of scopes)
      if (typeof scope !== 'string' || !this.#allowed.has(scope))
        throw PorchlightError.badRequest(`unknown scope: ${String(scope).slice(0, 64)}`);
    return [...new Set(scopes)];
  }
}
