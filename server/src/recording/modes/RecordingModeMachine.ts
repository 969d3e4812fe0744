import type { RecordingMode } from '../types.ts';
import { PreRollRing, type TimedSegment } from './PreRollRing.ts';
import { SpanList, segmentEnd } from './spans.ts';

export type { TimedSegment } from './PreRollRing.ts';

/** The part of a stream's settings that decides what is recorded. */
export interface ModeSettings {
  mode: RecordingMode;
  /** Event mode: seconds before a trigger that are persisted with it. */
  preRollSeconds: number;
  /** Event mode: seconds after the last trigger that are persisted. */
  postRollSeconds: number;
}

/** A segment to write now, with the event types whose windows it overlaps. */
export interface PersistOrder<T> {
  ref: T;
  tags: string[];
}

export interface SegmentDecision<T> {
  /** What became of the arriving segment. */
  fate: 'persisted' | 'ringed' | 'dropped';
  /** Everything to write now, oldest first (ring entries before the arriving segment). */
  persist: PersistOrder<T>[];
}

export interface ModeDecision {
  /** A recorder should run. */
  recorderWanted: boolean;
  /** Call `tick()` at this time (unix ms), or never if null. */
  wakeAt: number | null;
}

/** Event and mode spans older than this cannot match a segment any more (segments lag by seconds). */
const HORIZON_MS = 600_000;
/**
 * Event mode: the ring keeps this much more than the pre-roll by default, so a trigger that
 * names an earlier start (a detection posted late) still gets its whole pre-roll.
 */
export const DEFAULT_PRE_ROLL_MARGIN_MS = 5_000;
/** A clock step back up to this is absorbed (NTP slew, VM pause); a larger one is a correction. */
export const BACKSTEP_TOLERANCE_MS = 10_000;

/**
 * The recording mode logic of one stream, without I/O or timers: settings, producers, triggers,
 * segments and the clock in; whether a recorder should run, which segments to persist with which
 * tags, what to keep in the pre-roll ring and when to be woken out. Segments are judged on camera
 * time, so the part of a segment inside a window is never lost to the segment's arrival delay.
 */
export class RecordingModeMachine<T> {
  readonly #clock: () => number;
  #now: number;
  #settings: ModeSettings;
  #onDemandUntil: number | null;
  #producers = false;
  /** Camera time whose segments are persisted under the modes in force at the time. */
  readonly #persist = new SpanList();
  /** Per event type, the windows its triggers opened (tags, in every mode). */
  readonly #events = new Map<string, SpanList>();
  #eventUntil = 0;
  readonly #ring = new PreRollRing<T>();
  readonly #marginMs: number;

