/** The cloud-vs-box saving on a fixed clock (usage from a FixedUsage double). */
import type { BillingConfig } from '@porchlight/protocol';
import { describe, expect, it } from 'vitest';
import { FixedUsage } from '../../../tests/support/fixedUsage.ts';
import { PorchlightError } from '../../src/errors.ts';
import { SavingCalculator } from '../../src/ops/billing/Saving.ts';

const GB = 2n ** 30n;
const NOV = Date.UTC(2026, 10, 1);
/** 16 November 00:00 UTC: 15 of November's 30 days have passed. */
const NOW = Date.UTC(2026, 10, 16);
const LIST = {
  currency: 'USD',
  ingestPerGB: '0',
  consumePerGB: '0.12',
  hlsPerGB: '0',
  storagePerGBMonth: '0',
  signalingChannelPerMonth: '0',
  signalingMessagesPerMillion: '0',
  turnPerThousandMinutes: '0',
};
const CONFIG: BillingConfig = {
  priceLists: { cloud: LIST, euro: { ...LIST, currency: 'EUR' } },
  invoicePriceList: 'cloud',
  comparePriceList: 'cloud',
  box: { currency: 'USD', boxCostPerMonth: '8', powerWatts: '10', pricePerKWh: '0.3' },
};

function calculator(cameras: number, boxCameras: number): SavingCalculator {
  const usage = new FixedUsage();
  usage.set({ siteId: 's1' }, NOV, { consumeBytes: String(100n * GB) });
  return new SavingCalculator({
    usage,
    config: async () => CONFIG,
    cameras: { ofSite: async () => cameras, onBox: async () => boxCameras },
    now: () => NOW,
  });
}

describe('SavingCalculator', () => {
  it('prorates the box to the days elapsed and splits it per camera of the box', async () => {
    const saving = await calculator(2, 4).saving('s1', undefined);
    // Box: 8 + 10 W x 24 h x 30 d / 1000 x 0.30 = 10.16 a month, 5.08 so far; the site has 2 of 4.
    expect(saving).toEqual({
      month: '2026-11',
      elapsedDays: 15,
      periodDays: 30,
      priceList: 'cloud',
      currency: 'USD',
      cloudCost: '12.00',
      boxCost: '5.08',
      cameras: 2,
      boxCameras: 4,
      siteBoxCost: '2.54',
      saving: '9.46',
      // 12.00 in half a month for 2 cameras = 12.00 per camera-month; the box 10.16 / 4.
      cloudPerCameraMonth: '12.00',
      boxPerCameraMonth: '2.54',
      savingPerCameraMonth: '9.46',
    });
  });

  it('has no per-camera figures for a site without cameras', async () => {
    const saving = await calculator(0, 3).saving('s1', 'cloud');
    expect(saving.siteBoxCost).toBe('0.00');
    expect(saving.cloudPerCameraMonth).toBeNull();
    expect(saving.savingPerCameraMonth).toBeNull();
  });

  it('refuses to compare across currencies and names an unknown list', async () => {
    await expect(calculator(1, 1).saving('s1', 'euro')).rejects.toThrow(
      /box cost is in USD and price list "euro" in EUR/,
    );
    await expect(calculator(1, 1).saving('s1', 'nope')).rejects.toBeInstanceOf(PorchlightError);
  });
});
