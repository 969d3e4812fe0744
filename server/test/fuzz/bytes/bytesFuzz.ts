/**
 * The full-size bytes fuzz for `npm run fuzz -- --only=bytes --bytes=N`: N inputs into each of the
 * RTP pipeline (an input is a datagram), the STUN probe parser (a datagram) and the fMP4 parsers
 * (a mutated init segment or fragment, through every parser), in seeded batches of fast-check
 * runs. A failing batch is reported with its seed and shrunk counterexample, and the run goes on.
 */
import fc from 'fast-check';
import { ffmpegCorpus, fmp4Input, muxerCorpus, parseAll } from './fmp4Fuzz.ts';
import { rtpSession, runSession } from './rtpFuzz.ts';
import { probeOnce, stunBytes, stunInput } from './stunFuzz.ts';

export interface BytesFinding {
  target: string;
  seed: number;
  counterexample: string;
  error: string;
}

export interface BytesTargetResult {
  inputs: number;
  seconds: number;
  failures: number;
  /** What the inputs came to (per target: outcomes, fragments written, ...). */
  outcomes: Record<string, number>;
}

export interface BytesFuzzResult {
  seed: number;
  targets: Record<'rtp' | 'stun' | 'fmp4', BytesTargetResult>;
  findings: BytesFinding[];
}

/**
 * Runs batches of `property` (each run adds its input count to `outcomes.inputs`) until `inputs`
 * are reached; every batch has its own seed (seed + batch), so a finding replays alone.
 */
function batches<T>(
  target: string,
  o: { seed: number; inputs: number; batch: number },
  arb: fc.Arbitrary<T>,
  run: (input: T, outcomes: Record<string, number>) => number,
  findings: BytesFinding[],
  onProgress?: (line: string) => void,
): BytesTargetResult {
  const started = performance.now();
  const outcomes: Record<string, number> = {};
  let inputs = 0;
  let failures = 0;
  for (let b = 0; inputs < o.inputs; b++) {
    const seed = o.seed + b;
    const details = fc.check(
      fc.property(arb, (x) => {
        inputs += run(x, outcomes);
      }),
      { seed, numRuns: o.batch },
    );
    if (details.failed) {
      failures++;
      findings.push({
        target,
        seed,
        counterexample: JSON.stringify(details.counterexample, (_k, v: unknown) =>
          typeof v === 'bigint'
            ? `${v}n`
            : v instanceof Uint8Array
              ? Buffer.from(v).toString('hex')
              : v,
        ).slice(0, 2000),
        error: String(details.errorInstance).slice(0, 500),
      });
    }
    onProgress?.(`bytes fuzz ${target}: ${inputs} inputs, ${failures} failing batches`);
  }
  return { inputs, seconds: (performance.now() - started) / 1000, failures, outcomes };
}

export async function runBytesFuzz(o: {
  seed: number;
  inputs: number;
  onProgress?: (line: string) => void;
}): Promise<BytesFuzzResult> {
  const findings: BytesFinding[] = [];
  const rtp = batches(
    'rtp',
    { seed: o.seed, inputs: o.inputs, batch: 500 },
    rtpSession,
    (s, out) => {
      const r = runSession(s);
      if (r.problems.length > 0)
        throw new Error(`ill-formed output: ${r.problems.slice(0, 3).join('; ')}`);
      out.fragments = (out.fragments ?? 0) + r.fragments;
      out.inits = (out.inits ?? 0) + r.inits;
      return r.datagrams;
    },
    findings,
    o.onProgress,
  );
  const stun = batches(
    'stun',
    { seed: o.seed, inputs: o.inputs, batch: 20_000 },
    stunInput,
    (s, out) => {
      const k = probeOnce(stunBytes(s));
      out[k] = (out[k] ?? 0) + 1;
      return 1;
    },
    findings,
    o.onProgress,
  );
  const corpora = [await ffmpegCorpus(), muxerCorpus()];
  const fmp4 = batches(
    'fmp4',
    { seed: o.seed, inputs: o.inputs, batch: 5000 },
    fmp4Input,
    (input, out) => {
      const r = parseAll(corpora, input);
      out.parsed = (out.parsed ?? 0) + r.parsed;
      out.refused = (out.refused ?? 0) + r.refused;
      return 1;
    },
    findings,
    o.onProgress,
  );
  return { seed: o.seed, targets: { rtp, stun, fmp4 }, findings };
}
