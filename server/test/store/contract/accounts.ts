import { beforeEach, describe, expect, it } from 'vitest';
import { DuplicateError } from '../../../src/store/errors.ts';
import type { Store } from '../../../src/store/createStore.ts';
import { T0, account, type ContractScope } from './fixtures.ts';

export function accountsContract(scope: ContractScope): void {
  describe('accounts', () => {
    let store: Store;
    beforeEach(() => {
      store = scope.store;
    });

    it('round-trips every field, including null and booleans', async () => {
      const plain = account();
      const admin = account({ isAdmin: true, disabledAt: T0 + 5, createdAt: T0 + 1 });
      await store.accounts.create(plain);
      await store.accounts.create(admin);
      expect(await store.accounts.get(plain.id)).toStrictEqual(plain);
      expect(await store.accounts.get(admin.id)).toStrictEqual(admin);
      expect(await store.accounts.getByEmail(admin.email)).toStrictEqual(admin);
    });

    it('returns null for missing accounts', async () => {
      expect(await store.accounts.get('nope')).toBeNull();
      expect(await store.accounts.getByEmail('nope@example.com')).toBeNull();
    });

    it('rejects a duplicate e-mail or id with DuplicateError', async () => {
      const a = account();
      await store.accounts.create(a);
      await expect(store.accounts.create(account({ email: a.email }))).rejects.toBeInstanceOf(
        DuplicateError,
      );
      await expect(store.accounts.create(account({ id: a.id }))).rejects.toBeInstanceOf(
        DuplicateError,
      );
      expect(await store.accounts.count()).toBe(1);
    });

    it('lists in creation order and counts', async () => {
      expect(await store.accounts.list()).toStrictEqual([]);
      expect(await store.accounts.count()).toBe(0);
      const later = account({ createdAt: T0 + 10 });
      const earlier = account({ createdAt: T0 });
      await store.accounts.create(later);
      await store.accounts.create(earlier);
      expect(await store.accounts.list()).toStrictEqual([earlier, later]);
      expect(await store.accounts.count()).toBe(2);
    });

    it('updates only the patched fields and reports whether the account exists', async () => {
      const a = account();
      await store.accounts.create(a);
      expect(await store.accounts.update(a.id, { displayName: 'Ada L.', isAdmin: true })).toBe(
        true,
      );
      expect(await store.accounts.get(a.id)).toStrictEqual({
        ...a,
        displayName: 'Ada L.',
        isAdmin: true,
      });
      expect(await store.accounts.update(a.id, { passwordHash: 'h2', disabledAt: T0 + 9 })).toBe(
        true,
      );
      expect(await store.accounts.update(a.id, { disabledAt: null, isAdmin: false })).toBe(true);
      expect(await store.accounts.get(a.id)).toStrictEqual({
        ...a,
        displayName: 'Ada L.',
        passwordHash: 'h2',
      });
      expect(await store.accounts.update(a.id, {})).toBe(true);
      expect(await store.accounts.update('nope', { displayName: 'x' })).toBe(false);
      expect(await store.accounts.update('nope', {})).toBe(false);
    });
  });
}
