import { describe, expect, it } from 'vitest';
import { decide, type RuleShape } from './datapoints.ts';

const rule = (o: Partial<RuleShape> = {}): RuleShape => ({
  kind: 'stream-down',
  threshold: 10,
  datapointsToAlarm: 2,
  evaluationPeriods: 3,
  ...o,
});

describe('M of N datapoints (CloudWatch semantics)', () => {
  it('alarms when at least M of the last N breach, not before', () => {
    expect(decide(rule(), [11]).state).toBe('OK');
    expect(decide(rule(), [11, 5, 12]).state).toBe('ALARM');
    expect(decide(rule(), [11, 5, 10]).state).toBe('OK'); // equal is not above
    // Only the last N count.
    expect(decide(rule(), [11, 12, 1, 1, 11]).state).toBe('OK');
  });

  it('is INSUFFICIENT_DATA only when no datapoint of the window is present', () => {
    expect(decide(rule(), []).state).toBe('INSUFFICIENT_DATA');
    expect(decide(rule(), [null, null, null]).state).toBe('INSUFFICIENT_DATA');
    expect(decide(rule(), [20, null, null, null]).state).toBe('INSUFFICIENT_DATA');
    expect(decide(rule(), [null, 20, 30]).state).toBe('ALARM');
    expect(decide(rule(), [null, null, 30]).state).toBe('OK');
  });

  it('free disk breaches below its threshold', () => {
    const disk = rule({
      kind: 'disk-free',
      threshold: 1000,
      datapointsToAlarm: 1,
      evaluationPeriods: 1,
    });
    expect(decide(disk, [999]).state).toBe('ALARM');
    expect(decide(disk, [1000]).state).toBe('OK');
    expect(decide(disk, [5000]).reason).toMatch(/< 1000/);
  });
});
