import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PriceList, UsageFile, UsageTotals } from '@porchlight/protocol';
import { UsageFileSchema } from '@porchlight/protocol';
import { boxCost, priceUsage } from './pricing.ts';

const GB = 2n ** 30n;

const USD: PriceList = {
  currency: 'USD',
  ingestPerGB: '0.0085',
  consumePerGB: '0.12',
  hlsPerGB: '0.09',
  storagePerGBMonth: '0.023',
  signalingChannelPerMonth: '0.03',
  signalingMessagesPerMillion: '2.25',
  turnPerThousandMinutes: '0.40',
};
const ZERO_PRICES: PriceList = {
  ...USD,
  ingestPerGB: '0',
  consumePerGB: '0',
  hlsPerGB: '0',
  storagePerGBMonth: '0',
  signalingChannelPerMonth: '0',
  signalingMessagesPerMillion: '0',
  turnPerThousandMinutes: '0',
};

/** A usage file through the shared schema (absent dimensions 0), as the CLI and route read it. */
const usage = (
  u: Partial<Record<keyof UsageTotals, string | number>>,
  periodDays = 30,
): UsageFile => UsageFileSchema.parse({ periodDays, usage: u });

const line = (bill: ReturnType<typeof priceUsage>['bill'], item: string) =>
  bill.lines.find((l) => l.item === item)!;

describe('priceUsage: each line', () => {
  const { bill } = priceUsage(
    USD,
    usage({
      ingestBytes: String(10n * GB),
      consumeBytes: String(GB),
      hlsBytes: String(3n * GB),
      // 5 GB held for the whole 30-day period: 5 GB-months.
      storedByteSeconds: String(5n * GB * 30n * 86_400n),
      activeChannels: 3,
      signalingMessages: 2_500_000,
      turnMinutes: 1500,
    }),
  );

  it('bytes are GB of 2^30 bytes: 10 GB x 0.0085 = 0.085, rounded half-up to 0.09', () => {
    expect(line(bill, 'ingest')).toEqual({
      item: 'ingest',
      quantity: '10',
      unit: 'GB',
      unitPrice: '0.0085',
      amount: '0.09',
    });
    expect(line(bill, 'consume')).toMatchObject({ quantity: '1', amount: '0.12' });
    expect(line(bill, 'hls')).toMatchObject({ quantity: '3', unit: 'GB', amount: '0.27' });
  });

  it('storage is byte-seconds / 2^30 / the period, in GB-months', () => {
    expect(line(bill, 'storage')).toEqual({
      item: 'storage',
      quantity: '5',
      unit: 'GB-month',
      unitPrice: '0.023',
      amount: '0.12', // 0.115 half-up
    });
    // The same bytes over a 31-day month held 30 days: 30/31 of 5 GB-months.
    const july = priceUsage(USD, usage({ storedByteSeconds: String(5n * GB * 30n * 86_400n) }, 31));
    expect(line(july.bill, 'storage').quantity).toBe('4.838709677');
    expect(line(july.bill, 'storage').amount).toBe('0.11'); // 0.11129...
  });

  it('channels per channel-month, messages per million, TURN per thousand minutes', () => {
    expect(line(bill, 'channels')).toMatchObject({
      quantity: '3',
      unit: 'channel-month',
      amount: '0.09',
    });
    expect(line(bill, 'messages')).toMatchObject({
      quantity: '2.5',
      unit: 'million messages',
      amount: '5.63', // 5.625 half-up
    });
    expect(line(bill, 'turn')).toMatchObject({
      quantity: '1.5',
      unit: 'thousand minutes',
      unitPrice: '0.4',
      amount: '0.60',
    });
  });

  it('lines come in bill order and the total is the rounded exact sum', () => {
    expect(bill.lines.map((l) => l.item)).toEqual([
      'ingest',
      'consume',
      'hls',
      'storage',
      'channels',
      'messages',
      'turn',
    ]);
    // 0.085 + 0.12 + 0.27 + 0.115 + 0.09 + 5.625 + 0.6 = 6.905 -> 6.91; the rounded lines add to 6.92.
    expect(bill.total).toBe('6.91');
    expect(bill.currency).toBe('USD');
  });
});

