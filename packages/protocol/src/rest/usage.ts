import { z } from 'zod';
import { UsageTotalsSchema } from '../usage.ts';
import {
  DeviceKindSchema,
  NullableMillisSchema,
  QueryMillisSchema,
  ResourceIdSchema,
  ResponseIdSchema,
  SiteParamsSchema,
} from './common.ts';
import { REST_ENDPOINTS } from './endpoints.ts';
import { defineRoute, NoInputSchema } from './route.ts';

const HOUR_MS = 3_600_000;
/** The most buckets one series may have, per granularity (31 days of hours, ~13 months of days). */
export const USAGE_MAX_BUCKETS = { hour: 31 * 24, day: 400, month: 120 } as const;
const APPROX_BUCKET_MS = { hour: HOUR_MS, day: 24 * HOUR_MS, month: 28 * 24 * HOUR_MS } as const;

export const UsageGranularitySchema = z.enum(['hour', 'day', 'month']);
export type UsageGranularity = z.infer<typeof UsageGranularitySchema>;

/** `[from, to)` in unix ms, widened to the whole UTC hours it overlaps; a series of `granularity` buckets. */
export const UsageQuerySchema = z
  .strictObject({
    from: QueryMillisSchema,
    to: QueryMillisSchema,
    granularity: UsageGranularitySchema.default('day'),
    /** Only this device's usage. */
    deviceId: ResourceIdSchema.optional(),
  })
  .refine((q) => q.to > q.from, { message: '`to` must be after `from`', path: ['to'] })
  .refine(
    (q) => (q.to - q.from) / APPROX_BUCKET_MS[q.granularity] <= USAGE_MAX_BUCKETS[q.granularity],
    {
      message: 'too many buckets: use a coarser granularity or a shorter period',
      path: ['granularity'],
    },
  );
export type UsageQueryInput = z.input<typeof UsageQuerySchema>;

/** Quantities as decimal strings (exact); `turnBytes` (relayed, both ways) is not billed. */
export const UsagePointSchema = z.object({
  start: z.number(),
  end: z.number(),
  totals: UsageTotalsSchema,
  turnBytes: z.string(),
});

export const UsageReportSchema = z.object({
  /** The site, or the account whose owned sites are summed. */
  siteId: ResponseIdSchema.nullable(),
  accountId: ResponseIdSchema.nullable(),
  from: z.number(),
  to: z.number(),
  granularity: UsageGranularitySchema,
  totals: UsageTotalsSchema,
  turnBytes: z.string(),
  series: z.array(UsagePointSchema),
});
export type UsageReport = z.infer<typeof UsageReportSchema>;

/** A recording stream's storage. */
export const StreamStorageSchema = z.object({
  segments: z.number(),
  /** Plaintext media bytes and bytes as stored (encrypted). */
  bytes: z.number(),
  storedBytes: z.number(),
  /** Camera time of the oldest segment's start and the newest segment's end. */
  oldest: NullableMillisSchema,
  newest: NullableMillisSchema,
});

/** One row of the admin device table. */
export const DeviceUsageRowSchema = z.object({
  id: ResponseIdSchema,
  name: z.string(),
  kind: DeviceKindSchema,
  online: z.boolean(),
  /** Publish bitrate in bits/s as last sampled; null offline. */
  bitrate: z.number().nullable(),
  lastSeenAt: NullableMillisSchema,
  userAgent: z.string().nullable(),
  firmware: z.string().nullable(),
  /** Null: nothing recorded for this device. */
  storage: StreamStorageSchema.nullable(),
});
export type DeviceUsageRow = z.infer<typeof DeviceUsageRowSchema>;

export const usageRoutes = {
  getSiteUsage: defineRoute({
    ...REST_ENDPOINTS.getSiteUsage,
    summary:
      "A site's metered usage over [from, to): totals and an hour/day/month series (decimal strings).",
    tag: 'metering',
    params: SiteParamsSchema,
    query: UsageQuerySchema,
    body: NoInputSchema,
    response: UsageReportSchema,
    status: 200,
  }),
  getAccountUsage: defineRoute({
    ...REST_ENDPOINTS.getAccountUsage,
    summary: 'Admins: the metered usage of every site an account owns, over [from, to).',
    tag: 'metering',
    params: z.strictObject({ accountId: ResourceIdSchema }),
    query: UsageQuerySchema,
    body: NoInputSchema,
    response: UsageReportSchema,
    status: 200,
  }),
  listDeviceUsage: defineRoute({
    ...REST_ENDPOINTS.listDeviceUsage,
    summary:
      "A site's devices for the operations table: online, bitrate, last seen, firmware, storage.",
    tag: 'metering',
    params: SiteParamsSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: z.array(DeviceUsageRowSchema),
    status: 200,
  }),
};
