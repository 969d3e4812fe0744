import type { DetectionSettings, TrackPoint } from '@porchlight/protocol';
import { EventAssembler, type EventAssemblerOptions } from './pipeline/EventAssembler.ts';
import type { DetectionEvent } from './pipeline/types.ts';
import { TypedEmitter } from '@porchlight/emitter';
import { drawSnapshot } from './session/snapshot.ts';
import type {
  DetectionStats,
  Frame,
  FrameDetectorLike,
  FrameSource,
  SnapshotEncoder,
} from './session/types.ts';
import { videoFrameSource } from './session/videoFrameSource.ts';

export interface DetectionSessionOptions<F extends Frame> {
  /**
   * Share of one core the detector may use: after a detection that took d ms, the next starts
   * d / cpuBudget ms after the previous one started. A number (fixed), or something whose
   * `budget` is read before each detection (a BudgetController the page feeds with its encoder's
   * health). Default 0.5 (on 2 cores, ~170 ms per model run: ~2.5 detections/s).
   */
  cpuBudget: number | { readonly budget: number };
  /** Never more detections per second than this (motion-skipped frames are cheap). Default 5. */
  maxRate: number;
  /**
   * Someone not yet confirmed was seen: the next looks come at once (still capped by maxRate),
   * ignoring the budget, up to this many in a row. Confirming takes several looks (the
   * assembler's minHits), and at a low budget's pace a walking person is gone, or too far from
   * where the tracker expects them, between looks: no event at all on a slow or busy device.
   * Bounded, so a false positive the median gate keeps rejecting cannot hold the budget off.
   * Default 4.
   */
  confirmLooks: number;
  /** Wait this long when the source has no frame yet. Default 250 ms. */
  idleMs: number;
  /** After a detector error, retry after this long. Default 2000 ms. */
  retryMs: number;
  /** `stats` at most this often. Default 2000 ms. */
  statsIntervalMs: number;
  /** Detections per second are counted over this window. Default 5000 ms. */
  rateWindowMs: number;
  /** While an event goes on, a better snapshot is sent at most this often. Default 10 000 ms. */
  snapshotIntervalMs: number;
  /** Default: drawSnapshot (JPEG with the box, OffscreenCanvas). */
  encodeSnapshot: SnapshotEncoder<F>;
  /** Clock (unix ms). Default Date.now. */
  now: () => number;
  assembler: Partial<EventAssemblerOptions>;
}

const DEFAULTS = {
  cpuBudget: 0.5,
  maxRate: 5,
  confirmLooks: 4,
  idleMs: 250,
  retryMs: 2000,
  statsIntervalMs: 2000,
  rateWindowMs: 5000,
  snapshotIntervalMs: 10_000,
  now: (): number => Date.now(),
  assembler: {},
};

export type DetectionSessionEvents = {
  started: [ev: DetectionEvent];
  /** `added`: track points since the previous started/updated (the server's PATCH appends them). */
  updated: [ev: DetectionEvent, added: TrackPoint[]];
  ended: [ev: DetectionEvent, added: TrackPoint[]];
  /** The event's best frame as a JPEG with the box drawn (at start, when better, at the end). */
  snapshot: [ev: DetectionEvent, jpeg: Blob];
  stats: [stats: DetectionStats];
  /** A detection or snapshot failed; the session goes on (retrying) unless the detector closed. */
  error: [error: Error];
  close: [];
};

/**
 * Runs a detector over a live frame source and turns what it sees into person events. One
 * detection at a time (never overlapping), paced to a CPU budget; the detector is the caller's
 * (not closed here). Use `DetectionSession.forVideo` in the apps.
 */
export class DetectionSession<
  F extends Frame = ImageBitmap,
