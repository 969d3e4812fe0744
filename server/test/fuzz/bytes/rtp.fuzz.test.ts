import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rtpSession, runSession } from './rtpFuzz.ts';

/** `npm run fuzz -- --only=bytes` runs the full size; here a small seeded run. */
describe('RTP into the in-process recorder (fuzz, seeded)', () => {
  it('never throws on near-valid and random datagrams; what it writes is well-formed fMP4', () => {
    let fragments = 0;
    let datagrams = 0;
    fc.assert(
      fc.property(rtpSession, (s) => {
        const r = runSession(s);
        expect(r.problems).toEqual([]);
        fragments += r.fragments;
        datagrams += r.datagrams;
      }),
      { seed: 1600, numRuns: 400 },
    );
    // The generator reaches the muxer, not only the parser's refusals.
    expect(datagrams).toBeGreaterThan(10_000);
    expect(fragments).toBeGreaterThan(100);
  });
});
