/**
 * SRTP cost of the installed mediasoup worker against another worker build, in ONE run: for each
 * build, plain-RTP and SRTP consumers (bare mediasoup, the fan-out bench's media and sinks) at the
 * same N, alternating. Made to compare libsrtp on OpenSSL (scripts/mediasoup-worker/build.sh)
 * with the earlier build on Debian's NSS-backed libsrtp2, but any two worker binaries work.
 * Results: bench/results/latest.{json,md} under "fanoutSrtpBuilds".
 *
 *   node --import tsx bench/fanoutSrtpBuilds.ts --baseline-worker=PATH [--baseline-label=nss]
 *        [--label=openssl] [--steps=100,200] [--window=5] [--warmup=2] [--budget=300]
 *        [--srtp-suite=AES_CM_128_HMAC_SHA1_80]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, numberArg, numberList } from './lib/args.ts';
import { ChildRpc } from './lib/ipc.ts';
import { quietLogs, runMain } from './lib/main.ts';
import { mdTable, recordResult } from './lib/results.ts';
import { machineInfo, secondsSince } from './lib/resources.ts';
import { fmt } from './lib/stats.ts';
import { compareBuilds, type BuildResult } from './fanout/builds.ts';
import { prepareClip, SRTP_SUITE } from './fanout/media.ts';
import { opts } from './fanout/options.ts';
import { STEP_HEADERS, stepRowsOf } from './fanout/report.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

const baselineBin = arg('baseline-worker');
const baselineLabel = arg('baseline-label') ?? 'baseline';
const label = arg('label') ?? 'installed';
/** Default N: both well below where the slower SRTP build saturates a core (~280 consumers). */
const steps = numberList(arg('steps') ?? '100,200');
const budgetS = numberArg('budget', 300);

/** Step rows (the variant column names the build), with the consumer kind after N. */
function rowsOf(b: BuildResult): (string | number)[][] {
  return [...b.plain.steps, ...b.srtp.steps]
    .sort((x, y) => x.n - y.n)
    .flatMap((s) =>
      stepRowsOf([s]).map(([n = s.n, build = b.label, ...rest]) => [
        build,
        n,
        s.srtp ? 'SRTP' : 'plain',
        ...rest,
      ]),
    );
}

async function main(): Promise<void> {
  if (!baselineBin || baselineBin === 'true' || !fs.existsSync(baselineBin))
    throw new Error(`--baseline-worker=PATH must name an existing worker binary (${baselineBin})`);
  if (baselineLabel === label)
    throw new Error(`--baseline-label and --label must differ (${label})`);
  const t0 = performance.now();
  quietLogs();
  const machine = machineInfo();
  console.log(
    `[fanout-builds] ${machine.cpuModel} x${machine.nproc}, load ${machine.loadAvg1.toFixed(2)}; ` +
      `${label} (installed) vs ${baselineLabel} (${baselineBin}); window ${opts.windowS}s, budget ${budgetS}s`,
  );
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-fanout-builds-'));
  const sink = ChildRpc.fork(path.join(here, 'lib/udpSinkChild.ts'));
  let results: BuildResult[];
  try {
    const clip = opts.liveEncode ? '' : prepareClip(tmp);
    await sink.waitEvent('ready');
    results = await compareBuilds(
      [
        { label: baselineLabel, bin: baselineBin },
        { label, bin: undefined },
      ],
      steps,
      clip,
      sink,
      t0 + budgetS * 1000,
    );
  } finally {
    await sink.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const durationSeconds = secondsSince(t0);

  const summaryRows = results.map((b) => [
    b.label,
    fmt(b.plain.summary.usPerForwardedPacket, 2),
    fmt(b.srtp.summary.usPerForwardedPacket, 2),
    `×${fmt(b.srtpOverPlain, 2)} (${b.srtpOverPlainPerStep.length} N)`,
    fmt(b.plain.summary.projectedConsumersPerCore, 0),
    fmt(b.srtp.summary.projectedConsumersPerCore, 0),
    b.srtp.summary.stoppedBecause +
      (b.srtp.summary.contendedN.length
        ? `; N=${b.srtp.summary.contendedN.join(',')} contended`
        : ''),
  ]);
  const [base, ours] = results as [BuildResult, BuildResult];
  const md = [
    `SRTP (${SRTP_SUITE}) vs plain-RTP consumers of one ~1 Mbps H264 producer, bare mediasoup, for two worker ` +
      `builds in the same run (four workers, stepped together in alternating order, ${opts.windowS} s windows): ` +
      `**${baselineLabel}** = \`${base.bin}\`, **${label}** = \`${ours.bin}\`. ` +
      `"projected consumers/core" = 100 / marginal worker CPU per consumer (linear fit over clean N).`,
    '',
    mdTable(
      [
        'build',
        'plain µs/pkt',
        'SRTP µs/pkt',
        'SRTP/plain',
        'plain consumers/core',
        'SRTP consumers/core',
        'SRTP sweep stopped',
      ],
      summaryRows,
    ),
    '',
    `SRTP per packet, ${label}/${baselineLabel}: ×${fmt(ours.srtp.summary.usPerForwardedPacket / base.srtp.summary.usPerForwardedPacket, 2)}.`,
    '',
    mdTable(
      ['build', 'N', 'consumers', ...STEP_HEADERS.slice(2)],
      [...rowsOf(base), ...rowsOf(ours)],
    ),
  ].join('\n');
  recordResult('fanoutSrtpBuilds', { steps, suite: SRTP_SUITE, builds: results }, md, {
    durationSeconds,
    machine,
  });
  console.log('\n=== SRTP cost per worker build ===');
  for (const b of results) {
    console.log(
      `  ${b.label.padEnd(10)} plain ${fmt(b.plain.summary.usPerForwardedPacket, 2)} µs/pkt, SRTP ` +
        `${fmt(b.srtp.summary.usPerForwardedPacket, 2)} µs/pkt: SRTP/plain ×${fmt(b.srtpOverPlain, 2)}; ` +
        `projected per core: plain ~${fmt(b.plain.summary.projectedConsumersPerCore, 0)}, ` +
        `SRTP ~${fmt(b.srtp.summary.projectedConsumersPerCore, 0)}`,
    );
  }
  console.log(`[fanout-builds] done in ${durationSeconds.toFixed(0)} s`);
}

runMain('fanout-builds', main);
