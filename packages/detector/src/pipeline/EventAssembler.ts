import {
  DETECTION_LIMITS,
  type Box,
  type DetectionSettings,
  type TrackPoint,
} from '@porchlight/protocol';
import { filterDetections, zonesAt } from './filters.ts';
import { boxArea, iou, touchesEdge } from './geometry.ts';
import type { Track } from './Track.ts';
import { DEFAULT_TRACKER_OPTIONS, Tracker, type TrackerOptions } from './Tracker.ts';
import type { DetectionEvent, PipelineFrame } from './types.ts';

export interface EventAssemblerOptions {
  /** Hits a track needs before the median gate may confirm it. Default 3. */
  minHits: number;
  /** `updated` fires at most this often (frame clock) while an event changes. Default 2000 ms. */
  updateIntervalMs: number;
  /** A remembered static false positive is forgotten after this long without a hit. Default 10 min. */
  staticMemoryMs: number;
  /** Track points kept per event. Default DETECTION_LIMITS.trackPoints. */
  trackPoints: number;
  tracker: Partial<TrackerOptions>;
  /** Makes event ids. Default: 128 random bits as hex. */
  newId: () => string;
}

export const DEFAULT_EVENT_ASSEMBLER_OPTIONS: EventAssemblerOptions = {
  minHits: 3,
  updateIntervalMs: 2000,
  staticMemoryMs: 10 * 60_000,
  trackPoints: DETECTION_LIMITS.trackPoints,
  tracker: {},
  newId: randomId,
};

/** crypto.getRandomValues, not randomUUID: that one is missing outside secure contexts (http on a LAN IP). */
function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Typed callbacks; each gets a copy of the event, safe to keep. */
export interface EventAssemblerCallbacks {
  started?: (ev: DetectionEvent) => void;
  /**
   * Throttled to updateIntervalMs. `ev.track` is the whole (thinned) track; `added` holds the
   * points recorded since the previous callback (what the server's PATCH appends).
   */
  updated?: (ev: DetectionEvent, added: TrackPoint[]) => void;
  /** `added`: points since the last `started`/`updated`. */
  ended?: (ev: DetectionEvent, added: TrackPoint[]) => void;
  /** The best box changed: it is in the frame just pushed (keep that frame for the snapshot). */
  best?: (ev: DetectionEvent) => void;
}

const MAX_STATIC_SPOTS = 64;

/** A place where a track stood still for stationarySeconds: new still tracks there are ignored. */
interface StaticSpot {
  box: Box;
  lastHit: number;
}

/**
 * Turns a stream of detector results into person events. Per frame: per-detection filters
 * (score, area, masks, zones), tracking, a median-score gate per track, suppression of tracks
 * that never move (static false positives), then one event per stretch of time with confirmed
 * people; an event ends cooldownSeconds after the last person was seen, and a person arriving
 * within the cooldown continues it.
 */
export class EventAssembler {
  private settings: DetectionSettings;
  private readonly options: EventAssemblerOptions;
  private readonly tracker: Tracker;
  private readonly gapMs: number;
  private readonly staticSpots: StaticSpot[] = [];
  private open: DetectionEvent | null = null;
  private bestRank = { clear: false, quality: 0 };
  private lastPersonAt = 0;
  /** Unconfirmed, moving tracks hit by the last model run. */
  private candidates = 0;
  private lastUpdateAt = 0;
  private dirty = false;
  private now = 0;
  /** Points recorded since the last started/updated callback. */
  private unsent: TrackPoint[] = [];

  constructor(
    settings: DetectionSettings,
    private readonly callbacks: EventAssemblerCallbacks = {},
    options: Partial<EventAssemblerOptions> = {},
  ) {
    this.settings = settings;
    this.options = { ...DEFAULT_EVENT_ASSEMBLER_OPTIONS, ...options };
    this.tracker = new Tracker(this.options.tracker);
    this.gapMs = this.options.tracker.maxGapMs ?? DEFAULT_TRACKER_OPTIONS.maxGapMs;
  }

  /** The open event (a copy), if any. */
  get current(): DetectionEvent | null {
    return this.open ? copy(this.open) : null;
  }

  /**
   * The last model run saw someone not yet confirmed (a moving track short of minHits or of the
   * median gate): the next looks decide whether an event starts.
   */
  get confirming(): boolean {
    return this.candidates > 0;
  }

  /** Live tracks, for drawing overlays and tests. */
  get tracks(): Track[] {
    return this.tracker.tracks;
  }

  /** New settings apply from the next frame; tracks survive. */
  setSettings(settings: DetectionSettings): void {
    this.settings = settings;
  }

