/**
 * The recording sweep's baseline: N bare `ffmpeg -c copy -f mp4` receivers fed by the same
 * sources directly.
 */
import { sleep, systemBusyPct } from '../lib/resources.ts';
import { fmt, median } from '../lib/stats.ts';
import { cpuPct, snap } from './cpu.ts';
import { killAll, processWriteBytes, startBareRecorder, startSource } from './media.ts';
import { NPROC, opts } from './options.ts';
import type { BareStep } from './stepTypes.ts';

export async function bareStep(n: number, clip: string): Promise<BareStep> {
  const receivers = await Promise.all(Array.from({ length: n }, () => startBareRecorder()));
  // ffmpeg binds its ports after reading the SDP (Recorder.start waits the same 300 ms).
  await sleep(400);
  let ssrc = 50_000_000 + Math.floor(Math.random() * 1e6) * 10;
  const sources = receivers.map((r) =>
    startSource(clip, { video: r.video, audio: r.audio, videoSsrc: ssrc++, audioSsrc: ssrc++ }),
  );
  try {
    await sleep(3000);
    const rp = receivers.map((r) => r.child.pid).filter((p): p is number => p !== undefined);
    const sp = sources.map((s) => s.pid).filter((p): p is number => p !== undefined);
    const w0 = rp.map((p) => processWriteBytes(p));
    const a = snap([...rp, ...sp]);
    await sleep(opts.bareWindowS * 1000);
    const b = snap([...rp, ...sp]);
    const w1 = rp.map((p) => processWriteBytes(p));
    const secs = (b.at - a.at) / 1000;
    const rates = w1.map((v, i) => (v - (w0[i] ?? NaN)) / secs / 1000);
    const receiverCpuPct = cpuPct(a, b, rp);
    const sourceCpuPct = cpuPct(a, b, sp);
    const busy = systemBusyPct(a.sys, b.sys);
    return {
      variant: 'bare',
      n,
      windowS: secs,
      receiverCpuPct,
      sourceCpuPct,
      // Per receiver that really remuxed (one that lost its ports to another process idles).
      perStreamPct: receiverCpuPct / Math.max(1, rates.filter((r) => r >= 50).length),
      machineBusyPct: busy,
      otherLoadCorePct: busy * NPROC - receiverCpuPct - sourceCpuPct,
      flowing: rates.filter((r) => r >= 50).length,
      outKBps: median(rates),
    };
  } finally {
    await killAll([...sources, ...receivers.map((r) => r.child)]);
  }
}

export function bareLine(s: BareStep): string {
  return (
    `[recording] bare       N=${s.n}: receivers ${fmt(s.receiverCpuPct)}% sources ${fmt(s.sourceCpuPct)}% → ` +
    `${fmt(s.perStreamPct, 2)}%/stream; busy ${fmt(s.machineBusyPct, 0)}% (other ${fmt(s.otherLoadCorePct, 0)}% core); ` +
    `flowing ${s.flowing}/${s.n} (${fmt(s.outKBps, 0)} KB/s each)`
  );
}
