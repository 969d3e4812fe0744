import {
  RecordingModeMachine,
  type ModeDecision,
  type ModeSettings,
  type PersistOrder,
} from './RecordingModeMachine.ts';

/** One segment of simulated camera media. */
export interface SimSegment {
  id: number;
  startMs: number;
  durationMs: number;
  /** When the recorder hands it over (it ends, then the segmenter and pipe take a while). */
  deliverAt: number;
}

export const T0 = 1_700_000_000_000;

/**
 * Drives a machine with an injected clock the way StreamRecording does: segments delivered in
 * order as the clock passes their delivery time, triggers and settings at the current time.
 */
export class ModeSim {
  now: number;
  readonly machine: RecordingModeMachine<number>;
  /** Persisted segment ids with their tags, in the order they were handed over for writing. */
  readonly persisted: PersistOrder<number>[] = [];
  readonly fates = new Map<number, 'persisted' | 'ringed' | 'dropped'>();
  readonly segments: SimSegment[] = [];
  #next = 0;
  #settings: ModeSettings;

  constructor(
    settings: Partial<ModeSettings> & Pick<ModeSettings, 'mode'>,
    o: {
      now?: number;
      onDemandUntil?: number | null;
      producers?: boolean;
      /** Default 0: most tests are about the pre-roll itself. */
      preRollMarginMs?: number;
    } = {},
  ) {
    this.now = o.now ?? T0;
    this.#settings = { preRollSeconds: 6, postRollSeconds: 4, ...settings };
    this.machine = new RecordingModeMachine<number>({
      settings: this.#settings,
      onDemandUntil: o.onDemandUntil ?? null,
      clock: () => this.now,
      preRollMarginMs: o.preRollMarginMs ?? 0,
    });
    if (o.producers !== false) this.machine.setProducers(true);
  }

  /** Camera media: `count` segments of `durationMs` from `from`, each delivered `lagMs` after it ends. */
  media(from: number, count: number, durationMs = 2000, lagMs = 600): SimSegment[] {
    const added: SimSegment[] = [];
    for (let i = 0; i < count; i++) {
      const startMs = from + i * durationMs;
      const s = {
        id: this.segments.length,
        startMs,
        durationMs,
        deliverAt: startMs + durationMs + lagMs,
      };
      this.segments.push(s);
      added.push(s);
    }
    return added;
  }

  /** Advances the clock to `t`, delivering every segment due by then, in order. */
  until(t: number): void {
    for (;;) {
      const s = this.segments[this.#next];
      if (!s || s.deliverAt > t) break;
      this.now = Math.max(this.now, s.deliverAt);
      this.#next++;
      const d = this.machine.segment({ ref: s.id, startMs: s.startMs, durationMs: s.durationMs });
      this.fates.set(s.id, d.fate);
      this.persisted.push(...d.persist);
    }
    this.now = Math.max(this.now, t);
  }

  trigger(type: string, at = this.now, since = at): number {
    const r = this.machine.trigger(type, at, since);
    this.persisted.push(...r.persist);
    return r.until;
  }

  configure(
    patch: Partial<ModeSettings>,
    onDemandUntil = this.machine.onDemandUntil,
  ): ModeDecision {
    this.#settings = { ...this.#settings, ...patch };
    return this.machine.configure(this.#settings, onDemandUntil);
  }

  ids(): number[] {
    return this.persisted.map((p) => p.ref);
  }

  tagsOf(id: number): string[] | undefined {
    return this.persisted.find((p) => p.ref === id)?.tags;
  }
}
