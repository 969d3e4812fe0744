/**
 * SFU fan-out on ONE mediasoup worker: one ~1 Mbps H264 video producer (fed by ffmpeg over
 * plain RTP) to N consumers (plain RTP to UDP sinks in a child process). Two variants, measured
 * alternately at every N so machine noise hits both:
 *   bare        mediasoup directly: createWorker -> createRouter -> transports
 *   porchlight  our server (startTestServer, 1 worker), the site's Room and its router; producer
 *               and consumers go through Room.produce / Room.consume / Room.resumeConsumer
 * Per N: worker CPU (getResourceUsage deltas), loss (producer packets x N vs sink packets), sink
 * Mbps. Results: bench/results/latest.{json,md} under "fanout".
 *
 *   node --import tsx bench/fanout.ts [--steps=25,50,100] [--window=5] [--warmup=2] [--srtp]
 *                                     [--live-encode] [--budget=300]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChildRpc } from './lib/ipc.ts';
import { quietLogs, runMain } from './lib/main.ts';
import { mdTable, recordResult } from './lib/results.ts';
import { machineInfo, secondsSince } from './lib/resources.ts';
import { fmt, median } from './lib/stats.ts';
import { prepareClip, SRTP_SUITE } from './fanout/media.ts';
import { CONTENTION_CORE_PCT, opts } from './fanout/options.ts';
import {
  lb,
  ratioLine,
  srtpOverPlain,
  STEP_HEADERS,
  stepRows,
  summaryTable,
} from './fanout/report.ts';
import { runSweep, type SweepResult } from './fanout/sweep.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  const t0 = performance.now();
  quietLogs();
  const machine = machineInfo();
  console.log(
    `[fanout] ${machine.cpuModel} x${machine.nproc}, node ${machine.nodeVersion}, load ${machine.loadAvg1.toFixed(2)}; ` +
      `window ${opts.windowS}s, warm-up ${opts.warmupS}s, ${opts.liveEncode ? 'live x264' : 'pre-encoded clip (-c copy)'}, ` +
      `budget ${opts.budgetS}s`,
  );
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-fanout-'));
  const sink = ChildRpc.fork(path.join(here, 'lib/udpSinkChild.ts'));
  let primary: SweepResult;
  let check: SweepResult | undefined;
  try {
    const clip = opts.liveEncode ? '' : prepareClip(tmp);
    await sink.waitEvent('ready');
    // The main sweep gets ~75% of the budget; the SRTP check what is left.
    const mainDeadline =
      t0 + opts.budgetS * 1000 * (opts.srtpCheck.length && !opts.srtp ? 0.75 : 1);
    primary = await runSweep(
      opts.srtp ? 'srtp' : 'plain',
      opts.srtp,
      opts.steps,
      clip,
      sink,
      mainDeadline,
    );
    if (opts.srtpCheck.length && !opts.srtp && secondsSince(t0) < opts.budgetS - 30) {
      check = await runSweep(
        'srtp-check',
        true,
        opts.srtpCheck,
        clip,
        sink,
        t0 + opts.budgetS * 1000,
      );
    }
  } finally {
    await sink.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const durationSeconds = secondsSince(t0);
  const srtpRatios = check ? srtpOverPlain(primary, check) : [];
  const srtpRatio = median(srtpRatios.map((r) => r.ratio));
  const bareRef = primary.summary.bare;
  const ingest = median(
    [...primary.steps.bare, ...primary.steps.porchlight].map((s) => s.producerMbps),
  );

  const md: string[] = [
    `One ~${fmt(ingest, 2)} Mbps H264 720p30 producer (ffmpeg → plain RTP) fanned out to N ` +
      `${primary.srtp ? 'SRTP' : 'plain-RTP'} consumers on ONE worker; UDP sinks in a child process on the same ` +
      `${machine.nproc}-core machine; ${opts.windowS} s window per step, variants alternated. ` +
      `"loss" = RTP sequence gaps seen by the sinks in the window; "(sink …)" = part lost after the worker ` +
      `sent it (consumer stats vs sink counts); "starved" = consumers whose stream did not advance; ` +
      `ingest loss = ffmpeg→worker drops, which every consumer inherits. "other load" = machine CPU not used by ` +
      `this bench (other tenants); "contended" steps (other load ≥ ${CONTENTION_CORE_PCT}% of a core while the ` +
      `step had trouble and the worker was not saturated, after one retry) count neither as clean nor as failures.`,
    '',
    mdTable(STEP_HEADERS, stepRows(primary)),
    '',
    summaryTable(primary),
    '',
    ratioLine(primary) + '.',
  ];
  if (check) {
    md.push(
      '',
      `SRTP check (consumers encrypt with ${SRTP_SUITE}, as WebRTC does):`,
      '',
      mdTable(STEP_HEADERS, stepRows(check)),
      '',
      `SRTP/plain worker cost per packet ×${fmt(srtpRatio, 2)} (median of ${srtpRatios.length} matched steps); ` +
        `${ratioLine(check)}.`,
    );
  }
  md.push(
    '',
    `mediasoup's guide: ~500 consumers per worker (one core) for WebRTC consumers. Projected from the ` +
      `marginal CPU per consumer at this ~1 Mbps stream: bare ≈ ${fmt(bareRef.projectedConsumersPerCore, 0)} ` +
      `(porchlight ≈ ${fmt(primary.summary.porchlight.projectedConsumersPerCore, 0)}) plain-RTP consumers per core` +
      (check
        ? `, ≈ ${fmt(check.summary.bare.projectedConsumersPerCore, 0)} ` +
          `(porchlight ≈ ${fmt(check.summary.porchlight.projectedConsumersPerCore, 0)}) with SRTP`
        : '') +
      `. Sinks send no RTCP feedback and there is no congestion control, so real WebRTC viewers cost ` +
      `somewhat more; SRTP cost depends on the worker build's libsrtp crypto backend.`,
  );

  recordResult(
    'fanout',
    {
      options: opts,
      main: primary,
      srtpCheck: check ?? null,
      srtpOverPlain: { perStep: srtpRatios, median: srtpRatio },
    },
    md.join('\n'),
    { durationSeconds, machine },
  );

  console.log('\n=== fan-out summary ===');
  for (const sw of check ? [primary, check] : [primary]) {
    console.log(`  [${sw.label}]`);
    for (const s of [sw.summary.bare, sw.summary.porchlight]) {
      console.log(
        `  ${s.variant.padEnd(10)} max N with <1% loss: ${lb(s).padEnd(5)} CPU/consumer there ${fmt(s.cpuPerConsumerPct, 3)}% ` +
          `of a core, marginal ${fmt(s.marginalCpuPerConsumerPct, 3)}% (fixed ${fmt(s.fixedCpuPct)}%), ` +
          `${fmt(s.usPerForwardedPacket, 2)} µs/pkt → ~${fmt(s.projectedConsumersPerCore, 0)} consumers per busy core ` +
          `[stopped: ${s.stoppedBecause}${s.contendedN.length ? `; contended at N=${s.contendedN.join(',')}` : ''}]`,
      );
    }
    console.log(`  ${ratioLine(sw)}`);
  }
  if (check) console.log(`  SRTP/plain worker cost per packet ×${fmt(srtpRatio, 2)}`);
  console.log(
    `  mediasoup quotes ~500 consumers per worker core for WebRTC consumers (SRTP, BWE, RTCP feedback). ` +
      `Plain-RTP sinks send no feedback, so these per-consumer costs are a lower bound for WebRTC viewers.`,
  );
  console.log(
    '  Caveat: sinks, ffmpeg and both workers share this machine with other tenants; loss can come from the sink ' +
      'process (see sink-side loss and sink CPU) rather than the SFU, and "machine busy" shows contention.',
  );
  console.log(
    `[fanout] done in ${durationSeconds.toFixed(0)} s; results in bench/results/latest.{json,md}`,
  );
}

runMain('fanout', main);
