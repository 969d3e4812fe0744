import { z } from 'zod';
import { QueryMillisSchema } from './common.ts';
import { REST_ENDPOINTS } from './endpoints.ts';
import { defineRoute, NoInputSchema } from './route.ts';

/**
 * The server's recent health as columns (one array per measure, index i = sample i), the shape
 * chart libraries (uPlot) draw directly. null: not known for that sample (the first sample has no
 * rate yet; a worker that had just respawned).
 */
export const HealthSeriesSchema = z.object({
  /** Milliseconds between samples. */
  intervalMs: z.number(),
  /** Configured mediasoup workers: `cpuPercent` has one series per worker index. */
  workers: z.number().int(),
  /** Unix ms of each sample, oldest first. */
  t: z.array(z.number()),
  /** CPU of each worker in % of one core, per worker index. */
  cpuPercent: z.array(z.array(z.number().nullable())),
  /** RTP into the SFU from cameras (bits per second). */
  bitrateInBps: z.array(z.number().nullable()),
  /** RTP out of the SFU to viewers and recorders (bits per second). */
  bitrateOutBps: z.array(z.number().nullable()),
  /** Open sockets. */
  sockets: z.array(z.number()),
  /** Recorder runs recording or still writing. */
  activeRecorders: z.array(z.number()),
  /** Event-loop delay of the server process (p99 over the interval, ms). */
  eventLoopLagMs: z.array(z.number()),
});
export type HealthSeries = z.infer<typeof HealthSeriesSchema>;

export const HealthSeriesQuerySchema = z.strictObject({
  /** Only samples taken after this Unix ms (a polling page asks for what it lacks). */
  since: QueryMillisSchema.optional(),
});
export type HealthSeriesQuery = z.input<typeof HealthSeriesQuerySchema>;

export const healthRoutes = {
  getHealthSeries: defineRoute({
    ...REST_ENDPOINTS.getHealthSeries,
    summary:
      'The last hour of server health samples (CPU per worker, bitrate in/out, sockets, recorders, event-loop lag). Admins.',
    tag: 'operations',
    params: NoInputSchema,
    query: HealthSeriesQuerySchema,
    body: NoInputSchema,
    response: HealthSeriesSchema,
    status: 200,
  }),
};
