/**
 * How much of one core the detector may use, adapted to what the camera's page can spare: raised
 * step by step while the video encoder keeps its frame rate and the page stays responsive, cut
 * quickly when either suffers. Pure (no timers, no browser API): the page feeds it samples of its
 * encoder and event loop (`observe`), the session reads `budget` before pacing each detection.
 */

export interface BudgetOptions {
  /** Share of one core at start. Default 0.5. */
  initial: number;
  /** Never below (the detector keeps running, slowly). Default 0.2. */
  min: number;
  /** Never above. Default 1 (one whole core: the model runs back to back, up to the rate cap). */
  max: number;
  /** Added after each healthy stretch. Default 0.1. */
  step: number;
  /** Multiplied on trouble. Default 0.5. */
  backoff: number;
  /** Healthy this long (since start, the last raise or the last trouble) before a raise. Default 3000 ms. */
  raiseAfterMs: number;
  /** After a back-off, no raise for this long. Default 10 000 ms. */
  holdMs: number;
  /** Trouble that lasts backs off again at most this often. Default 2000 ms (fps is a 1 s average). */
  backoffEveryMs: number;
  /** The encoder's fps may fall this fraction below its reference before it counts. Default 0.1. */
  fpsTolerance: number;
  /**
   * Event-loop lag p95 above this is trouble. Default 16 ms (one frame at 60 Hz). On a page that
   * lagged this much for a whole referenceWindowMs with the budget at its floor (a busy device:
   * not the detector's doing), the limit becomes ambientLagFactor x that lag until it calms down.
   */
  lagLimitMs: number;
  /** See lagLimitMs. Default 1.5. */
  ambientLagFactor: number;
  /**
   * Lag counts only when this many samples in a row are over the limit. Default 2: on a busy
   * device single spikes come from anything; a detector that starves the page does so steadily.
   */
  lagSamples: number;
  /**
   * The reference fps is the highest rate the encoder kept (not counted as a drop) over this
   * window, capped by the capture rate. A drop that lasts this long with the budget at its floor
   * is not the detector's doing: it becomes the new reference. The same holds for lag and for the
   * encoder's CPU limitation (ignored until it clears). Default 60 000 ms.
   */
  referenceWindowMs: number;
}

export const DEFAULT_BUDGET_OPTIONS: BudgetOptions = {
  initial: 0.5,
  min: 0.2,
  max: 1,
  step: 0.1,
  backoff: 0.5,
  raiseAfterMs: 3000,
  holdMs: 10_000,
  backoffEveryMs: 2000,
  fpsTolerance: 0.1,
  lagLimitMs: 16,
  ambientLagFactor: 1.5,
  lagSamples: 2,
  referenceWindowMs: 60_000,
};

/** One look at the camera's page (about once a second). */
export interface EncoderSample {
  /** Clock (ms) of the sample. */
  t: number;
  /** Frames per second the encoder sends now (outbound-rtp framesPerSecond; top layer); null: unknown. */
  fps: number | null;
  /** The camera's capture rate (track settings), the most the encoder can reach; null: unknown. */
  captureFps?: number | null | undefined;
  /** outbound-rtp qualityLimitationReason === 'cpu': the encoder is cutting quality for CPU. */
  cpuLimited: boolean;
  /** Page event-loop lag p95 (ms) over the last seconds; null: unknown. */
  lagP95Ms: number | null;
}

export type BudgetTrouble = 'fps' | 'cpu' | 'lag';

export interface BudgetState {
  /** Share of one core the detector may use now. */
  budget: number;
  /** raising: healthy, going up; max: healthy at the ceiling; holding: waiting after a back-off; backing-off: in trouble. */
  mode: 'raising' | 'max' | 'holding' | 'backing-off';
  /** What the last back-off answered (null before any). */
  trouble: BudgetTrouble | null;
  fps: number | null;
  referenceFps: number | null;
  lagP95Ms: number | null;
  cpuLimited: boolean;
  /** The lag over which it is trouble now (lagLimitMs, or more on a page that lags anyway). */
  lagLimitMs: number;
  /** The encoder was CPU-limited all along at the floor: that signal is ignored until it clears. */
  ambientCpu: boolean;
}

export class BudgetController {
  readonly #o: BudgetOptions;
  #budget: number;
  /** Start of the current healthy stretch (or of the hold), null before the first sample. */
  #healthySince: number | null = null;
  #holdUntil = -Infinity;
  #lastBackoff = -Infinity;
  #trouble: BudgetTrouble | null = null;
  #mode: BudgetState['mode'] = 'raising';
  /** Recent rates that were not a drop (the sliding maximum is the reference). */
  #kept: { t: number; fps: number }[] = [];
  #referenceFps: number | null = null;
  /** Since when the rate has been below the reference. */
  #lowSince: number | null = null;
  #last: EncoderSample | null = null;
  /** Samples in a row with the lag over the limit. */
  #lagOver = 0;
  /** Since when (at the floor) each kind of trouble has lasted; null: not now. */
  #floorTrouble: { lag: number | null; cpu: number | null } = { lag: null, cpu: null };
  /** Lag p95 samples while lagging at the floor (the ambient lag is their median). */
  #floorLags: number[] = [];
  /** Lag the page has anyway (busy device), learnt at the floor; null: none. */
  #ambientLag: number | null = null;
  #ambientCpu = false;

  constructor(options: Partial<BudgetOptions> = {}) {
    const o = { ...DEFAULT_BUDGET_OPTIONS, ...options };
    if (!(o.min > 0 && o.min <= o.max && o.max <= 1))
      throw new RangeError('budget bounds must satisfy 0 < min <= max <= 1');
    if (!(o.step > 0) || !(o.backoff > 0 && o.backoff < 1))
      throw new RangeError('step must be > 0 and backoff in (0, 1)');
    this.#o = o;
    this.#budget = clamp(o.initial, o.min, o.max);
  }

