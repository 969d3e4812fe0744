import { z } from 'zod';

/**
 * Metered usage: the one shape shared by the meter (which records it in hourly rollups), billing (which prices it)
 * and the estimate command (which takes it from a file). Quantities are non-negative integers carried as decimal
 * strings, because stored byte-seconds pass 2^53 within a month for a few terabytes.
 */
export const USAGE_DIMENSIONS = [
  'ingestBytes',
  'consumeBytes',
  'hlsBytes',
  'storedByteSeconds',
  'activeChannels',
  'signalingMessages',
  'turnMinutes',
] as const;
export type UsageDimension = (typeof USAGE_DIMENSIONS)[number];

/** A non-negative integer as a decimal string ("0", "1234"); numbers are accepted when they are safe integers. */
export const UsageQuantitySchema = z
  .union([z.string(), z.number()], {
    error: 'must be a non-negative integer (a number, or a string of decimal digits)',
  })
  .transform((v, ctx) => {
    const problem =
      typeof v === 'string'
        ? /^(0|[1-9][0-9]{0,29})$/.test(v)
          ? null
          : 'must be a non-negative integer written in decimal digits'
        : !Number.isInteger(v)
          ? 'must be an integer'
          : v < 0
            ? 'must not be negative'
            : !Number.isSafeInteger(v)
              ? 'must be a safe integer; larger values go as strings'
              : null;
    if (problem === null) return String(v);
    ctx.issues.push({ code: 'custom', message: problem, input: v });
    return z.NEVER;
  });

/** Usage over one period; absent dimensions are 0. */
export const UsageTotalsSchema = z.strictObject({
  ingestBytes: UsageQuantitySchema.default('0'),
  consumeBytes: UsageQuantitySchema.default('0'),
  hlsBytes: UsageQuantitySchema.default('0'),
  storedByteSeconds: UsageQuantitySchema.default('0'),
  activeChannels: UsageQuantitySchema.default('0'),
  signalingMessages: UsageQuantitySchema.default('0'),
  turnMinutes: UsageQuantitySchema.default('0'),
});
export type UsageTotals = z.output<typeof UsageTotalsSchema>;

/** The estimate command's input file and the estimate route's usage part. */
export const UsageFileSchema = z.strictObject({
  periodDays: z.number().positive().max(366).default(30),
  usage: UsageTotalsSchema,
});
export type UsageFile = z.output<typeof UsageFileSchema>;
