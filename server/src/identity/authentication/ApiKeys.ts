import { randomUUID } from 'node:crypto';
import { PorchlightError } from '../../errors.ts';
import type { ApiKey, Store } from '../../store/types.ts';
import { formatCredential, parseCredential } from './credentialFormat.ts';
import { digestsEqual, randomSecret, sha256Hex } from './crypto.ts';

export const API_KEY_PREFIX = 'plk';
const NAME_MAX_LENGTH = 64;
const MAX_SCOPES = 64;
/** lastUsedAt is informational: one write a minute per key is plenty and spares the database. */
const TOUCH_INTERVAL_MS = 60_000;

export type ApiKeyStore = Pick<
  Store,
  'createApiKey' | 'getApiKey' | 'revokeApiKey' | 'touchApiKey' | 'getSite'
>;

export interface ApiKeysOptions {
  store: ApiKeyStore;
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
  readonly #store: ApiKeyStore;
  readonly #allowed: ReadonlySet<string>;
  readonly #now: () => number;

  constructor(o: ApiKeysOptions) {
    this.#store = o.store;
    this.#allowed = new Set(o.allowedScopes);
    this.#now = o.now ?? Date.now;
  }

  /** Throws BAD_REQUEST for a bad name or scope, NOT_FOUND for an unknown site. */
  async create(accountId: string, input: CreateApiKeyInput): Promise<CreatedApiKey> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > NAME_MAX_LENGTH)
      throw PorchlightError.badRequest(`api key name must be 1 to ${NAME_MAX_LENGTH} characters`);
    const scopes = this.#validateScopes(input.scopes);
    if (input.siteId !== null && !(await this.#store.getSite(input.siteId)))
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
    await this.#store.createApiKey(record);
    return { key, record };
  }

  /** The key's record; throws UNAUTHORIZED 'api key invalid' for unknown, wrong or revoked keys. */
  async authenticate(key: string): Promise<ApiKey> {
    const parsed = parseCredential(API_KEY_PREFIX, key);
    const record = parsed ? await this.#store.getApiKey(parsed.id) : null;
    // Compare even when there is no record, so a miss costs the same as a mismatch.
    const matches = digestsEqual(sha256Hex(String(key)), record?.keyHash ?? '');
    if (!record || !matches || record.revokedAt !== null)
      throw PorchlightError.unauthorized('api key invalid');
    const now = this.#now();
    if (record.lastUsedAt === null || now - record.lastUsedAt >= TOUCH_INTERVAL_MS) {
      await this.#store.touchApiKey(record.id, now);
      return { ...record, lastUsedAt: now };
    }
    return record;
  }

  /** Revokes a key (idempotent). Throws NOT_FOUND for an unknown id. */
  async revoke(id: string): Promise<void> {
    const record = await this.#store.getApiKey(id);
    if (!record) throw PorchlightError.notFound('api key');
    if (record.revokedAt === null) await this.#store.revokeApiKey(id, this.#now());
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