describe('priceUsage: rounding', () => {
  it('rounds a half at the minor unit up, and just below it down', () => {
    const half = priceUsage(
      { ...ZERO_PRICES, ingestPerGB: '0.005' },
      usage({ ingestBytes: String(GB) }),
    );
    expect(line(half.bill, 'ingest').amount).toBe('0.01');
    const below = priceUsage(
      { ...ZERO_PRICES, ingestPerGB: '0.004999999999' },
      usage({ ingestBytes: String(GB) }),
    );
    expect(line(below.bill, 'ingest').amount).toBe('0.00');
    // One byte less than a GB at 0.005: just under the half.
    const byteShort = priceUsage(
      { ...ZERO_PRICES, ingestPerGB: '0.005' },
      usage({ ingestBytes: String(GB - 1n) }),
    );
    expect(line(byteShort.bill, 'ingest').amount).toBe('0.00');
  });

  it('JPY has no minor unit: amounts are whole yen, halves up', () => {
    const yen: PriceList = {
      ...ZERO_PRICES,
      currency: 'JPY',
      consumePerGB: '1.5',
      hlsPerGB: '0.4999',
    };
    const { bill } = priceUsage(yen, usage({ consumeBytes: String(GB), hlsBytes: String(GB) }));
    expect(line(bill, 'consume').amount).toBe('2');
    expect(line(bill, 'hls').amount).toBe('0');
    expect(bill.total).toBe('2'); // 1.9999 -> 2
    expect(bill.currency).toBe('JPY');
  });

  it('KWD has three decimals', () => {
    const kwd: PriceList = { ...ZERO_PRICES, currency: 'KWD', consumePerGB: '0.0375' };
    const { bill } = priceUsage(kwd, usage({ consumeBytes: String(GB) }));
    expect(line(bill, 'consume').amount).toBe('0.038');
  });

  it('the total is the rounded sum of the unrounded lines, not the sum of rounded lines', () => {
    const prices = {
      ...ZERO_PRICES,
      ingestPerGB: '0.004',
      consumePerGB: '0.004',
      hlsPerGB: '0.004',
    };
    const { bill } = priceUsage(
      prices,
      usage({ ingestBytes: String(GB), consumeBytes: String(GB), hlsBytes: String(GB) }),
    );
    expect(bill.lines.slice(0, 3).map((l) => l.amount)).toEqual(['0.00', '0.00', '0.00']);
    expect(bill.total).toBe('0.01'); // 0.012, where the rounded lines add to 0.00
    const up = priceUsage(
      { ...ZERO_PRICES, ingestPerGB: '0.005', consumePerGB: '0.005', hlsPerGB: '0.005' },
      usage({ ingestBytes: String(GB), consumeBytes: String(GB), hlsBytes: String(GB) }),
    );
    expect(up.bill.lines.slice(0, 3).map((l) => l.amount)).toEqual(['0.01', '0.01', '0.01']);
    expect(up.bill.total).toBe('0.02'); // 0.015, where the rounded lines add to 0.03
  });
});

describe('priceUsage: edges', () => {
  it('zero usage costs 0.00 on every line', () => {
    const { bill } = priceUsage(USD, usage({}));
    expect(bill.lines).toHaveLength(7);
    for (const l of bill.lines) {
      expect(l.quantity).toBe('0');
      expect(l.amount).toBe('0.00');
    }
    expect(bill.total).toBe('0.00');
  });

  it('prices quantities far beyond 2^53 exactly (checked against BigInt arithmetic)', () => {
    const byteSeconds = 123456789012345678901234567890n; // ~1.2e29, 2^53 is ~9e15
    const { bill } = priceUsage(USD, usage({ storedByteSeconds: String(byteSeconds) }));
    // cents = byteSeconds x 0.023 x 100 / (2^30 x 30 x 86400), half-up, in integers.
    const num = byteSeconds * 23n * 100n;
    const den = 1000n * GB * 30n * 86_400n;
    const cents = (2n * num + den) / (2n * den);
    expect(line(bill, 'storage').amount).toBe(formatCents(cents));
    expect(bill.total).toBe(formatCents(cents));
    const bytes = 98765432109876543210987654321n;
    const big = priceUsage(USD, usage({ consumeBytes: String(bytes) }));
    const c2 = (2n * bytes * 12n + GB) / (2n * GB); // x 0.12 x 100 = x 12
    expect(line(big.bill, 'consume').amount).toBe(formatCents(c2));
  });
});