  constructor(o: {
    settings: ModeSettings;
    onDemandUntil: number | null;
    clock: () => number;
    /** Ring kept beyond the pre-roll (ms). Default DEFAULT_PRE_ROLL_MARGIN_MS. */
    preRollMarginMs?: number;
  }) {
    checkSettings(o.settings);
    this.#marginMs = o.preRollMarginMs ?? DEFAULT_PRE_ROLL_MARGIN_MS;
    if (!Number.isFinite(this.#marginMs) || this.#marginMs < 0)
      throw new RangeError(`preRollMarginMs ${this.#marginMs} is not a duration`);
    this.#clock = o.clock;
    this.#now = o.clock();
    this.#settings = { ...o.settings };
    // An on-demand deadline kept across a restart resumes if it is still ahead.
    this.#onDemandUntil = o.onDemandUntil;
    this.#open(this.#now);
  }

  get settings(): Readonly<ModeSettings> {
    return this.#settings;
  }

  get onDemandUntil(): number | null {
    return this.#onDemandUntil;
  }

  /** The latest end of any event window so far (0 before the first trigger). */
  get eventUntil(): number {
    return this.#eventUntil;
  }

  /** Segments held for a future trigger, oldest first. */
  get ring(): readonly TimedSegment<T>[] {
    return this.#ring.entries;
  }

  /** Camera time currently marked for persisting (tests, diagnostics). */
  get persistSpans(): readonly { from: number; until: number }[] {
    return this.#persist.spans;
  }

  /** What arrives now would be persisted (the stream's `recording` status, with a recorder up). */
  get persisting(): boolean {
    const now = this.#observe(this.#clock());
    switch (this.#settings.mode) {
      case 'continuous':
        return true;
      case 'on-demand':
        return this.#onDemandActive(now);
      case 'event':
        return this.#persist.contains(now);
      case 'off':
        return false;
    }
  }

  /** Settings or the on-demand deadline changed. Leaving a mode closes its windows now. */
  configure(settings: ModeSettings, onDemandUntil: number | null): ModeDecision {
    checkSettings(settings);
    const now = this.#observe(this.#clock());
    const modeChanged = settings.mode !== this.#settings.mode;
    const deadlineChanged = onDemandUntil !== this.#onDemandUntil;
    this.#settings = { ...settings };
    this.#onDemandUntil = onDemandUntil;
    if (modeChanged || (settings.mode === 'on-demand' && deadlineChanged)) {
      this.#persist.clip(now);
      // A ring kept through another mode would later be persisted out of order.
      if (settings.mode !== 'event') this.#ring.take();
      this.#open(now);
    }
    return this.tick();
  }

  /** The camera publishes (video or audio) or no longer does. */
  setProducers(present: boolean): ModeDecision {
    this.#producers = present;
    return this.tick();
  }

  /** Re-evaluates at the current time (call at `wakeAt`). */
  tick(): ModeDecision {
    const now = this.#observe(this.#clock());
    const deadline = this.#onDemandActive(now) ? this.#onDemandUntil : null;
    return { recorderWanted: this.#recorderWanted(now), wakeAt: deadline };
  }

  /**
   * An event at `at`: tags [at - pre-roll, at + post-roll) with `type`; in event mode that window
   * is persisted, starting with the ring. `since` (at most `at`) is when the event really began
   * (a detector's first sight, reported later): the window then opens a pre-roll before it, as
   * far back as the ring's margin still holds. Returns the end of the event window.
   */
  trigger(
    type: string,
    at: number,
    since: number = at,
  ): { until: number; persist: PersistOrder<T>[] } {
    if (type.length === 0) throw new RangeError('event type is empty');
    if (!Number.isFinite(at)) throw new RangeError(`event time ${at} is not a time`);
    if (!Number.isFinite(since)) throw new RangeError(`event start ${since} is not a time`);
    const t = this.#observe(at);
    const from = Math.min(t, since) - this.#settings.preRollSeconds * 1000;
    const until = t + this.#settings.postRollSeconds * 1000;
    let spans = this.#events.get(type);
    if (!spans) this.#events.set(type, (spans = new SpanList()));
    spans.add(from, until);
    this.#eventUntil = Math.max(this.#eventUntil, until);
    this.#prune(t);
    if (this.#settings.mode !== 'event') return { until: this.#eventUntil, persist: [] };
    this.#persist.add(from, until);
    return { until: this.#eventUntil, persist: this.#flushRing() };
  }

  /** A segment finished: persist it (and any ring entries it must follow), ring it or drop it. */
  segment(segment: TimedSegment<T>): SegmentDecision<T> {
    if (!Number.isFinite(segment.startMs) || !(segment.durationMs >= 0)) {
      throw new RangeError(`segment at ${segment.startMs} lasting ${segment.durationMs} ms`);
    }
    this.#prune(this.#observe(this.#clock()));
    const end = segmentEnd(segment.startMs, segment.durationMs);
    if (this.#persist.overlaps(segment.startMs, end)) {
      return { fate: 'persisted', persist: [...this.#flushRing(), this.#order(segment)] };
    }
    if (this.#settings.mode !== 'event') return { fate: 'dropped', persist: [] };
    this.#ring.push(segment, this.#settings.preRollSeconds * 1000 + this.#marginMs);
    return { fate: 'ringed', persist: [] };
  }

  #recorderWanted(now: number): boolean {
    if (!this.#producers) return false;
    switch (this.#settings.mode) {
      case 'off':
        return false;
      case 'on-demand':
        return this.#onDemandActive(now);
      case 'continuous':
      case 'event':
        return true;
    }
  }

  #onDemandActive(now: number): boolean {
    return (
      this.#settings.mode === 'on-demand' &&
      this.#onDemandUntil !== null &&
      this.#onDemandUntil > now
    );
  }

  /** Opens the persist window of the current mode from `now`. */
  #open(now: number): void {
    if (this.#settings.mode === 'continuous') this.#persist.add(now, Infinity);
    if (this.#onDemandActive(now)) this.#persist.add(now, this.#onDemandUntil!);
  }

  /** Ring entries inside a persist window, oldest first; older ones can never be persisted. */
  #flushRing(): PersistOrder<T>[] {
    return this.#ring
      .take()
      .filter((e) => this.#persist.overlaps(e.startMs, segmentEnd(e.startMs, e.durationMs)))
      .map((e) => this.#order(e));
  }

  #order(segment: TimedSegment<T>): PersistOrder<T> {
    const end = segmentEnd(segment.startMs, segment.durationMs);
    const tags = [...this.#events]
      .filter(([, spans]) => spans.overlaps(segment.startMs, end))
      .map(([type]) => type);
    return { ref: segment.ref, tags: tags.sort() };
  }

  #prune(now: number): void {
    this.#persist.prune(now - HORIZON_MS);
    for (const [type, spans] of this.#events) {
      spans.prune(now - HORIZON_MS);
      if (spans.spans.length === 0) this.#events.delete(type);
    }
  }

  /** The machine's time: never steps back by less than the tolerance. */
  #observe(t: number): number {
    if (t > this.#now || t < this.#now - BACKSTEP_TOLERANCE_MS) this.#now = t;
    return this.#now;
  }
}

function checkSettings(s: ModeSettings): void {
  for (const [name, v] of [
    ['preRollSeconds', s.preRollSeconds],
    ['postRollSeconds', s.postRollSeconds],
  ] as const) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} ${v} is not a duration`);
  }
}