  get budget(): number {
    return this.#budget;
  }

  get state(): BudgetState {
    const s = this.#last;
    return {
      budget: this.#budget,
      mode: this.#mode,
      trouble: this.#trouble,
      fps: s?.fps ?? null,
      referenceFps: this.#reference(s),
      lagP95Ms: s?.lagP95Ms ?? null,
      cpuLimited: s?.cpuLimited ?? false,
      lagLimitMs: this.#lagLimit(),
      ambientCpu: this.#ambientCpu,
    };
  }

  /** Takes one sample of the page and adapts the budget; returns the new state. */
  observe(sample: EncoderSample): BudgetState {
    const o = this.#o;
    const t = sample.t;
    this.#last = sample;
    this.#learnAmbient(sample);
    const trouble = this.#troubleOf(sample);
    this.#track(sample, trouble === 'fps');
    if (trouble) {
      this.#healthySince = null;
      if (t - this.#lastBackoff >= o.backoffEveryMs) {
        this.#budget = Math.max(o.min, this.#budget * o.backoff);
        this.#lastBackoff = t;
        this.#holdUntil = t + o.holdMs;
        this.#trouble = trouble;
      }
      this.#mode = 'backing-off';
      return this.state;
    }
    this.#healthySince ??= t;
    if (t < this.#holdUntil) {
      this.#mode = 'holding';
      return this.state;
    }
    if (this.#budget >= o.max) {
      this.#mode = 'max';
      return this.state;
    }
    this.#mode = 'raising';
    const since = Math.max(this.#healthySince, this.#holdUntil);
    if (t - since >= o.raiseAfterMs) {
      this.#budget = Math.min(o.max, round(this.#budget + o.step));
      // The next raise waits for another healthy stretch at the new budget.
      this.#healthySince = t;
      if (this.#budget >= o.max) this.#mode = 'max';
    }
    return this.state;
  }

  #troubleOf(s: EncoderSample): BudgetTrouble | null {
    const reference = this.#reference(s);
    if (s.fps !== null && reference !== null && s.fps < reference * (1 - this.#o.fpsTolerance))
      return 'fps';
    const lagOver = s.lagP95Ms !== null && s.lagP95Ms > this.#lagLimit();
    this.#lagOver = lagOver ? this.#lagOver + 1 : 0;
    if (s.cpuLimited && !this.#ambientCpu) return 'cpu';
    if (this.#lagOver >= this.#o.lagSamples) return 'lag';
    return null;
  }

  #lagLimit(): number {
    const ambient = this.#ambientLag;
    return ambient === null
      ? this.#o.lagLimitMs
      : Math.max(this.#o.lagLimitMs, ambient * this.#o.ambientLagFactor);
  }

  /**
   * Trouble that lasts a whole window with the budget at its floor is the device's, not the
   * detector's: it becomes the ambient level (lag) or is ignored (CPU limitation) until it clears.
   */
  #learnAmbient(s: EncoderSample): void {
    const o = this.#o;
    const atFloor = this.#budget <= o.min;
    if (!s.cpuLimited) this.#ambientCpu = false;
    if (s.lagP95Ms !== null && s.lagP95Ms <= o.lagLimitMs) this.#ambientLag = null;
    const lagging = s.lagP95Ms !== null && s.lagP95Ms > this.#lagLimit();
    const cpu = s.cpuLimited && !this.#ambientCpu;
    const since = this.#floorTrouble;
    since.cpu = atFloor && cpu ? (since.cpu ?? s.t) : null;
    if (atFloor && lagging && s.lagP95Ms !== null) {
      since.lag ??= s.t;
      this.#floorLags.push(s.lagP95Ms);
    } else {
      since.lag = null;
      this.#floorLags = [];
    }
    if (since.cpu !== null && s.t - since.cpu >= o.referenceWindowMs) {
      this.#ambientCpu = true;
      since.cpu = null;
    }
    if (since.lag !== null && s.t - since.lag >= o.referenceWindowMs) {
      const sorted = [...this.#floorLags].sort((a, b) => a - b);
      this.#ambientLag = sorted[Math.floor(sorted.length / 2)] ?? null;
      since.lag = null;
      this.#floorLags = [];
    }
  }

  /** Updates the reference from a sample's rate (`low`: it counted as a drop). */
  #track(s: EncoderSample, low: boolean): void {
    const window = this.#o.referenceWindowMs;
    if (s.fps === null || !Number.isFinite(s.fps)) return;
    if (low) {
      this.#lowSince ??= s.t;
      if (this.#budget > this.#o.min || s.t - this.#lowSince < window) return;
      // At the floor for a whole window and still low: the camera's rate changed, not us.
      this.#kept = [];
    }
    this.#lowSince = null;
    this.#kept.push({ t: s.t, fps: s.fps });
    this.#kept = this.#kept.filter((k) => k.t >= s.t - window);
    this.#referenceFps = Math.max(...this.#kept.map((k) => k.fps));
  }

  /** The frame rate the encoder keeps when nothing starves it. */
  #reference(s: EncoderSample | null): number | null {
    const seen = this.#referenceFps;
    const capture = s?.captureFps;
    if (seen === null) return null;
    return capture && capture > 0 ? Math.min(seen, capture) : seen;
  }
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
/** Budgets are shown as percentages: keep 0.1 steps exact. */
const round = (v: number): number => Math.round(v * 1000) / 1000;
