import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { probeOnce, stunBytes, stunInput, type StunOutcome } from './stunFuzz.ts';

describe('STUN responses into the health probe (fuzz, seeded)', () => {
  it('ignores, accepts (with a well-formed address) or rejects with a StunProbeError; nothing else', () => {
    const outcomes: Record<StunOutcome, number> = { ignored: 0, accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(stunInput, (s) => {
        outcomes[probeOnce(stunBytes(s))]++;
      }),
      { seed: 1600, numRuns: 20_000 },
    );
    // Each outcome is reached: the generator gets past the header checks.
    expect(outcomes.accepted).toBeGreaterThan(1000);
    expect(outcomes.rejected).toBeGreaterThan(2000);
    expect(outcomes.ignored).toBeGreaterThan(2000);
  });
});
