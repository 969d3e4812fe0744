import { DEFAULT_DETECTION_SETTINGS } from '@porchlight/protocol';
import {
  BudgetController,
  DetectionSession,
  videoFrameSource,
  type BudgetState,
  type FrameDetector,
  type FrameDetectorLike,
  type FrameResult,
} from '../../src/index.ts';

/**
 * Bench only: the camera page's situation. The fake camera (Chromium's file capture) is shown in
 * a <video> and encoded by a loopback WebRTC connection (VP8, as a camera publishes), while a
 * DetectionSession (the apps' own, motion-gated) runs on the video: with a fixed budget, then
 * with the adaptive BudgetController fed from the encoder's outbound-rtp stats and the page's
 * event-loop lag, as the camera page does. First, before the encoder starts, the model alone on
 * the same frames back to back (whole frame, no gating): the most detections/s this box allows.
 */
export interface LivePhase {
  label: string;
  seconds: number;
  detections: number;
  modelRuns: number;
  /** Detections/s over the phase's last 5 s (the adaptive budget has settled). */
  steadyRate: number;
  /** Frames the encoder produced per second during the phase. */
  encodedFps: number;
  lagP95Ms: number;
  /** Budget at the end and the lowest it went (adaptive only; the fixed one otherwise). */
  budgetEnd: number;
  budgetMin: number;
  /** Adaptive: how often it backed off, and for what. */
  backoffs: Record<string, number>;
  /** Per-frame work outside the model: createImageBitmap on the page (ms p50). */
  grabMsP50: number;
  /** detect() round trip minus the worker's own time (transfer + queue, ms p50). */
  transferMsP50: number;
  /** Worker time on frames the model skipped (motion gating only, ms p50). */
  gatedMsP50: number;
}

export interface LiveStats {
  width: number;
  height: number;
  /** Model alone, back to back on whole frames, no encoder: detections/s and ms per run. */
  modelOnlyRate: number;
  modelOnlyMs: number;
  /** Encoder alone (no detection). */
  encodedFpsBefore: number;
  lagP95Before: number;
  phases: LivePhase[];
}

async function encoder(stream: MediaStream): Promise<{
  frames: () => Promise<number>;
  report: () => Promise<RTCStatsReport>;
  close: () => void;
}> {
  const pc1 = new RTCPeerConnection();
  const pc2 = new RTCPeerConnection();
  pc1.onicecandidate = (e) => void (e.candidate && pc2.addIceCandidate(e.candidate));
  pc2.onicecandidate = (e) => void (e.candidate && pc1.addIceCandidate(e.candidate));
  for (const t of stream.getVideoTracks()) pc1.addTrack(t, stream);
  await pc1.setLocalDescription(await pc1.createOffer());
  await pc2.setRemoteDescription(pc1.localDescription!);
  await pc2.setLocalDescription(await pc2.createAnswer());
  await pc1.setRemoteDescription(pc2.localDescription!);
  const frames = async (): Promise<number> => {
    let n = 0;
    (await pc1.getStats()).forEach((s: { type: string; framesEncoded?: number }) => {
      if (s.type === 'outbound-rtp') n += s.framesEncoded ?? 0;
    });
    return n;
  };
  return { frames, report: () => pc1.getStats(), close: () => (pc1.close(), pc2.close()) };
}

/** The page's event-loop lag: a 50 ms timer and how late it fires. */
class Lag {
  samples: number[] = [];
  #expected = performance.now() + 50;
  #timer = setInterval(() => {
    const now = performance.now();
    this.samples.push(Math.max(0, now - this.#expected));
    this.#expected = now + 50;
  }, 50);
  p95(last?: number): number {
    const s = (last ? this.samples.slice(-last) : this.samples).slice().sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] ?? 0;
  }
  close(): void {
    clearInterval(this.#timer);
  }
}

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const p50 = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[xs.length >> 1] ?? 0;

function readEncoder(report: RTCStatsReport): { fps: number | null; cpuLimited: boolean } {
  let fps: number | null = null;
  let cpuLimited = false;
  report.forEach(
    (s: {
      type: string;
      kind?: string;
      framesPerSecond?: number;
      qualityLimitationReason?: string;
    }) => {
      if (s.type !== 'outbound-rtp' || s.kind === 'audio') return;
      if (typeof s.framesPerSecond === 'number') fps = Math.max(fps ?? 0, s.framesPerSecond);
      if (s.qualityLimitationReason === 'cpu') cpuLimited = true;
    },
  );
  return { fps, cpuLimited };
}