  /** Feeds one detector result; returns the confirmed people of this frame (for overlays, benches). */
  push(frame: PipelineFrame): TrackPoint[] {
    const t = frame.t;
    this.now = Math.max(this.now, t);
    const detections = frame.ran ? filterDetections(frame.persons, this.settings) : [];
    const { hit } = this.tracker.update(t, detections, frame.ran);
    this.forgetStaticSpots(t);

    const people: Track[] = [];
    if (frame.ran) this.candidates = 0;
    for (const track of hit) {
      if (this.isStatic(track, t)) continue;
      if (
        !track.confirmed &&
        track.hits >= this.options.minHits &&
        track.medianScore() >= this.settings.trackScore
      ) {
        track.confirmed = true;
      }
      if (track.confirmed) people.push(track);
      else this.candidates++;
    }

    if (people.length > 0) {
      this.record(t, people);
    } else if (!frame.ran && this.open) {
      // Motion gating skipped the model: whoever was here and confirmed is still here.
      if (this.tracker.tracks.some((tr) => tr.confirmed && !this.isStatic(tr, t)))
        this.lastPersonAt = t;
    }

    const seen = people.map((p) => ({ ...p.lastPoint }));
    if (!this.open) return seen;
    const cooldownMs = this.settings.cooldownSeconds * 1000;
    if (people.length === 0 && t - this.lastPersonAt >= Math.max(cooldownMs, this.gapMs)) {
      this.end();
    } else if (this.dirty && t - this.lastUpdateAt >= this.options.updateIntervalMs) {
      this.dirty = false;
      this.lastUpdateAt = t;
      this.callbacks.updated?.(copy(this.open), this.takeUnsent());
    }
    return seen;
  }

  /** Ends an open event now (the session stops); idempotent. */
  flush(): void {
    if (this.open) this.end();
  }

  /** Drops tracks and static memory without ending the open event (call flush first if needed). */
  reset(): void {
    this.tracker.reset();
    this.candidates = 0;
    this.staticSpots.length = 0;
  }

  private record(t: number, people: Track[]): void {
    let started = false;
    if (!this.open) {
      const startedAt = Math.round(Math.min(...people.map((p) => p.firstSeen)));
      const first = people[0]?.lastPoint ?? { t: Math.round(t), box: [0, 0, 0, 0], score: 0 };
      this.open = {
        localId: this.options.newId(),
        label: 'person',
        startedAt,
        endedAt: null,
        maxScore: 0,
        zones: [],
        track: [],
        best: first,
      };
      this.bestRank = { clear: false, quality: -1 };
      this.lastUpdateAt = t;
      started = true;
    }
    const ev = this.open;
    let bestChanged = false;
    for (const person of people) {
      const point = person.lastPoint;
      ev.track.push(point);
      this.unsent.push({ ...point });
      ev.maxScore = Math.max(ev.maxScore, point.score);
      for (const zone of zonesAt(point.box, this.settings.zones)) {
        if (!ev.zones.includes(zone)) ev.zones.push(zone);
      }
      const rank = { clear: !touchesEdge(point.box), quality: point.score * boxArea(point.box) };
      if (
        (rank.clear && !this.bestRank.clear) ||
        (rank.clear === this.bestRank.clear && rank.quality > this.bestRank.quality)
      ) {
        this.bestRank = rank;
        ev.best = point;
        bestChanged = true;
      }
    }
    if (ev.track.length > this.options.trackPoints)
      ev.track = thin(ev.track, this.options.trackPoints);
    this.lastPersonAt = t;
    this.dirty = true;
    if (started) {
      this.dirty = false;
      this.unsent = [];
      this.callbacks.started?.(copy(ev));
    }
    if (bestChanged) this.callbacks.best?.(copy(ev));
  }

  private end(): void {
    const ev = this.open;
    if (!ev) return;
    this.open = null;
    this.dirty = false;
    ev.endedAt = Math.max(ev.startedAt, Math.round(this.lastPersonAt));
    this.callbacks.ended?.(copy(ev), this.takeUnsent());
  }

  private takeUnsent(): TrackPoint[] {
    const out = thin(this.unsent, this.options.trackPoints);
    this.unsent = [];
    return out;
  }

  /**
   * Stationary suppression: a track that has not moved since it appeared is a static false
   * positive (a coat on a hook, a poster) once it has stood for stationarySeconds; its place is
   * remembered, so the next still track there is ignored at once.
   */
  private isStatic(track: Track, t: number): boolean {
    if (track.moved || this.settings.stationarySeconds <= 0) return false;
    const spot = this.staticSpots.find((s) => iou(s.box, track.box) >= 0.5);
    if (spot) {
      spot.lastHit = t;
      return true;
    }
    if (t - track.firstSeen >= this.settings.stationarySeconds * 1000) {
      // Bounded: the oldest spot goes first (a scene has a handful of these, not hundreds).
      if (this.staticSpots.length >= MAX_STATIC_SPOTS) this.staticSpots.shift();
      this.staticSpots.push({ box: track.box, lastHit: t });
      return true;
    }
    return false;
  }

  private forgetStaticSpots(t: number): void {
    for (let i = this.staticSpots.length - 1; i >= 0; i--) {
      const spot = this.staticSpots[i];
      if (spot && t - spot.lastHit > this.options.staticMemoryMs) this.staticSpots.splice(i, 1);
    }
  }
}

/** Keeps the first and last point and every other one between until at most `limit` remain. */
export function thin(points: readonly TrackPoint[], limit: number): TrackPoint[] {
  let out = [...points];
  while (out.length > limit && out.length > 2) {
    const last = out[out.length - 1];
    out = out.filter((_, i) => i % 2 === 0 && i !== out.length - 1);
    if (last) out.push(last);
  }
  return out;
}

function copy(ev: DetectionEvent): DetectionEvent {
  return {
    ...ev,
    zones: [...ev.zones],
    track: ev.track.map((p) => ({ ...p })),
    best: { ...ev.best },
  };
}
