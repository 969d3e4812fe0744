import { beforeEach, describe, expect, it } from 'vitest';
import { StoreClosedError } from '../../../src/store/errors.ts';
import type { Store } from '../../../src/store/createStore.ts';
import { account, type ContractScope } from './fixtures.ts';

export function lifecycleContract(scope: ContractScope): void {
  describe('lifecycle', () => {
    let store: Store;
    beforeEach(() => {
      store = scope.store;
    });

    it('migrate() is idempotent and keeps data', async () => {
      const a = account();
      await store.accounts.create(a);
      await store.migrate();
      await store.migrate();
      expect(await store.accounts.get(a.id)).toStrictEqual(a);
      expect(['sqlite', 'postgres']).toContain(store.kind);
    });

    it('close() is idempotent, and a closed store refuses work', async () => {
      await store.close();
      await store.close();
      await expect(store.accounts.get('x')).rejects.toBeInstanceOf(StoreClosedError);
      await expect(store.migrate()).rejects.toBeInstanceOf(StoreClosedError);
    });
  });
}
