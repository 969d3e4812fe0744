import { z } from 'zod';
import { QueryMillisSchema, ResourceIdSchema, SiteParamsSchema } from './common.ts';
import { REST_ENDPOINTS } from './endpoints.ts';
import { defineRoute, NoInputSchema } from './route.ts';

export const AuditActorTypeSchema = z.enum([
  'account',
  'device',
  'apikey',
  'visitor',
  // The server's detector host (docs/detection.md "Detection on the server").
  'detector',
  'system',
  'anonymous',
]);
export const AuditOutcomeSchema = z.enum(['success', 'failure', 'denied']);

export const AuditEventSchema = z.object({
  id: z.number(),
  at: z.number(),
  actorType: AuditActorTypeSchema,
  actorId: z.string().nullable(),
  /**
   * The actor's name as it is now, resolved by the server: an account's display name, a device's
   * name, an API key's name (with its owner); null when unknown or deleted.
   */
  actorName: z.string().nullable(),
  /** What happened: 'auth.login', 'grant.create', 'device.provision'... */
  action: z.string(),
  /** Resource path it happened to, e.g. 'site/<id>/device/<id>'. */
  resource: z.string().nullable(),
  /** The resource in words, e.g. 'Home › Front door' (site and device names as they are now). */
  resourceName: z.string().nullable(),
  outcome: AuditOutcomeSchema,
  ip: z.string().nullable(),
  /** Small JSON details (never secrets). */
  detail: z.record(z.string(), z.unknown()),
  /**
   * Names of the ids the details mention (accounts, devices), id -> name, so a reader sees
   * 'Dog walker' where the detail says accountId: '3f2a…'.
   */
  names: z.record(z.string(), z.string()),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;

export const AuditQuerySchema = z.strictObject({
  /** Exact action, or a prefix ending in '.' ('grant.' = every grant action). */
  action: z
    .string()
    .regex(/^[a-z][a-zA-Z0-9_.:-]{0,63}$/, 'an action such as grant.create or grant.')
    .optional(),
  /** Events of this actor (an account, device or API key id). */
  actorId: ResourceIdSchema.optional(),
  outcome: AuditOutcomeSchema.optional(),
  since: QueryMillisSchema.optional(),
  until: QueryMillisSchema.optional(),
  /** Events with an id below this (paging, newest first). */
  before: z.coerce.number<number>().int().positive().optional(),
  /** Default 100, at most 1000. */
  limit: z.coerce.number<number>().int().min(1).max(1000).optional(),
});
export type AuditQuery = z.input<typeof AuditQuerySchema>;

/** The audit log's hash chain, checked from the retention anchor to the newest row. */
export const AuditChainReportSchema = z.object({
  ok: z.boolean(),
  /** Chained rows checked. */
  checked: z.number(),
  /** Rows written before the chain existed (not verifiable). */
  unchained: z.number(),
  /** The last row retention deleted, where verification started (null: the beginning). */
  anchorId: z.number().nullable(),
  /** The first row that fails and why (edited, or a row before it removed or inserted). */
  firstBroken: z.object({ id: z.number(), reason: z.string() }).nullable(),
});
export type AuditChainReport = z.infer<typeof AuditChainReportSchema>;

export const auditRoutes = {
  listAudit: defineRoute({
    ...REST_ENDPOINTS.listAudit,
    summary:
      "A site's audit log, newest first, with actor and resource names; filters by actor, action, outcome and time.",
    tag: 'audit',
    params: SiteParamsSchema,
    query: AuditQuerySchema,
    body: NoInputSchema,
    response: z.array(AuditEventSchema),
    status: 200,
  }),
  listInstanceAudit: defineRoute({
    ...REST_ENDPOINTS.listInstanceAudit,
    summary:
      'The whole audit log, newest first: every site, and what belongs to no site (logins, password changes and resets, sign-outs, accounts). Admins only.',
    tag: 'audit',
    params: NoInputSchema,
    query: AuditQuerySchema,
    body: NoInputSchema,
    response: z.array(AuditEventSchema),
    status: 200,
  }),
  verifyAudit: defineRoute({
    ...REST_ENDPOINTS.verifyAudit,
    summary:
      "Checks the audit log's hash chain (tamper evidence) and names the first broken row. Admins only.",
    tag: 'audit',
    params: NoInputSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: AuditChainReportSchema,
    status: 200,
  }),
};
