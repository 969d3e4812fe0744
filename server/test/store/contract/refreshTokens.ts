import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { DuplicateError, MissingReferenceError } from '../../../src/store/errors.ts';
import type { Store } from '../../../src/store/createStore.ts';
import {
  T0,
  account,
  refreshToken,
  seedSite as seedSiteIn,
  type ContractScope,
} from './fixtures.ts';

export function refreshTokensContract(scope: ContractScope): void {
  describe('refresh tokens', () => {
    let store: Store;
    beforeEach(() => {
      store = scope.store;
    });
    const seedSite = (): ReturnType<typeof seedSiteIn> => seedSiteIn(store);

    it('round-trips and looks up by hash', async () => {
      const { owner } = await seedSite();
      const t = refreshToken(owner.id);
      const used = refreshToken(owner.id, { usedAt: T0 + 1, revokedAt: T0 + 2 });
      await store.sessions.create(t);
      await store.sessions.create(used);
      expect(await store.sessions.getByHash(t.tokenHash)).toStrictEqual(t);
      expect(await store.sessions.getByHash(used.tokenHash)).toStrictEqual(used);
      expect(await store.sessions.getByHash('nope')).toBeNull();
      await expect(
        store.sessions.create(refreshToken(owner.id, { tokenHash: t.tokenHash })),
      ).rejects.toBeInstanceOf(DuplicateError);
    });

    it('marks a token used once: a second use is reuse', async () => {
      const { owner } = await seedSite();
      const t = refreshToken(owner.id);
      await store.sessions.create(t);
      expect(await store.sessions.markUsed(t.id, T0 + 1)).toBe(true);
      expect(await store.sessions.markUsed(t.id, T0 + 2)).toBe(false);
      expect((await store.sessions.getByHash(t.tokenHash))?.usedAt).toBe(T0 + 1);
      expect(await store.sessions.markUsed('nope', T0)).toBe(false);
    });

    it('lets exactly one of many concurrent rotations win', async () => {
      const { owner } = await seedSite();
      const t = refreshToken(owner.id);
      await store.sessions.create(t);
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => store.sessions.markUsed(t.id, T0 + i)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('revokes a family, then an account; revoked tokens cannot be used', async () => {
      const { owner } = await seedSite();
      const other = account();
      await store.accounts.create(other);
      const family = randomUUID();
      const a = refreshToken(owner.id, { familyId: family });
      const b = refreshToken(owner.id, { familyId: family });
      const c = refreshToken(owner.id);
      const d = refreshToken(other.id);
      for (const t of [a, b, c, d]) await store.sessions.create(t);

      expect(await store.sessions.revokeFamily(family, T0 + 1)).toBe(2);
      expect(await store.sessions.revokeFamily(family, T0 + 2)).toBe(0);
      expect((await store.sessions.getByHash(a.tokenHash))?.revokedAt).toBe(T0 + 1);
      expect(await store.sessions.markUsed(b.id, T0 + 3)).toBe(false);
      expect((await store.sessions.getByHash(c.tokenHash))?.revokedAt).toBeNull();

      expect(await store.sessions.revokeForAccount(owner.id, T0 + 4)).toBe(1);
      expect((await store.sessions.getByHash(c.tokenHash))?.revokedAt).toBe(T0 + 4);
      expect((await store.sessions.getByHash(b.tokenHash))?.revokedAt).toBe(T0 + 1);
      expect(await store.sessions.getByHash(d.tokenHash)).toStrictEqual(d);
    });

    it('deletes expired tokens (expiry inclusive)', async () => {
      const { owner } = await seedSite();
      const old = refreshToken(owner.id, { expiresAt: T0 + 10 });
      const fresh = refreshToken(owner.id, { expiresAt: T0 + 11 });
      await store.sessions.create(old);
      await store.sessions.create(fresh);
      expect(await store.sessions.deleteExpired(T0 + 10)).toBe(1);
      expect(await store.sessions.getByHash(old.tokenHash)).toBeNull();
      expect(await store.sessions.getByHash(fresh.tokenHash)).toStrictEqual(fresh);
    });

    it('refuses a token for an unknown account', async () => {
      await expect(store.sessions.create(refreshToken('ghost'))).rejects.toBeInstanceOf(
        MissingReferenceError,
      );
    });
  });
}
