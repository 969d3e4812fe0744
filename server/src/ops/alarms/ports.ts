import type { AlarmKind } from '@porchlight/protocol';

/** What a datapoint is about: a site, and for camera kinds optionally one device. */
export interface SignalTarget {
  siteId: string;
  deviceId: string | null;
}

/**
 * The narrow port the evaluator reads every signal through: one number per rule kind and
 * evaluation period, or null when the data is missing (the rule then tends to INSUFFICIENT_DATA).
 * `from`..`now` is the period being evaluated (for counts of events within it).
 */
export interface AlarmSignals {
  sample(
    kind: AlarmKind,
    target: SignalTarget,
    period: { from: number; now: number },
  ): Promise<number | null>;
}

/** Who hears of a site's alarms: its owners and the platform's admins (account ids). */
export interface AlarmAudience {
  recipients(siteId: string): Promise<string[]>;
}
