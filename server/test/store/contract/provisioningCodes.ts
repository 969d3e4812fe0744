import { beforeEach, describe, expect, it } from 'vitest';
import { DuplicateError, MissingReferenceError } from '../../../src/store/errors.ts';
import type { Store } from '../../../src/store/createStore.ts';
import { T0, code, seedSite as seedSiteIn, type ContractScope } from './fixtures.ts';

export function provisioningCodesContract(scope: ContractScope): void {
  describe('provisioning codes', () => {
    let store: Store;
    beforeEach(() => {
      store = scope.store;
    });
    const seedSite = (): ReturnType<typeof seedSiteIn> => seedSiteIn(store);

    it('lists by site and redeems exactly once', async () => {
      const { home, camera } = await seedSite();
      const first = code(home.id, camera.id, { createdAt: T0 });
      const second = code(home.id, camera.id, { createdAt: T0 + 1 });
      await store.provisioningCodes.create(first);
      await store.provisioningCodes.create(second);
      expect(await store.provisioningCodes.list(home.id)).toStrictEqual([first, second]);

      expect(await store.provisioningCodes.redeem(first.codeHash, T0 + 1)).toStrictEqual(first);
      expect(await store.provisioningCodes.redeem(first.codeHash, T0 + 1)).toBeNull();
      expect(await store.provisioningCodes.list(home.id)).toStrictEqual([second]);
      expect(await store.provisioningCodes.redeem('unknown', T0)).toBeNull();
    });

    it('lets exactly one of many concurrent redeemers win', async () => {
      const { home, camera } = await seedSite();
      const c = code(home.id, camera.id);
      await store.provisioningCodes.create(c);
      const results = await Promise.all(
        Array.from({ length: 12 }, () => store.provisioningCodes.redeem(c.codeHash, T0)),
      );
      expect(results.filter((r) => r !== null)).toStrictEqual([c]);
    });

    it('refuses an expired code, which stays until deleteExpiredProvisioningCodes', async () => {
      const { home, camera } = await seedSite();
      const expired = code(home.id, camera.id, { expiresAt: T0 + 10 });
      const live = code(home.id, camera.id, { expiresAt: T0 + 20, createdAt: T0 + 1 });
      await store.provisioningCodes.create(expired);
      await store.provisioningCodes.create(live);
      // Expiry is inclusive: at expiresAt the code is dead.
      expect(await store.provisioningCodes.redeem(expired.codeHash, T0 + 10)).toBeNull();
      expect(await store.provisioningCodes.list(home.id)).toStrictEqual([expired, live]);
      expect(await store.provisioningCodes.deleteExpired(T0 + 10)).toBe(1);
      expect(await store.provisioningCodes.deleteExpired(T0 + 10)).toBe(0);
      expect(await store.provisioningCodes.list(home.id)).toStrictEqual([live]);
      expect(await store.provisioningCodes.redeem(live.codeHash, T0 + 19)).toStrictEqual(live);
    });

    it('refuses a duplicate hash and unknown devices', async () => {
      const { home, camera } = await seedSite();
      const c = code(home.id, camera.id);
      await store.provisioningCodes.create(c);
      await expect(store.provisioningCodes.create({ ...c })).rejects.toBeInstanceOf(DuplicateError);
      await expect(
        store.provisioningCodes.create(code(home.id, 'ghost-device')),
      ).rejects.toBeInstanceOf(MissingReferenceError);
    });
  });
}
