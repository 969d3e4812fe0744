import { describe, expect, it } from 'vitest';
import { BillingConfigSchema, EstimateInputSchema, minorUnits } from '@porchlight/protocol';
import { BillingInputError, estimate, parsePriceList, parseUsageFile } from './estimate.ts';

const PRICES = {
  currency: 'EUR',
  ingestPerGB: 0.01,
  consumePerGB: '0.05',
  hlsPerGB: '0.05',
  storagePerGBMonth: '0.02',
  signalingChannelPerMonth: '0',
  signalingMessagesPerMillion: '1',
  turnPerThousandMinutes: '0.5',
};

const messageOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BillingInputError);
    return (error as Error).message;
  }
  throw new Error('no error');
};

describe('price list input', () => {
  it('takes numbers as their decimal spelling and strings as written', () => {
    const prices = parsePriceList({ ...PRICES, turnPerThousandMinutes: 1e-7 });
    expect(prices.ingestPerGB).toBe('0.01');
    expect(prices.turnPerThousandMinutes).toBe('0.0000001');
    expect(prices.consumePerGB).toBe('0.05');
  });

  it('refuses negatives, non-numbers, unknown fields and bad currencies, naming each field', () => {
    const message = messageOf(() =>
      parsePriceList({
        ...PRICES,
        currency: 'eur',
        ingestPerGB: -1,
        consumePerGB: '-0.5',
        hlsPerGB: 'cheap',
        storagePerGBMonth: '1e3',
        ingestPerGb: 1,
      }),
    );
    expect(message.split('\n')).toEqual([
      'prices.currency: must be an ISO 4217 currency code such as "USD"',
      'prices.ingestPerGB: must not be negative',
      'prices.consumePerGB: must not be negative',
      expect.stringMatching(/^prices\.hlsPerGB: must be a non-negative decimal number/),
      expect.stringMatching(/^prices\.storagePerGBMonth: must be a non-negative decimal number/),
      'prices: Unrecognized key: "ingestPerGb"',
    ]);
    expect(messageOf(() => parsePriceList({ ...PRICES, currency: 'XYZ' }))).toContain(
      'prices.currency',
    );
    const { hlsPerGB: _, ...missing } = PRICES;
    expect(messageOf(() => parsePriceList(missing))).toBe('prices.hlsPerGB: is required');
    expect(messageOf(() => parsePriceList({ ...PRICES, hlsPerGB: true }))).toBe(
      'prices.hlsPerGB: must be a decimal string or a number',
    );
    expect(messageOf(() => parsePriceList({ ...PRICES, hlsPerGB: '0.0000000000001' }))).toMatch(
      /12 after the point/,
    );
  });

  it('knows the minor units of currencies', () => {
    expect([minorUnits('USD'), minorUnits('EUR'), minorUnits('JPY'), minorUnits('KWD')]).toEqual([
      2, 2, 0, 3,
    ]);
    expect(minorUnits('MXN')).toBe(2); // from Intl
  });
});

describe('usage file input', () => {
  it('refuses negative, fractional, non-numeric and unknown quantities', () => {
    const message = messageOf(() =>
      parseUsageFile({
        periodDays: 0,
        usage: { ingestBytes: -5, consumeBytes: '1.5', hlsBytes: 'lots', turnMinuts: 3 },
      }),
    );
    const lines = message.split('\n');
    expect(lines[0]).toMatch(/^periodDays: /);
    expect(lines.some((l) => l.startsWith('usage.ingestBytes:'))).toBe(true);
    expect(lines.some((l) => l.startsWith('usage.consumeBytes:'))).toBe(true);
    expect(lines.some((l) => l.startsWith('usage.hlsBytes:'))).toBe(true);
    expect(lines).toContain('usage: Unrecognized key: "turnMinuts"');
  });

  it('estimates from the parsed files; absent dimensions are 0 and the period defaults to 30 days', () => {
    const bill = estimate(
      parsePriceList(PRICES),
      parseUsageFile({ usage: { storedByteSeconds: String(2 ** 30 * 30 * 86_400) } }),
    );
    expect(bill.currency).toBe('EUR');
    expect(bill.lines.find((l) => l.item === 'storage')).toMatchObject({
      quantity: '1',
      amount: '0.02',
    });
    expect(bill.total).toBe('0.02');
  });
});

describe('contract schemas', () => {
  it('the estimate body is prices + a usage file, strict', () => {
    expect(EstimateInputSchema.safeParse({ prices: PRICES, usage: {} }).success).toBe(true);
    expect(EstimateInputSchema.safeParse({ prices: PRICES, usage: {}, discount: 1 }).success).toBe(
      false,
    );
  });

  it('a billing config names existing lists', () => {
    const r = BillingConfigSchema.safeParse({
      priceLists: { cloud: PRICES },
      invoicePriceList: 'cloud',
      comparePriceList: 'other',
      box: { currency: 'EUR', boxCostPerMonth: '4', powerWatts: 10, pricePerKWh: '0.3' },
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({
      path: ['comparePriceList'],
      message: 'no price list named "other"',
    });
  });
});
