import { beforeEach, describe, expect, it } from 'vitest';
import { DuplicateError } from '../../../src/store/errors.ts';
import type { Store } from '../../../src/store/createStore.ts';
import { T0, apiKey, seedSite as seedSiteIn, type ContractScope } from './fixtures.ts';

export function apiKeysContract(scope: ContractScope): void {
  describe('API keys', () => {
    let store: Store;
    beforeEach(() => {
      store = scope.store;
    });
    const seedSite = (): ReturnType<typeof seedSiteIn> => seedSiteIn(store);

    it('round-trips scopes (including none) and site scoping; looks up by id and hash', async () => {
      const { owner, home } = await seedSite();
      const scoped = apiKey(owner.id, {
        scopes: ['stream:view-live', 'recording:view'],
        siteId: home.id,
        createdAt: T0 + 1,
      });
      const none = apiKey(owner.id, { scopes: [], lastUsedAt: T0, revokedAt: T0 + 1 });
      await store.apiKeys.create(scoped);
      await store.apiKeys.create(none);
      expect(await store.apiKeys.get(scoped.id)).toStrictEqual(scoped);
      expect(await store.apiKeys.getByHash(none.keyHash)).toStrictEqual(none);
      expect(await store.apiKeys.list(owner.id)).toStrictEqual([none, scoped]);
      expect(await store.apiKeys.list('nobody')).toStrictEqual([]);
      expect(await store.apiKeys.get('nope')).toBeNull();
      expect(await store.apiKeys.getByHash('nope')).toBeNull();
      await expect(
        store.apiKeys.create(apiKey(owner.id, { keyHash: scoped.keyHash })),
      ).rejects.toBeInstanceOf(DuplicateError);
    });

    it('revokes (keeping the first time) and touches (never backwards)', async () => {
      const { owner } = await seedSite();
      const k = apiKey(owner.id);
      await store.apiKeys.create(k);

      await store.apiKeys.touch(k.id, T0 + 10);
      expect((await store.apiKeys.get(k.id))?.lastUsedAt).toBe(T0 + 10);
      await store.apiKeys.touch(k.id, T0 + 5);
      expect((await store.apiKeys.get(k.id))?.lastUsedAt).toBe(T0 + 10);
      await store.apiKeys.touch(k.id, T0 + 20);
      expect((await store.apiKeys.get(k.id))?.lastUsedAt).toBe(T0 + 20);
      await store.apiKeys.touch('nope', T0);

      expect(await store.apiKeys.revoke(k.id, T0 + 30)).toBe(true);
      expect(await store.apiKeys.revoke(k.id, T0 + 40)).toBe(true);
      expect(await store.apiKeys.get(k.id)).toStrictEqual({
        ...k,
        lastUsedAt: T0 + 20,
        revokedAt: T0 + 30,
      });
      expect(await store.apiKeys.revoke('nope', T0)).toBe(false);
    });
  });
}
