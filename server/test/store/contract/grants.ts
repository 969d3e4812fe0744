import { beforeEach, describe, expect, it } from 'vitest';
import { DuplicateError, MissingReferenceError } from '../../../src/store/errors.ts';
import type { Store } from '../../../src/store/createStore.ts';
import { T0, account, grant, seedSite as seedSiteIn, type ContractScope } from './fixtures.ts';

export function grantsContract(scope: ContractScope): void {
  describe('grants', () => {
    let store: Store;
    beforeEach(() => {
      store = scope.store;
    });
    const seedSite = (): ReturnType<typeof seedSiteIn> => seedSiteIn(store);

    it('round-trips device lists, null device lists and time windows', async () => {
      const { owner, home, camera } = await seedSite();
      const narrow = grant(owner.id, home.id, {
        role: 'guest',
        deviceIds: [camera.id, 'another-device'],
        validFrom: T0 + 1,
        validUntil: T0 + 2,
        createdBy: owner.id,
      });
      const empty = grant(owner.id, home.id, { role: 'installer', deviceIds: [] });
      const wide = grant(owner.id, home.id, { role: 'owner' });
      for (const g of [narrow, empty, wide]) await store.grants.create(g);
      expect(await store.grants.get(narrow.id)).toStrictEqual(narrow);
      expect(await store.grants.get(empty.id)).toStrictEqual(empty);
      expect(await store.grants.get(wide.id)).toStrictEqual(wide);
      expect(await store.grants.get('nope')).toBeNull();
    });

    it('lists for account and site, revoked ones only when asked', async () => {
      const { owner, home } = await seedSite();
      const guest = account();
      await store.accounts.create(guest);
      const ownerGrant = grant(owner.id, home.id, { role: 'owner', createdAt: T0 });
      const guestGrant = grant(guest.id, home.id, { role: 'guest', createdAt: T0 + 1 });
      const oldGrant = grant(guest.id, home.id, { createdAt: T0 + 2 });
      for (const g of [ownerGrant, guestGrant, oldGrant]) await store.grants.create(g);

      expect(await store.grants.revoke(oldGrant.id, T0 + 50)).toBe(true);
      const revoked = { ...oldGrant, revokedAt: T0 + 50 };

      expect(await store.grants.listForAccount(guest.id)).toStrictEqual([guestGrant]);
      expect(await store.grants.listForAccount(guest.id, true)).toStrictEqual([
        guestGrant,
        revoked,
      ]);
      expect(await store.grants.listForSite(home.id)).toStrictEqual([ownerGrant, guestGrant]);
      expect(await store.grants.listForSite(home.id, true)).toStrictEqual([
        ownerGrant,
        guestGrant,
        revoked,
      ]);
      expect(await store.grants.listForAccount('nobody', true)).toStrictEqual([]);
    });

    it('revoking keeps the first revocation time and reports whether the grant exists', async () => {
      const { owner, home } = await seedSite();
      const g = grant(owner.id, home.id);
      await store.grants.create(g);
      expect(await store.grants.revoke(g.id, T0 + 1)).toBe(true);
      expect(await store.grants.revoke(g.id, T0 + 2)).toBe(true);
      expect((await store.grants.get(g.id))?.revokedAt).toBe(T0 + 1);
      expect(await store.grants.revoke('nope', T0)).toBe(false);
    });

    it('refuses a grant for an unknown account or site', async () => {
      const { owner, home } = await seedSite();
      await expect(store.grants.create(grant('ghost', home.id))).rejects.toBeInstanceOf(
        MissingReferenceError,
      );
      await expect(store.grants.create(grant(owner.id, 'ghost'))).rejects.toBeInstanceOf(
        MissingReferenceError,
      );
      const g = grant(owner.id, home.id);
      await store.grants.create(g);
      await expect(store.grants.create({ ...g })).rejects.toBeInstanceOf(DuplicateError);
    });
  });
}
