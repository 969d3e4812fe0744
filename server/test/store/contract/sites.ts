import { beforeEach, describe, expect, it } from 'vitest';
import { DuplicateError } from '../../../src/store/errors.ts';
import type { Store } from '../../../src/store/createStore.ts';
import {
  T0,
  site,
  grant,
  device,
  code,
  apiKey,
  auditEvent,
  seedSite as seedSiteIn,
  type ContractScope,
} from './fixtures.ts';

export function sitesContract(scope: ContractScope): void {
  describe('sites', () => {
    let store: Store;
    beforeEach(() => {
      store = scope.store;
    });
    const seedSite = (): ReturnType<typeof seedSiteIn> => seedSiteIn(store);

    it('creates, reads, lists, renames and deletes', async () => {
      const a = site({ createdAt: T0 + 1 });
      const b = site({ createdAt: T0 });
      await store.sites.create(a);
      await store.sites.create(b);
      expect(await store.sites.get(a.id)).toStrictEqual(a);
      expect(await store.sites.list()).toStrictEqual([b, a]);
      expect(await store.sites.update(a.id, { name: 'Cabin' })).toBe(true);
      expect(await store.sites.get(a.id)).toStrictEqual({ ...a, name: 'Cabin' });
      expect(await store.sites.update('nope', { name: 'x' })).toBe(false);
      expect(await store.sites.delete(a.id)).toBe(true);
      expect(await store.sites.delete(a.id)).toBe(false);
      expect(await store.sites.get(a.id)).toBeNull();
      expect(await store.sites.list()).toStrictEqual([b]);
    });

    it('rejects a duplicate id with DuplicateError', async () => {
      const s = site();
      await store.sites.create(s);
      await expect(store.sites.create(site({ id: s.id }))).rejects.toBeInstanceOf(DuplicateError);
    });

    it('deleting a site removes its grants, devices, codes and site-scoped API keys', async () => {
      const { owner, home, camera } = await seedSite();
      const other = site();
      await store.sites.create(other);
      const otherCamera = device(other.id);
      await store.devices.create(otherCamera);
      const homeGrant = grant(owner.id, home.id);
      const otherGrant = grant(owner.id, other.id);
      await store.grants.create(homeGrant);
      await store.grants.create(otherGrant);
      const homeCode = code(home.id, camera.id);
      const otherCode = code(other.id, otherCamera.id);
      await store.provisioningCodes.create(homeCode);
      await store.provisioningCodes.create(otherCode);
      const scopedKey = apiKey(owner.id, { siteId: home.id });
      const globalKey = apiKey(owner.id);
      await store.apiKeys.create(scopedKey);
      await store.apiKeys.create(globalKey);
      const auditId = await store.audit.append(auditEvent({ resource: `site/${home.id}` }));

      expect(await store.sites.delete(home.id)).toBe(true);

      expect(await store.grants.get(homeGrant.id)).toBeNull();
      expect(await store.grants.listForSite(home.id, true)).toStrictEqual([]);
      expect(await store.devices.get(camera.id)).toBeNull();
      expect(await store.devices.list(home.id)).toStrictEqual([]);
      expect(await store.provisioningCodes.list(home.id)).toStrictEqual([]);
      expect(await store.provisioningCodes.redeem(homeCode.codeHash, T0)).toBeNull();
      expect(await store.apiKeys.get(scopedKey.id)).toBeNull();
      // Everything else survives: the account, the other site, and the audit trail.
      expect(await store.accounts.get(owner.id)).toStrictEqual(owner);
      expect(await store.apiKeys.get(globalKey.id)).toStrictEqual(globalKey);
      expect(await store.grants.get(otherGrant.id)).toStrictEqual(otherGrant);
      expect(await store.devices.get(otherCamera.id)).toStrictEqual(otherCamera);
      expect(await store.provisioningCodes.list(other.id)).toStrictEqual([otherCode]);
      expect((await store.audit.query({})).map((e) => e.id)).toStrictEqual([auditId]);
    });
  });
}
