/**
 * Alarms (issue 13), zod-free: the rule kinds, CloudWatch-like states and the defaults every site
 * gets. The REST schemas are in rest/alarms.ts; the semantics in docs/operations.md "Alarms".
 */

/**
 * What a rule watches. Each kind produces one datapoint per evaluation period (or none: missing):
 * - `stream-down`: seconds the camera (or the site's camera down longest) has had no live,
 *   unpaused video producer; missing when the site has no camera.
 * - `recording-stalled`: seconds since the last segment of a running recording (0 when nothing
 *   records); missing when recording is disabled on the server.
 * - `storage-quota`: percent of the recording quota in use (the disk's size when no quota is set);
 *   missing when the storage cannot tell (object storage without a quota).
 * - `disk-free`: free bytes on the recording volume (breaches BELOW the threshold); missing as above.
 * - `worker-restarts`: media worker deaths in the last hour.
 * - `turn-unhealthy`: 1 while the TURN server fails its health probe, else 0; missing without TURN.
 * - `database-errors`: failed database queries during the period.
 * - `push-failures`: Web Push deliveries that failed during the period.
 */
export const ALARM_KINDS = [
  'stream-down',
  'recording-stalled',
  'storage-quota',
  'disk-free',
  'worker-restarts',
  'turn-unhealthy',
  'database-errors',
  'push-failures',
] as const;
export type AlarmKind = (typeof ALARM_KINDS)[number];

/** OK, ALARM, or INSUFFICIENT_DATA (no datapoint in the evaluation window). */
export const ALARM_STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

/** Kinds whose datapoint breaches when it is below the threshold (all others: above). */
export const ALARM_BREACHES_BELOW: ReadonlySet<AlarmKind> = new Set<AlarmKind>(['disk-free']);

/** Kinds that may target one device (the others are about the site or the whole box). */
export const ALARM_DEVICE_KINDS: ReadonlySet<AlarmKind> = new Set<AlarmKind>([
  'stream-down',
  'recording-stalled',
]);

/** What each kind watches, in words, for display. */
export const ALARM_LABELS: Record<AlarmKind, string> = {
  'stream-down': 'Camera stream down',
  'recording-stalled': 'Recording stalled',
  'storage-quota': 'Storage quota used',
  'disk-free': 'Free disk space',
  'worker-restarts': 'Media worker restarts',
  'turn-unhealthy': 'TURN server unhealthy',
  'database-errors': 'Database errors',
  'push-failures': 'Push delivery failures',
};

/** Unit of each kind's threshold and datapoints, for display. */
export const ALARM_UNITS: Record<AlarmKind, string> = {
  'stream-down': 's',
  'recording-stalled': 's',
  'storage-quota': '%',
  'disk-free': 'bytes',
  'worker-restarts': 'per hour',
  'turn-unhealthy': '',
  'database-errors': 'errors',
  'push-failures': 'failures',
};

export interface AlarmRuleDefaults {
  threshold: number;
  periodSeconds: number;
  /** M of N: ALARM when at least `datapointsToAlarm` of the last `evaluationPeriods` breach. */
  datapointsToAlarm: number;
  evaluationPeriods: number;
}

/** The rules every site gets (one per kind, site-wide, enabled). */
export const ALARM_DEFAULTS: Record<AlarmKind, AlarmRuleDefaults> = {
  'stream-down': { threshold: 300, periodSeconds: 60, datapointsToAlarm: 1, evaluationPeriods: 1 },
  'recording-stalled': {
    threshold: 60,
    periodSeconds: 60,
    datapointsToAlarm: 2,
    evaluationPeriods: 3,
  },
  'storage-quota': {
    threshold: 90,
    periodSeconds: 300,
    datapointsToAlarm: 1,
    evaluationPeriods: 1,
  },
  'disk-free': {
    threshold: 1024 ** 3,
    periodSeconds: 300,
    datapointsToAlarm: 1,
    evaluationPeriods: 1,
  },
  'worker-restarts': {
    threshold: 3,
    periodSeconds: 60,
    datapointsToAlarm: 1,
    evaluationPeriods: 1,
  },
  'turn-unhealthy': { threshold: 0, periodSeconds: 60, datapointsToAlarm: 2, evaluationPeriods: 3 },
  'database-errors': {
    threshold: 10,
    periodSeconds: 60,
    datapointsToAlarm: 3,
    evaluationPeriods: 5,
  },
  'push-failures': { threshold: 5, periodSeconds: 300, datapointsToAlarm: 1, evaluationPeriods: 1 },
};

/** Bounds of a rule's numbers (the REST schema enforces them). */
export const ALARM_LIMITS = {
  minPeriodSeconds: 1,
  maxPeriodSeconds: 86_400,
  maxEvaluationPeriods: 100,
  rulesPerSite: 100,
  nameLength: 80,
} as const;
