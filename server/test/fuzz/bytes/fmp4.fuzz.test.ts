import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ffmpegCorpus, fmp4Input, muxerCorpus, parseAll, type Corpus } from './fmp4Fuzz.ts';

describe('fMP4 box parsers (fuzz, seeded)', () => {
  let corpora: Corpus[];
  beforeAll(async () => {
    corpora = [await ffmpegCorpus(), muxerCorpus()];
  });

  it('mutated init segments and fragments, whole and in chunks: parsed or refused with an Fmp4Error', () => {
    const totals = { parsed: 0, refused: 0 };
    fc.assert(
      fc.property(fmp4Input, (input) => {
        const r = parseAll(corpora, input);
        totals.parsed += r.parsed;
        totals.refused += r.refused;
      }),
      { seed: 1600, numRuns: 3000 },
    );
    // Both ways are taken: mutations are not all fatal, nor all harmless.
    expect(totals.parsed).toBeGreaterThan(1000);
    expect(totals.refused).toBeGreaterThan(1000);
  });
});