async function phase(
  label: string,
  video: HTMLVideoElement,
  detector: FrameDetector,
  enc: Awaited<ReturnType<typeof encoder>>,
  seconds: number,
  adaptive: boolean,
  captureFps: number | null,
): Promise<LivePhase> {
  const grabMs: number[] = [];
  const transferMs: number[] = [];
  const gatedMs: number[] = [];
  let detections = 0;
  let modelRuns = 0;
  const doneAt: number[] = [];
  const source = videoFrameSource(video);
  const timedSource = {
    async grab(keepCopy: boolean) {
      const t0 = performance.now();
      const r = await source.grab(keepCopy);
      grabMs.push(performance.now() - t0);
      return r;
    },
  };
  const timedDetector: FrameDetectorLike<ImageBitmap> = {
    get info() {
      return detector.info;
    },
    get closed() {
      return detector.closed;
    },
    async detect(frame: ImageBitmap, t: number): Promise<FrameResult> {
      const t0 = performance.now();
      const r = await detector.detect(frame, t);
      transferMs.push(performance.now() - t0 - r.ms);
      detections++;
      doneAt.push(performance.now());
      if (r.ran) modelRuns++;
      else gatedMs.push(r.ms);
      return r;
    },
  };
  const budget = new BudgetController();
  const backoffs: Record<string, number> = {};
  let budgetMin = adaptive ? budget.budget : 0.5;
  const lag = new Lag();
  let lastBackoffTrouble: BudgetState['trouble'] = null;
  let lastMode: BudgetState['mode'] = 'raising';
  const sampler = setInterval(() => {
    void enc.report().then((report) => {
      const { fps, cpuLimited } = readEncoder(report);
      const state = budget.observe({
        t: performance.now(),
        fps,
        captureFps,
        cpuLimited,
        lagP95Ms: lag.p95(40),
      });
      if (
        state.mode === 'backing-off' &&
        (lastMode !== 'backing-off' || state.trouble !== lastBackoffTrouble)
      ) {
        const k = state.trouble ?? 'unknown';
        backoffs[k] = (backoffs[k] ?? 0) + 1;
      }
      lastMode = state.mode;
      lastBackoffTrouble = state.trouble;
      budgetMin = Math.min(budgetMin, state.budget);
    });
  }, 1000);
  const f0 = await enc.frames();
  const t0 = performance.now();
  const session = new DetectionSession(timedSource, timedDetector, DEFAULT_DETECTION_SETTINGS, {
    cpuBudget: adaptive ? budget : 0.5,
  });
  await wait(seconds * 1000);
  session.close();
  const end = performance.now();
  const elapsed = (end - t0) / 1000;
  const steadyRate = doneAt.filter((t) => t >= end - 5000).length / 5;
  const f1 = await enc.frames();
  clearInterval(sampler);
  lag.close();
  // The last detection may still be in the worker: let it finish before the next phase.
  await detector.detect(await createImageBitmap(video), Date.now());
  return {
    label,
    seconds: elapsed,
    detections,
    modelRuns,
    steadyRate,
    encodedFps: (f1 - f0) / elapsed,
    lagP95Ms: lag.p95(),
    budgetEnd: adaptive ? budget.budget : 0.5,
    budgetMin: adaptive ? budgetMin : 0.5,
    backoffs,
    grabMsP50: p50(grabMs),
    transferMsP50: p50(transferMs),
    gatedMsP50: p50(gatedMs),
  };
}

export async function runLive(detector: FrameDetector, seconds: number): Promise<LiveStats> {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: 1280, height: 720, frameRate: 15 },
  });
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = stream;
  await video.play();
  const captureFps = stream.getVideoTracks()[0]?.getSettings().frameRate ?? null;
  // The model alone, back to back on whole frames (no gating, no encoder): this box's limit.
  const modelMs: number[] = [];
  const m0 = performance.now();
  while (performance.now() - m0 < Math.min(seconds, 8) * 1000) {
    const r = await detector.detect(await createImageBitmap(video), Date.now(), { force: true });
    modelMs.push(r.ms);
  }
  const modelOnlyRate = modelMs.length / ((performance.now() - m0) / 1000);
  const enc = await encoder(stream);
  try {
    // Let the encoder ramp up, then measure it alone.
    while ((await enc.frames()) < 15) await wait(100);
    const lag = new Lag();
    const f0 = await enc.frames();
    await wait(seconds * 1000);
    const f1 = await enc.frames();
    lag.close();
    const phases = [
      await phase('fixed budget 0.5', video, detector, enc, seconds, false, captureFps),
      await phase('adaptive budget', video, detector, enc, seconds, true, captureFps),
    ];
    return {
      width: video.videoWidth,
      height: video.videoHeight,
      modelOnlyRate,
      modelOnlyMs: p50(modelMs),
      encodedFpsBefore: (f1 - f0) / seconds,
      lagP95Before: lag.p95(),
      phases,
    };
  } finally {
    enc.close();
    for (const t of stream.getTracks()) t.stop();
  }
}
