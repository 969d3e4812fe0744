import { ALARM_BREACHES_BELOW, type AlarmKind, type AlarmState } from '@porchlight/protocol';

/** The numbers of a rule that decide its state. */
export interface RuleShape {
  kind: AlarmKind;
  threshold: number;
  datapointsToAlarm: number;
  evaluationPeriods: number;
}

export interface Decision {
  state: AlarmState;
  breaching: number;
  present: number;
  reason: string;
}

/** Whether one datapoint breaches the rule's threshold (disk-free breaches below, others above). */
export function breaches(rule: RuleShape, value: number): boolean {
  return ALARM_BREACHES_BELOW.has(rule.kind) ? value < rule.threshold : value > rule.threshold;
}

/**
 * CloudWatch-style M of N over the last N datapoints (newest last; null = missing):
 * ALARM when at least M breach; otherwise INSUFFICIENT_DATA when none of the N is present
 * (missing data is not guessed either way); otherwise OK.
 */
export function decide(rule: RuleShape, window: readonly (number | null)[]): Decision {
  const last = window.slice(-rule.evaluationPeriods);
  const present = last.filter((v): v is number => v !== null);
  const breaching = present.filter((v) => breaches(rule, v)).length;
  const m = rule.datapointsToAlarm;
  const n = rule.evaluationPeriods;
  const cmp = ALARM_BREACHES_BELOW.has(rule.kind) ? '<' : '>';
  if (breaching >= m)
    return {
      state: 'ALARM',
      breaching,
      present: present.length,
      reason: `${breaching} of the last ${last.length} datapoints ${cmp} ${rule.threshold} (${m} of ${n} needed)`,
    };
  if (present.length === 0)
    return {
      state: 'INSUFFICIENT_DATA',
      breaching,
      present: 0,
      reason: `no data in the last ${n} period${n === 1 ? '' : 's'}`,
    };
  return {
    state: 'OK',
    breaching,
    present: present.length,
    reason: `${breaching} of the last ${last.length} datapoints ${cmp} ${rule.threshold} (${m} of ${n} needed)`,
  };
}
