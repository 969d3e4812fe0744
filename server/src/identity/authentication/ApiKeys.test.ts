import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '@porchlight/protocol';
import type { Store } from '../../store/createStore.ts';
import type { Account, Site } from '../../store/types.ts';
import { ApiKeys } from './ApiKeys.ts';
import { sha256Hex } from './crypto.ts';
import { fakeClock, seededFileStore, seededStore, type FakeClock } from '../testSupport.ts';

const allowedScopes = ['stream:view-live', 'stream:view-recording', 'site:read'];
const invalid = { code: ErrorCode.Unauthorized, message: 'api key invalid' };

describe('ApiKeys', () => {
  let store: Store;
  let account: Account;
  let site: Site;
  let clock: FakeClock;
  let keys: ApiKeys;

  beforeEach(async () => {
    ({ store, account, site } = await seededStore());
    clock = fakeClock();
    keys = new ApiKeys({ repos: store, allowedScopes, now: clock.now });
  });
  afterEach(() => store.close());

  const create = (overrides: Partial<Parameters<ApiKeys['create']>[1]> = {}) =>
    keys.create(account.id, {
      name: 'nvr',
      scopes: ['stream:view-live'],
      siteId: null,
      ...overrides,
    });

  it('creates plk_<id>_<secret> keys, stored only hashed', async () => {
    const { key, record } = await create({ siteId: site.id });
    expect(key).toMatch(/^plk_[0-9a-f-]{36}_[A-Za-z0-9_-]{43}$/);
    expect(key.split('_')[1]).toBe(record.id);
    expect(record).toMatchObject({
      accountId: account.id,
      name: 'nvr',
      scopes: ['stream:view-live'],
      siteId: site.id,
      keyHash: sha256Hex(key),
      lastUsedAt: null,
      revokedAt: null,
    });
    const stored = await store.apiKeys.list(account.id);
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(key.slice(-43));
  });

  it('never writes a key to the database in plaintext', async () => {
    const db = await seededFileStore();
    try {
      const k = new ApiKeys({ repos: db.store, allowedScopes, now: clock.now });
      const { key } = await k.create(db.account.id, {
        name: 'n',
        scopes: ['site:read'],
        siteId: null,
      });
      await k.authenticate(key);
      const dump = db.dump();
      expect(dump).toContain(sha256Hex(key));
      expect(dump).not.toContain(key.slice(-43));
    } finally {
      await db.cleanup();
    }
  });

  it('authenticates a key and returns its record', async () => {
    const { key, record } = await create();
    const found = await keys.authenticate(key);
    expect(found).toMatchObject({ id: record.id, accountId: account.id, lastUsedAt: clock.now() });
  });

  it('touches lastUsedAt at most once a minute', async () => {
    const { key, record } = await create();
    const touch = vi.spyOn(store.apiKeys, 'touch');
    await keys.authenticate(key);
    clock.advance(30_000);
    await keys.authenticate(key);
    clock.advance(29_000);
    await keys.authenticate(key);
    expect(touch).toHaveBeenCalledTimes(1);
    clock.advance(1_000);
    await keys.authenticate(key);
    expect(touch).toHaveBeenCalledTimes(2);
    expect((await store.apiKeys.get(record.id))?.lastUsedAt).toBe(clock.now());
  });

  it('refuses unknown, malformed and wrong-secret keys', async () => {
    const { key, record } = await create();
    const wrongSecret = `plk_${record.id}_${'A'.repeat(43)}`;
    await expect(keys.authenticate(wrongSecret)).rejects.toMatchObject(invalid);
    const unknownId = key.replace(record.id, '00000000-0000-4000-8000-000000000000');
    await expect(keys.authenticate(unknownId)).rejects.toMatchObject(invalid);
    await expect(keys.authenticate('plk_garbage')).rejects.toMatchObject(invalid);
    await expect(keys.authenticate(key + 'x')).rejects.toMatchObject(invalid);
  });

  it('refuses a revoked key; revoke is idempotent and 404s on unknown ids', async () => {
    const { key, record } = await create();
    await keys.revoke(record.id);
    await expect(keys.authenticate(key)).rejects.toMatchObject(invalid);
    await expect(keys.revoke(record.id)).resolves.toBeUndefined();
    await expect(keys.revoke('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    });
  });

  it('validates scopes against the allow-list', async () => {
    const badRequest = { code: ErrorCode.BadRequest };
    await expect(create({ scopes: ['admin:accounts'] })).rejects.toMatchObject({
      ...badRequest,
      message: 'unknown scope: admin:accounts',
    });
    await expect(create({ scopes: ['*'] })).rejects.toMatchObject(badRequest);
    await expect(create({ scopes: ['stream:*'] })).rejects.toMatchObject(badRequest);
    await expect(create({ scopes: [] })).rejects.toMatchObject(badRequest);
    const { record } = await create({ scopes: ['site:read', 'stream:view-live', 'site:read'] });
    expect(record.scopes).toEqual(['site:read', 'stream:view-live']);
    expect(await store.apiKeys.list(account.id)).toHaveLength(1);
  });

  it('validates name and site', async () => {
    await expect(create({ name: '   ' })).rejects.toMatchObject({ code: ErrorCode.BadRequest });
    await expect(create({ name: 'x'.repeat(65) })).rejects.toMatchObject({
      code: ErrorCode.BadRequest,
    });
    await expect(create({ siteId: 'no-such-site' })).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    });
  });
});
