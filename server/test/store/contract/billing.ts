import type { BillingConfig } from '@porchlight/protocol';
import { describe, expect, it } from 'vitest';
import { BillingConfigStore } from '../../../src/ops/billing/BillingConfigStore.ts';
import { DEFAULT_BILLING_CONFIG } from '../../../src/ops/billing/defaults.ts';
import { type ContractScope } from './fixtures.ts';

export function billingContract(scope: ContractScope): void {
  describe('billing configuration', () => {
    it('is the built-in example until saved, then exactly what was saved, replaced on save', async () => {
      const configs = new BillingConfigStore(scope.store.executor);
      expect(await configs.get()).toStrictEqual(DEFAULT_BILLING_CONFIG);
      const mine: BillingConfig = {
        ...DEFAULT_BILLING_CONFIG,
        priceLists: {
          yen: {
            ...DEFAULT_BILLING_CONFIG.priceLists['self-hosted']!,
            currency: 'JPY',
            hlsPerGB: '1.5',
          },
        },
        invoicePriceList: 'yen',
        comparePriceList: 'yen',
        box: { currency: 'JPY', boxCostPerMonth: '1200', powerWatts: '8.5', pricePerKWh: '31' },
      };
      await configs.put(mine, 'admin-1', 1000);
      expect(await configs.get()).toStrictEqual(mine);
      const again = { ...mine, box: { ...mine.box, boxCostPerMonth: '900' } };
      await configs.put(again, 'admin-2', 2000);
      expect(await configs.get()).toStrictEqual(again);
      const { rows } = await scope.store.executor.query('SELECT COUNT(*) AS n FROM billing_config');
      expect(Number(rows[0]!['n'])).toBe(1);
    });
  });
}
