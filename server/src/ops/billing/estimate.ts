import type { EstimateInputSchema } from '@porchlight/protocol';
import {
  ErrorCode,
  PriceListSchema,
  UsageFileSchema,
  type Bill,
  type EstimateInput,
  type PriceList,
  type UsageFile,
} from '@porchlight/protocol';
import type { z } from 'zod';
import { PorchlightError } from '../../errors.ts';
import { priceUsage } from './pricing.ts';

/** Bad billing input (a price list, a usage file): says where and what, e.g. `prices.hlsPerGB: must not be negative`. */
export class BillingInputError extends PorchlightError {
  override readonly name = 'BillingInputError';
  constructor(message: string) {
    super(ErrorCode.BadRequest, message);
  }
}

/** Every issue of a failed parse, one per line, each with its path under `where`. */
export function describeIssues(error: z.ZodError, where: string): string {
  return error.issues
    .map((issue) => {
      const path = [where, ...issue.path.map(String)].filter((p) => p !== '').join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('\n');
}

/** Parses with `schema` or throws BillingInputError naming every bad field. */
export function parseBillingInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new BillingInputError(describeIssues(result.error, where));
  return result.data;
}

export const parsePriceList = (value: unknown, where = 'prices'): PriceList =>
  parseBillingInput(PriceListSchema, value, where);

export const parseUsageFile = (value: unknown, where = ''): UsageFile =>
  parseBillingInput(UsageFileSchema, value, where);

/** An estimate from hypothetical usage: the same arithmetic as an invoice. */
export function estimate(prices: PriceList, file: UsageFile): Bill {
  return priceUsage(prices, file).bill;
}

/** The route's body (already parsed by the contract) to an estimate. */
export function estimateOf(input: z.output<typeof EstimateInputSchema>): Bill {
  const { prices, ...file } = input;
  return estimate(prices, file);
}
export type { EstimateInput };
