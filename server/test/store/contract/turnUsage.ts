import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/createStore.ts';
import { type ContractScope } from './fixtures.ts';

export function turnUsageContract(scope: ContractScope): void {
  describe('TURN usage', () => {
    let store: Store;
    beforeEach(() => {
      store = scope.store;
    });

    it('appends and queries by site, principal and time, newest first', async () => {
      const base = {
        principalKind: 'device',
        durationSeconds: 61,
        bytesReceived: 2 ** 40,
        bytesSent: 12345,
      };
      const a = await store.turnUsage.append({
        ...base,
        at: 1000,
        principalId: 'dev-1',
        siteId: 'site-1',
      });
      const b = await store.turnUsage.append({
        ...base,
        at: 2000,
        principalId: 'acct-1',
        siteId: 'site-1',
      });
      await store.turnUsage.append({ ...base, at: 3000, principalId: 'acct-2', siteId: null });
      expect(b).toBeGreaterThan(a);
      const site = await store.turnUsage.query({ siteId: 'site-1' });
      expect(site.map((u) => u.principalId)).toEqual(['acct-1', 'dev-1']);
      expect(site[1]).toEqual({
        id: a,
        ...base,
        at: 1000,
        principalId: 'dev-1',
        siteId: 'site-1',
      });
      expect((await store.turnUsage.query({ principalId: 'acct-2' }))[0]?.siteId).toBeNull();
      expect((await store.turnUsage.query({ since: 2000, until: 2000 })).map((u) => u.id)).toEqual([
        b,
      ]);
      expect(await store.turnUsage.query({ limit: 1 })).toHaveLength(1);
      expect(await store.turnUsage.query({ siteId: "x' OR '1'='1" })).toEqual([]);
    });
  });
}
