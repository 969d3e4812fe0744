import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/createStore.ts';
import type {
  Account,
  ApiKey,
  Device,
  Grant,
  NewAuditEvent,
  Site,
} from '../../../src/store/types.ts';
import {
  HOSTILE,
  account,
  site,
  grant,
  device,
  apiKey,
  auditEvent,
  short,
  type ContractScope,
} from './fixtures.ts';

export function hostileInputContract(scope: ContractScope): void {
  describe('hostile input', () => {
    let store: Store;
    beforeEach(() => {
      store = scope.store;
    });

    it('stores and returns every string byte-exact and leaves the tables intact', async () => {
      const home = site();
      await store.sites.create(home);
      const written: {
        account: Account;
        site: Site;
        device: Device;
        grant: Grant;
        key: ApiKey;
        event: NewAuditEvent & { id: number };
      }[] = [];

      for (const [i, s] of HOSTILE.entries()) {
        const a = account({
          id: `acct-${i}-${short(s)}`,
          email: `${i}-${short(s)}`,
          displayName: s,
          passwordHash: s,
        });
        const st = site({ id: `site-${i}-${short(s)}`, name: s });
        const d = device(st.id, {
          id: `dev-${i}-${short(s)}`,
          name: s,
          credentialHash: short(s),
          lastAddress: s,
          userAgent: s,
          firmware: s,
        });
        const g = grant(a.id, st.id, {
          id: `grant-${i}-${short(s)}`,
          deviceIds: [s, d.id, ''],
          createdBy: s,
        });
        const k = apiKey(a.id, {
          id: `key-${i}-${short(s)}`,
          name: s,
          scopes: [s, s],
          siteId: st.id,
          keyHash: `hash-${i}-${short(s)}`,
        });
        await store.accounts.create(a);
        await store.sites.create(st);
        await store.devices.create(d);
        await store.grants.create(g);
        await store.apiKeys.create(k);
        const e: NewAuditEvent = auditEvent({
          actorId: `actor-${i}-${short(s)}`,
          action: s,
          resource: `site/${st.id}/device/${short(s)}`,
          ip: s,
          detail: { [s]: s, list: [s], nested: { value: s } },
        });
        written.push({
          account: a,
          site: st,
          device: d,
          grant: g,
          key: k,
          event: { id: await store.audit.append(e), ...e },
        });
      }

      for (const w of written) {
        expect(await store.accounts.get(w.account.id)).toStrictEqual(w.account);
        expect(await store.accounts.getByEmail(w.account.email)).toStrictEqual(w.account);
        expect(await store.sites.get(w.site.id)).toStrictEqual(w.site);
        expect(await store.devices.get(w.device.id)).toStrictEqual(w.device);
        expect(await store.devices.list(w.site.id)).toStrictEqual([w.device]);
        expect(await store.grants.get(w.grant.id)).toStrictEqual(w.grant);
        expect(await store.grants.listForAccount(w.account.id)).toStrictEqual([w.grant]);
        expect(await store.apiKeys.getByHash(w.key.keyHash)).toStrictEqual(w.key);
        expect(await store.audit.query({ actorId: w.event.actorId! })).toStrictEqual([w.event]);
        expect(await store.audit.query({ siteId: w.site.id })).toStrictEqual([w.event]);
        expect(
          (await store.audit.query({ action: w.event.action, limit: 1000 })).map((e) => e.id),
        ).toContain(w.event.id);
      }

      // Nothing was dropped or emptied along the way.
      expect(await store.accounts.count()).toBe(HOSTILE.length);
      expect(await store.accounts.list()).toHaveLength(HOSTILE.length);
      expect(await store.sites.list()).toHaveLength(HOSTILE.length + 1);
      expect(await store.audit.query({ limit: 1000 })).toHaveLength(HOSTILE.length);
      expect(await store.sites.get(home.id)).toStrictEqual(home);
    });
  });
}
