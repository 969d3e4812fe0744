import type { EncoderSample } from '@porchlight/detector';

/** The part of an outbound-rtp stats entry the detector's budget reads. */
interface OutboundRtp {
  type: string;
  kind?: string;
  framesPerSecond?: number;
  qualityLimitationReason?: string;
}

/**
 * What the camera's video sender says about its encoder: the top layer's frames per second (the
 * highest of the simulcast layers) and whether any layer is cut back for CPU.
 */
export function readEncoder(report: RTCStatsReport | null): {
  fps: number | null;
  cpuLimited: boolean;
} {
  let fps: number | null = null;
  let cpuLimited = false;
  report?.forEach((s: OutboundRtp) => {
    if (s.type !== 'outbound-rtp' || (s.kind !== undefined && s.kind !== 'video')) return;
    if (typeof s.framesPerSecond === 'number') fps = Math.max(fps ?? 0, s.framesPerSecond);
    if (s.qualityLimitationReason === 'cpu') cpuLimited = true;
  });
  return { fps, cpuLimited };
}

/**
 * Event-loop lag of the page: a timer asks to run every `intervalMs` and records how late it
 * ran; `p95()` over the last `windowMs`. The page stays responsive while this is small. The
 * window is shorter than the budget's back-off interval, so one spike is not answered twice.
 */
export class EventLoopLag {
  readonly #samples: { t: number; lag: number }[] = [];
  readonly #timer: ReturnType<typeof setInterval>;
  #expected: number;

  constructor(
    private readonly intervalMs = 50,
    private readonly windowMs = 2000,
  ) {
    this.#expected = performance.now() + intervalMs;
    this.#timer = setInterval(() => {
      const now = performance.now();
      this.#samples.push({ t: now, lag: Math.max(0, now - this.#expected) });
      this.#expected = now + this.intervalMs;
      while ((this.#samples[0]?.t ?? now) < now - this.windowMs) this.#samples.shift();
    }, intervalMs);
  }

  /** p95 of the lags in the window (ms); null before the first sample. */
  p95(): number | null {
    if (this.#samples.length === 0) return null;
    const sorted = this.#samples.map((s) => s.lag).sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? null;
  }

  close(): void {
    clearInterval(this.#timer);
  }
}

/** One sample for the detector's BudgetController. */
export async function sampleEncoder(
  stats: () => Promise<RTCStatsReport | null>,
  track: MediaStreamTrack | undefined,
  lag: EventLoopLag,
  t: number,
): Promise<EncoderSample> {
  const { fps, cpuLimited } = readEncoder(await stats().catch(() => null));
  return {
    t,
    fps,
    captureFps: track?.getSettings().frameRate ?? null,
    cpuLimited,
    lagP95Ms: lag.p95(),
  };
}
