import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/createStore.ts';
import type { Invitation } from '../../../src/store/repositories/InvitationRepository.ts';
import { T0, seedSite, type ContractScope } from './fixtures.ts';

function invitation(siteId: string, createdBy: string, over: Partial<Invitation> = {}): Invitation {
  return {
    id: randomUUID(),
    tokenHash: randomUUID(),
    siteId,
    email: null,
    displayName: 'Walker',
    role: 'guest',
    deviceIds: ['d1', 'd2'],
    validFrom: null,
    validUntil: T0 + 5000,
    expiresAt: T0 + 1000,
    createdBy,
    createdAt: T0,
    acceptedAt: null,
    acceptedBy: null,
    revokedAt: null,
    ...over,
  };
}

export function invitationsContract(scope: ContractScope): void {
  describe('invitations', () => {
    let store: Store;
    beforeEach(() => {
      store = scope.store;
    });

    it('round-trips, lists newest first, and cascades with the site', async () => {
      const { owner, home } = await seedSite(store);
      const first = invitation(home.id, owner.id, { deviceIds: null, email: 'a@example.com' });
      const second = invitation(home.id, owner.id, { createdAt: T0 + 1 });
      await store.invitations.create(first);
      await store.invitations.create(second);
      expect(await store.invitations.get(first.id)).toStrictEqual(first);
      expect(await store.invitations.getByTokenHash(second.tokenHash)).toStrictEqual(second);
      expect(await store.invitations.listForSite(home.id)).toStrictEqual([second, first]);
      await store.sites.delete(home.id);
      expect(await store.invitations.get(first.id)).toBeNull();
    });

    it('claims once, only while pending and unexpired; unclaim makes it pending again', async () => {
      const { owner, home } = await seedSite(store);
      const i = invitation(home.id, owner.id);
      await store.invitations.create(i);
      // Expired at expiresAt exactly.
      expect(await store.invitations.claim(i.tokenHash, 'x', i.expiresAt)).toBeNull();
      const [one, two] = await Promise.all([
        store.invitations.claim(i.tokenHash, 'a1', T0 + 10),
        store.invitations.claim(i.tokenHash, 'a2', T0 + 10),
      ]);
      const won = [one, two].filter((c) => c !== null);
      expect(won).toHaveLength(1);
      expect(won[0]).toMatchObject({ id: i.id, acceptedAt: T0 + 10 });
      expect(await store.invitations.revoke(i.id, T0 + 11)).toBe(false);
      await store.invitations.unclaim(i.id);
      expect(await store.invitations.get(i.id)).toStrictEqual(i);
      expect(await store.invitations.revoke(i.id, T0 + 12)).toBe(true);
      expect(await store.invitations.claim(i.tokenHash, 'a1', T0 + 13)).toBeNull();
      expect((await store.invitations.get(i.id))!.revokedAt).toBe(T0 + 12);
    });
  });
}
