import { z } from 'zod';
import { QueryMillisSchema, SiteParamsSchema } from './common.ts';
import { REST_ENDPOINTS } from './endpoints.ts';
import { defineRoute, NoInputSchema } from './route.ts';

export const AuditEventSchema = z.object({
  id: z.number(),
  at: z.number(),
  actorType: z.enum(['account', 'device', 'apikey', 'visitor', 'system', 'anonymous']),
  actorId: z.string().nullable(),
  /** What happened: 'auth.login', 'grant.create', 'device.provision'... */
  action: z.string(),
  /** Resource path it happened to, e.g. 'site/<id>/device/<id>'. */
  resource: z.string().nullable(),
  outcome: z.enum(['success', 'failure', 'denied']),
  ip: z.string().nullable(),
  /** Small JSON details (never secrets). */
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;

export const AuditQuerySchema = z.strictObject({
  action: z.string().max(64).optional(),
  since: QueryMillisSchema.optional(),
  until: QueryMillisSchema.optional(),
  /** Events with an id below this (paging, newest first). */
  before: z.coerce.number<number>().int().positive().optional(),
  /** Default 100, at most 1000. */
  limit: z.coerce.number<number>().int().min(1).max(1000).optional(),
});
export type AuditQuery = z.input<typeof AuditQuerySchema>;

export const auditRoutes = {
  listAudit: defineRoute({
    ...REST_ENDPOINTS.listAudit,
    summary: "A site's audit log, newest first.",
    tag: 'audit',
    params: SiteParamsSchema,
    query: AuditQuerySchema,
    body: NoInputSchema,
    response: z.array(AuditEventSchema),
    status: 200,
  }),
};
