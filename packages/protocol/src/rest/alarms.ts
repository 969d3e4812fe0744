import { z } from 'zod';
import { ALARM_DEVICE_KINDS, ALARM_KINDS, ALARM_LIMITS, ALARM_STATES } from '../alarms.ts';
import { MillisSchema, ResourceIdSchema, ResponseIdSchema, SiteParamsSchema } from './common.ts';
import { REST_ENDPOINTS } from './endpoints.ts';
import { defineRoute, NoContentSchema, NoInputSchema } from './route.ts';

/**
 * Alarm rules, their states and history per site (docs/operations.md "Alarms"). Reading needs
 * `alarm:read` on the site, changing rules, acknowledging and muting `alarm:manage` (owners for
 * their sites, admins everywhere).
 */

export const AlarmParamsSchema = z.strictObject({
  siteId: ResourceIdSchema,
  alarmId: ResourceIdSchema,
});

const PeriodSchema = z
  .number()
  .int()
  .min(ALARM_LIMITS.minPeriodSeconds)
  .max(ALARM_LIMITS.maxPeriodSeconds);
const CountSchema = z.number().int().min(1).max(ALARM_LIMITS.maxEvaluationPeriods);
const ThresholdSchema = z.number().finite().min(0).max(Number.MAX_SAFE_INTEGER);

/** M of N must make sense; a device target only for kinds about one camera. */
function checkRule(
  r: {
    kind?: (typeof ALARM_KINDS)[number] | undefined;
    deviceId?: string | null | undefined;
    datapointsToAlarm?: number | undefined;
    evaluationPeriods?: number | undefined;
    threshold?: number | undefined;
  },
  ctx: z.RefinementCtx,
): void {
  if (
    r.datapointsToAlarm !== undefined &&
    r.evaluationPeriods !== undefined &&
    r.datapointsToAlarm > r.evaluationPeriods
  )
    ctx.addIssue({
      code: 'custom',
      path: ['datapointsToAlarm'],
      message: 'datapointsToAlarm must not exceed evaluationPeriods',
    });
  if (r.kind && r.deviceId && !ALARM_DEVICE_KINDS.has(r.kind))
    ctx.addIssue({
      code: 'custom',
      path: ['deviceId'],
      message: `a ${r.kind} rule is about the site, not one device`,
    });
  if (r.kind === 'storage-quota' && r.threshold !== undefined && r.threshold > 100)
    ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'a percentage is at most 100' });
}

/** A new rule; omitted numbers take the kind's defaults (ALARM_DEFAULTS). */
export const CreateAlarmRuleSchema = z
  .strictObject({
    kind: z.enum(ALARM_KINDS),
    /** One camera of the site; absent/null = the whole site. */
    deviceId: ResourceIdSchema.nullable().optional(),
    threshold: ThresholdSchema.optional(),
    periodSeconds: PeriodSchema.optional(),
    datapointsToAlarm: CountSchema.optional(),
    evaluationPeriods: CountSchema.optional(),
    enabled: z.boolean().optional(),
  })
  .superRefine(checkRule);
export type CreateAlarmRule = z.input<typeof CreateAlarmRuleSchema>;

/** A change of a rule's numbers or switch (kind and target are fixed: make a new rule instead). */
export const UpdateAlarmRuleSchema = z
  .strictObject({
    threshold: ThresholdSchema.optional(),
    periodSeconds: PeriodSchema.optional(),
    datapointsToAlarm: CountSchema.optional(),
    evaluationPeriods: CountSchema.optional(),
    enabled: z.boolean().optional(),
  })
  .superRefine(checkRule);
export type UpdateAlarmRule = z.input<typeof UpdateAlarmRuleSchema>;

export const MuteAlarmSchema = z.strictObject({
  /** Unix ms until which state changes are not notified (the state still changes). */
  until: MillisSchema,
});
export type MuteAlarm = z.input<typeof MuteAlarmSchema>;

/** A rule with its current state. */
export const AlarmViewSchema = z.object({
  id: ResponseIdSchema,
  siteId: ResponseIdSchema,
  kind: z.enum(ALARM_KINDS),
  deviceId: z.string().nullable(),
  threshold: z.number(),
  periodSeconds: z.number(),
  datapointsToAlarm: z.number(),
  evaluationPeriods: z.number(),
  enabled: z.boolean(),
  /** True for the rules the site got by default. */
  isDefault: z.boolean(),
  state: z.enum(ALARM_STATES),
  /** Why the state is what it is, in a sentence. */
  reason: z.string(),
  /** The last datapoint (null: missing or never evaluated). */
  value: z.number().nullable(),
  /** Unix ms of the last state change. */
  stateChangedAt: z.number(),
  /** Unix ms of the last evaluation, null before the first. */
  evaluatedAt: z.number().nullable(),
  /** Set when someone acknowledged the current state; cleared by the next state change. */
  acknowledgedAt: z.number().nullable(),
  acknowledgedBy: z.string().nullable(),
  /** Notifications are suppressed until then (null: not muted). */
  mutedUntil: z.number().nullable(),
});
export type AlarmView = z.infer<typeof AlarmViewSchema>;

