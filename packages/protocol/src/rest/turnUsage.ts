import { z } from 'zod';
import { QueryMillisSchema, SiteParamsSchema } from './common.ts';
import { REST_ENDPOINTS } from './endpoints.ts';
import { defineRoute, NoInputSchema } from './route.ts';

/** One relayed TURN session, recorded when it closed. */
export const TurnSessionSchema = z.object({
  id: z.number(),
  /** Unix ms when the session closed. */
  at: z.number(),
  principalKind: z.string(),
  principalId: z.string(),
  siteId: z.string().nullable(),
  durationSeconds: z.number(),
  bytesReceived: z.number(),
  bytesSent: z.number(),
});
export type TurnSession = z.infer<typeof TurnSessionSchema>;

export const TurnUsageTotalSchema = z.object({
  principalKind: z.string(),
  principalId: z.string(),
  seconds: z.number(),
  minutes: z.number(),
  bytes: z.number(),
});

export const TurnUsageSchema = z.object({
  sessions: z.array(TurnSessionSchema),
  totals: z.array(TurnUsageTotalSchema),
});
export type TurnUsageReport = z.infer<typeof TurnUsageSchema>;

export const TurnUsageQuerySchema = z.strictObject({
  since: QueryMillisSchema.optional(),
  until: QueryMillisSchema.optional(),
  limit: z.coerce.number<number>().int().min(1).max(1000).optional(),
});
export type TurnUsageQuery = z.input<typeof TurnUsageQuerySchema>;

export const turnUsageRoutes = {
  getTurnUsage: defineRoute({
    ...REST_ENDPOINTS.getTurnUsage,
    summary: 'Relayed TURN sessions of a site (who, how long, bytes), newest first, with totals.',
    tag: 'metering',
    params: SiteParamsSchema,
    query: TurnUsageQuerySchema,
    body: NoInputSchema,
    response: TurnUsageSchema,
    status: 200,
  }),
};
