/**
 * SRTP cost of two worker builds, measured in one run: for each build a plain-RTP and an SRTP
 * bare-mediasoup variant (four workers), stepped through N together in alternating order, so
 * machine noise hits all four alike.
 */
import type { ChildRpc } from '../lib/ipc.ts';
import { median, ratio } from '../lib/stats.ts';
import type { StepResult } from './measure.ts';
import { isClean } from './options.ts';
import { stepThrough, summarizeVariant, type VariantSummary } from './sweep.ts';
import { bareVariant, type Variant } from './variants.ts';
import { defaultWorkerBin } from './workerBin.ts';

export interface WorkerBuild {
  label: string;
  /** Worker binary; undefined = the installed default (mediasoup.workerBin). */
  bin: string | undefined;
}

export interface BuildResult {
  label: string;
  bin: string;
  plain: { steps: StepResult[]; summary: VariantSummary };
  srtp: { steps: StepResult[]; summary: VariantSummary };
  /** SRTP µs/pkt ÷ plain µs/pkt at the same N, where both steps were clean. */
  srtpOverPlainPerStep: { n: number; ratio: number }[];
  srtpOverPlain: number;
}

export async function compareBuilds(
  builds: WorkerBuild[],
  steps: number[],
  clip: string,
  sink: ChildRpc,
  deadline: number,
): Promise<BuildResult[]> {
  const arms: { build: WorkerBuild; plain: Variant; srtp: Variant }[] = [];
  const created: Variant[] = []; // closed in `finally`, whatever failed
  try {
    for (const build of builds) {
      const plain = await bareVariant(`${build.label}:plain`, false, clip, build);
      created.push(plain);
      const srtp = await bareVariant(`${build.label}:srtp`, true, clip, build);
      created.push(srtp);
      arms.push({ build, plain, srtp });
    }
    for (const v of created) await v.pause();
    console.log(
      `[fanout-builds] workers: ${arms
        .map((a) => `${a.build.label} plain=${a.plain.workerPid} srtp=${a.srtp.workerPid}`)
        .join(', ')}; N = ${steps.join(', ')}`,
    );
    await stepThrough(created, steps, sink, deadline);
  } finally {
    for (const v of created)
      await v.close().catch((e: unknown) => console.error('[fanout-builds] close failed', e));
  }
  return arms.map(({ build, plain, srtp }) => {
    const perStep = srtp.steps.flatMap((s) => {
      const p = plain.steps.find((x) => x.n === s.n);
      return p && isClean(p) && isClean(s)
        ? [{ n: s.n, ratio: ratio(s.usPerForwardedPacket, p.usPerForwardedPacket) }]
        : [];
    });
    return {
      label: build.label,
      bin: build.bin ?? defaultWorkerBin(),
      plain: { steps: plain.steps, summary: summarizeVariant(plain) },
      srtp: { steps: srtp.steps, summary: summarizeVariant(srtp) },
      srtpOverPlainPerStep: perStep,
      srtpOverPlain: median(perStep.map((x) => x.ratio)),
    };
  });
}