export const AlarmListSchema = z.object({ alarms: z.array(AlarmViewSchema) });
export type AlarmList = z.infer<typeof AlarmListSchema>;

export const ALARM_HISTORY_TYPES = ['state', 'acknowledged', 'muted', 'unmuted'] as const;

export const AlarmHistoryEntrySchema = z.object({
  id: z.number(),
  alarmId: ResponseIdSchema,
  siteId: ResponseIdSchema,
  kind: z.enum(ALARM_KINDS),
  deviceId: z.string().nullable(),
  at: z.number(),
  type: z.enum(ALARM_HISTORY_TYPES),
  /** For `state`: the previous and new state. */
  from: z.enum(ALARM_STATES).nullable(),
  to: z.enum(ALARM_STATES).nullable(),
  value: z.number().nullable(),
  reason: z.string(),
  /** Who acknowledged or muted (an account id), null for the evaluator. */
  actor: z.string().nullable(),
});
export type AlarmHistoryEntry = z.infer<typeof AlarmHistoryEntrySchema>;

export const AlarmHistoryQuerySchema = z.strictObject({
  alarmId: ResourceIdSchema.optional(),
  limit: z.coerce.number<number>().int().min(1).max(200).default(50),
  /** The previous page's `next`: entries with a smaller id. */
  before: z.coerce.number<number>().int().min(1).optional(),
});
export type AlarmHistoryQuery = z.input<typeof AlarmHistoryQuerySchema>;

export const AlarmHistoryPageSchema = z.object({
  /** Newest first. */
  entries: z.array(AlarmHistoryEntrySchema),
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: z.number().nullable(),
});
export type AlarmHistoryPage = z.infer<typeof AlarmHistoryPageSchema>;

export const alarmRoutes = {
  listAlarms: defineRoute({
    ...REST_ENDPOINTS.listAlarms,
    summary: "A site's alarm rules with their current state (default rules are made on first use).",
    tag: 'alarms',
    params: SiteParamsSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: AlarmListSchema,
    status: 200,
  }),
  createAlarm: defineRoute({
    ...REST_ENDPOINTS.createAlarm,
    summary: 'A new alarm rule for the site (or one of its cameras); it starts INSUFFICIENT_DATA.',
    tag: 'alarms',
    params: SiteParamsSchema,
    query: NoInputSchema,
    body: CreateAlarmRuleSchema,
    response: AlarmViewSchema,
    status: 201,
  }),
  updateAlarm: defineRoute({
    ...REST_ENDPOINTS.updateAlarm,
    summary: "Change a rule's threshold, period, M of N or switch; it is evaluated afresh.",
    tag: 'alarms',
    params: AlarmParamsSchema,
    query: NoInputSchema,
    body: UpdateAlarmRuleSchema,
    response: AlarmViewSchema,
    status: 200,
  }),
  deleteAlarm: defineRoute({
    ...REST_ENDPOINTS.deleteAlarm,
    summary: 'Delete a rule and its history (a deleted default rule is not made again).',
    tag: 'alarms',
    params: AlarmParamsSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: NoContentSchema,
    status: 204,
  }),
  listAlarmHistory: defineRoute({
    ...REST_ENDPOINTS.listAlarmHistory,
    summary: "A site's alarm history (state changes, acknowledgements, mutes), newest first.",
    tag: 'alarms',
    params: SiteParamsSchema,
    query: AlarmHistoryQuerySchema,
    body: NoInputSchema,
    response: AlarmHistoryPageSchema,
    status: 200,
  }),
  acknowledgeAlarm: defineRoute({
    ...REST_ENDPOINTS.acknowledgeAlarm,
    summary: 'Acknowledge the current state of an alarm (until its next state change).',
    tag: 'alarms',
    params: AlarmParamsSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: AlarmViewSchema,
    status: 200,
  }),
  muteAlarm: defineRoute({
    ...REST_ENDPOINTS.muteAlarm,
    summary: "Suppress an alarm's notifications until a time (its state keeps changing).",
    tag: 'alarms',
    params: AlarmParamsSchema,
    query: NoInputSchema,
    body: MuteAlarmSchema,
    response: AlarmViewSchema,
    status: 200,
  }),
  unmuteAlarm: defineRoute({
    ...REST_ENDPOINTS.unmuteAlarm,
    summary: "Notify an alarm's state changes again.",
    tag: 'alarms',
    params: AlarmParamsSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: AlarmViewSchema,
    status: 200,
  }),
};