> extends TypedEmitter<DetectionSessionEvents> {
  private readonly o: Omit<DetectionSessionOptions<F>, 'encodeSnapshot'> & {
    encodeSnapshot: SnapshotEncoder<F> | null;
  };
  private readonly assembler: EventAssembler;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closedFlag = false;
  private readonly doneAt: number[] = [];
  private lastStatsAt = 0;
  /** Copy of the frame holding the open event's best box. */
  private bestFrame: F | null = null;
  private bestDirty = false;
  private bestChangedSinceSnapshot = false;
  private lastSnapshotAt = 0;
  private pendingStart = false;
  private pendingEnd: DetectionEvent | null = null;
  /** Looks in a row taken at once to confirm someone (see confirmLooks). */
  private quickLooks = 0;

  constructor(
    private readonly source: FrameSource<F>,
    private readonly detector: FrameDetectorLike<F>,
    settings: DetectionSettings,
    options: Partial<DetectionSessionOptions<F>> = {},
  ) {
    super();
    this.o = { ...DEFAULTS, encodeSnapshot: null, ...options };
    if (!(this.budget > 0 && this.budget <= 1)) throw new RangeError('cpuBudget must be in (0, 1]');
    if (!(this.o.maxRate > 0)) throw new RangeError('maxRate must be > 0');
    if (!(Number.isInteger(this.o.confirmLooks) && this.o.confirmLooks >= 0))
      throw new RangeError('confirmLooks must be a whole number >= 0');
    this.assembler = new EventAssembler(
      settings,
      {
        started: (ev) => {
          this.pendingStart = true;
          this.safeEmit('started', ev);
        },
        updated: (ev, added) => this.safeEmit('updated', ev, added),
        ended: (ev, added) => {
          this.pendingEnd = ev;
          this.safeEmit('ended', ev, added);
        },
        best: () => {
          this.bestDirty = true;
        },
      },
      this.o.assembler,
    );
    this.schedule(0);
  }

  /** A session on a <video> element with the default JPEG snapshots. */
  static forVideo(
    video: HTMLVideoElement,
    detector: FrameDetectorLike<ImageBitmap>,
    settings: DetectionSettings,
    options: Partial<Omit<DetectionSessionOptions<ImageBitmap>, 'encodeSnapshot'>> = {},
  ): DetectionSession<ImageBitmap> {
    return new DetectionSession(videoFrameSource(video), detector, settings, {
      ...options,
      encodeSnapshot: (frame, box) => drawSnapshot(frame, box),
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** The share of one core the detector may use now. */
  get budget(): number {
    const b = this.o.cpuBudget;
    return typeof b === 'number' ? b : b.budget;
  }

  /** The open event, if any (a copy). */
  get current(): DetectionEvent | null {
    return this.assembler.current;
  }

  /** New settings apply from the next frame. */
  setSettings(settings: DetectionSettings): void {
    this.assembler.setSettings(settings);
  }

  /** Idempotent: stops detecting and ends an open event (`ended`, then `close`). */
  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.assembler.flush();
    this.pendingEnd = null;
    this.releaseBest();
    this.safeEmit('close');
  }

  private schedule(ms: number): void {
    if (this.closedFlag) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick();
    }, ms);
  }

  private async tick(): Promise<void> {
    const started = this.o.now();
    let grabbed: { frame: F; copy: F | null } | null = null;
    try {
      // A copy only while someone is tracked: only then can this frame hold a new best box.
      grabbed = await this.source.grab(
        this.assembler.tracks.length > 0 || this.assembler.current !== null,
      );
    } catch (error) {
      this.fail(error);
      this.schedule(this.o.retryMs);
      return;
    }
    if (this.closedFlag) {
      grabbed?.frame.close();
      grabbed?.copy?.close();
      return;
    }
    if (!grabbed) {
      this.schedule(this.o.idleMs);
      return;
    }
    const { frame, copy } = grabbed;
    let ran = false;
    try {
      const result = await this.detector.detect(frame, started);
      if (this.closedFlag) {
        copy?.close();
        return;
      }
      ran = result.ran;
      this.bestDirty = false;
      this.assembler.push(result);
      this.keepBest(copy);
      await this.sendSnapshots();
    } catch (error) {
      copy?.close();
      this.fail(error);
      if (this.detector.closed) {
        this.close();
        return;
      }
      this.schedule(this.o.retryMs);
      return;
    }
    const end = this.o.now();
    this.count(end);
    // Pacing: a model run of d ms earns a period of d / cpuBudget; skipped frames cost ~nothing.
    const busy = end - started;
    let budget = Math.min(1, Math.max(0.01, this.budget));
    if (ran && this.assembler.confirming && this.quickLooks < this.o.confirmLooks) {
      this.quickLooks++;
      budget = 1;
    } else if (ran && !this.assembler.confirming) {
      this.quickLooks = 0;
    }
    const period = Math.max(1000 / this.o.maxRate, ran ? busy / budget : 0);
    this.schedule(Math.max(0, period - busy));
  }

  /** The frame just pushed holds the new best box: keep its copy, drop the older one. */
  private keepBest(copy: F | null): void {
    if (this.bestDirty && copy) {
      this.bestFrame?.close();
      this.bestFrame = copy;
      this.bestChangedSinceSnapshot = true;
    } else {
      copy?.close();
    }
    this.bestDirty = false;
  }

  private async sendSnapshots(): Promise<void> {
    const encode = this.o.encodeSnapshot;
    const now = this.o.now();
    const ended = this.pendingEnd;
    this.pendingEnd = null;
    if (ended) {
      // Last picture of the event if it improved since the last one sent.
      if (encode && this.bestFrame && this.bestChangedSinceSnapshot) {
        await this.snapshot(encode, ended, this.bestFrame);
      }
      this.releaseBest();
    }
    const open = this.assembler.current;
    if (!open || !encode || !this.bestFrame || !this.bestChangedSinceSnapshot) {
      this.pendingStart = false;
      return;
    }
    if (this.pendingStart || now - this.lastSnapshotAt >= this.o.snapshotIntervalMs) {
      this.pendingStart = false;
      this.lastSnapshotAt = now;
      await this.snapshot(encode, open, this.bestFrame);
    }
  }

  private async snapshot(encode: SnapshotEncoder<F>, ev: DetectionEvent, frame: F): Promise<void> {
    this.bestChangedSinceSnapshot = false;
    try {
      const jpeg = await encode(frame, ev.best.box);
      if (!this.closedFlag) this.safeEmit('snapshot', ev, jpeg);
    } catch (error) {
      this.fail(error);
    }
  }

  private releaseBest(): void {
    this.bestFrame?.close();
    this.bestFrame = null;
    this.bestChangedSinceSnapshot = false;
  }

  private count(now: number): void {
    this.doneAt.push(now);
    while (this.doneAt.length > 0 && (this.doneAt[0] ?? now) < now - this.o.rateWindowMs)
      this.doneAt.shift();
    if (now - this.lastStatsAt < this.o.statsIntervalMs) return;
    this.lastStatsAt = now;
    const first = this.doneAt[0] ?? now;
    const span = Math.max(now - first, 1);
    const info = this.detector.info;
    this.safeEmit('stats', {
      detectionsPerSecond: this.doneAt.length > 1 ? ((this.doneAt.length - 1) * 1000) / span : 0,
      msPerFrame: info.msPerFrame,
      backend: info.backend,
      cpuBudget: this.budget,
    });
  }

  private fail(error: unknown): void {
    this.safeEmit('error', error instanceof Error ? error : new Error(String(error)));
  }
}