describe('boxCost', () => {
  it('is the monthly cost plus watts x hours / 1000 x price per kWh', () => {
    // 12 W x 24 h x 30 d = 8.64 kWh x 0.30 = 2.592; + 5.00
    const cost = boxCost(
      { currency: 'EUR', boxCostPerMonth: '5.00', powerWatts: '12', pricePerKWh: '0.30' },
      30,
    );
    expect(cost.toFixed()).toBe('7.592');
  });
});

function formatCents(cents: bigint): string {
  const s = cents.toString().padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

/** An independent oracle: every line over one common integer denominator, rounded with BigInt. */
function oracleTotalCents(
  p: Record<string, bigint>,
  u: Record<string, bigint>,
  days: bigint,
): bigint {
  // Prices are integers of 10^-12; D is a multiple of every line's divisor.
  const D = GB * days * 86_400n * 1_000_000n;
  const parts =
    u['ingestBytes']! * p['ingestPerGB']! * (D / GB) +
    u['consumeBytes']! * p['consumePerGB']! * (D / GB) +
    u['hlsBytes']! * p['hlsPerGB']! * (D / GB) +
    u['storedByteSeconds']! * p['storagePerGBMonth']! * (D / (GB * days * 86_400n)) +
    u['activeChannels']! * p['signalingChannelPerMonth']! * D +
    u['signalingMessages']! * p['signalingMessagesPerMillion']! * (D / 1_000_000n) +
    u['turnMinutes']! * p['turnPerThousandMinutes']! * (D / 1000n);
  const num = parts * 100n;
  const den = 10n ** 12n * D;
  return (2n * num + den) / (2n * den);
}

describe('priceUsage: property', () => {
  const PRICE_KEYS = [
    'ingestPerGB',
    'consumePerGB',
    'hlsPerGB',
    'storagePerGBMonth',
    'signalingChannelPerMonth',
    'signalingMessagesPerMillion',
    'turnPerThousandMinutes',
  ] as const;
  const USAGE_KEYS = [
    'ingestBytes',
    'consumeBytes',
    'hlsBytes',
    'storedByteSeconds',
    'activeChannels',
    'signalingMessages',
    'turnMinutes',
  ] as const;
  const picoPrice = fc.bigInt({ min: 0n, max: 10n ** 15n }); // up to 1000.000000000000
  const quantity = fc.bigInt({ min: 0n, max: 10n ** 30n - 1n });
  const record = <K extends string>(
    keys: readonly K[],
    arb: fc.Arbitrary<bigint>,
  ): fc.Arbitrary<Record<K, bigint>> =>
    fc
      .array(arb, { minLength: keys.length, maxLength: keys.length })
      .map(
        (values) => Object.fromEntries(keys.map((k, i) => [k, values[i]!])) as Record<K, bigint>,
      );

  it('total = round(sum of the exact lines), for any usage and prices', () => {
    fc.assert(
      fc.property(
        record(PRICE_KEYS, picoPrice),
        record(USAGE_KEYS, quantity),
        fc.integer({ min: 1, max: 366 }),
        (p, u, days) => {
          const prices = {
            currency: 'USD',
            ...Object.fromEntries(PRICE_KEYS.map((k) => [k, picoToDecimal(p[k])])),
          } as PriceList;
          const file = usage(Object.fromEntries(USAGE_KEYS.map((k) => [k, String(u[k])])), days);
          const { bill } = priceUsage(prices, file);
          expect(bill.total).toBe(formatCents(oracleTotalCents(p, u, BigInt(days))));
        },
      ),
      { numRuns: 300 },
    );
  });
});

function picoToDecimal(pico: bigint): string {
  const s = pico.toString().padStart(13, '0');
  return `${s.slice(0, -12)}.${s.slice(-12)}`.replace(/\.?0+$/, '') || '0';
}
