import { randomBytes } from 'node:crypto';
import type { types } from 'mediasoup';
import type { ProducerAppData } from '../media/Peer.ts';
import type { Room } from '../media/Room.ts';
import { EnhancedEventEmitter, createLogger } from '@porchlight/runtime';
import type { RecordingIndex } from './index/RecordingIndex.ts';
import { Recorder, type RecordedInit, type RecordedSegment } from './recorder/Recorder.ts';
import { SegmentVault } from './SegmentVault.ts';
import type { RecordingRun, RecordingStream, SegmentRecord } from './types.ts';

const logger = createLogger('StreamRecording');

/** Producer changes settle this long before the recorder (re)starts: video and audio arrive apart. */
const SETTLE_MS = 400;
const MAX_BACKOFF_MS = 10_000;

export interface StreamRecordingDeps {
  index: RecordingIndex;
  vault: SegmentVault;
  ffmpegPath: string;
  segmentMs: number;
  /** Whether recorders may run at all (config). */
  enabled: boolean;
  now: () => number;
  onIngest: (deviceId: string, siteId: string, bytes: number) => void;
  onWriteError: (deviceId: string, error: unknown) => void;
}

export type StreamRecordingEvents = {
  /** A segment was persisted and indexed (it is now playable). */
  segment: [SegmentRecord];
  /** The recorder started a run (ffmpeg up). */
  run: [{ runId: string; pid: number | undefined }];
  /** A run's recorder exited and every segment it produced was written (or failed to be). */
  runEnded: [{ runId: string }];
};

interface ActiveRun {
  id: string;
  recorder: Recorder;
  /** Wall-clock time of the run's media timeline zero (consumers resumed). */
  anchor: number;
  init: RecordedInit | undefined;
  stored: boolean;
  lastIngest: number;
}

/**
 * One device's recording: decides whether a recorder runs (mode, producers present, on-demand
 * deadline), whether its segments are persisted (continuous, on demand, or an event's window) or
 * only kept in the pre-roll ring (event mode), and writes them in order: init segment once per
 * run, then each segment sealed → stored → indexed.
 */
export class StreamRecording extends EnhancedEventEmitter<StreamRecordingEvents> {
  readonly deviceId: string;
  readonly siteId: string;
  #settings: RecordingStream;
  #onDemandUntil: number | null;
  readonly #deps: StreamRecordingDeps;
  #room: Room | undefined;
  readonly #producers = new Map<'video' | 'audio', types.Producer<ProducerAppData>>();
  #run: ActiveRun | undefined;
  #starting = false;
  #settleTimer: NodeJS.Timeout | undefined;
  #deadlineTimer: NodeJS.Timeout | undefined;
  #backoffMs = 500;
  /** Event mode: recent segments not yet persisted, oldest first. */
  #ring: { segment: RecordedSegment; run: ActiveRun }[] = [];
  /** Event window end and the tags of the events in it. */
  #eventUntil = 0;
  readonly #eventTags = new Map<string, { from: number; until: number }>();
  #nextSeq: number;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(o: {
    settings: RecordingStream;
    onDemandUntil: number | null;
    lastSeq: number;
    deps: StreamRecordingDeps;
  }) {
    super();
    this.deviceId = o.settings.deviceId;
    this.siteId = o.settings.siteId;
    this.#settings = o.settings;
    this.#onDemandUntil = o.onDemandUntil;
    this.#nextSeq = o.lastSeq + 1;
    this.#deps = o.deps;
    // Arms the on-demand deadline of a recording that was running before a restart.
    this.updateSettings(o.settings, o.onDemandUntil);
  }

  get settings(): RecordingStream {
    return this.#settings;
  }

  get onDemandUntil(): number | null {
    return this.#onDemandUntil;
  }

  /** A recorder runs and its segments are being persisted. */
  get recording(): boolean {
    return this.#run !== undefined && this.#persisting();
  }

  get recorderPid(): number | undefined {
    return this.#run?.recorder.pid;
  }

  get activeRunId(): string | undefined {
    return this.#run?.id;
  }

  /** Resolves when every segment handed over so far is stored and indexed. */
  drain(): Promise<void> {
    return this.#queue;
  }

  addProducer(room: Room, producer: types.Producer<ProducerAppData>): void {
    const slot = producer.appData.source === 'camera' ? 'video' : 'audio';
    if (producer.appData.source === 'talkback') return;
    this.#room = room;
    this.#producers.set(slot, producer);
    producer.observer.once('close', () => {
      if (this.#producers.get(slot) === producer) this.#producers.delete(slot);
      this.#scheduleReconcile();
    });
    this.#scheduleReconcile();
  }

  updateSettings(settings: RecordingStream, onDemandUntil: number | null): void {
    this.#settings = settings;
    this.#onDemandUntil = onDemandUntil;
    // An on-demand recording ends by itself: stop the recorder at the deadline.
    clearTimeout(this.#deadlineTimer);
    const left = onDemandUntil === null ? 0 : onDemandUntil - this.#deps.now();
    if (settings.mode === 'on-demand' && left > 0) {
      this.#deadlineTimer = setTimeout(() => this.#reconcile(), Math.min(left + 50, 2 ** 31 - 1));
      this.#deadlineTimer.unref();
    }
    this.#reconcile();
  }

  /** An event (person detected, doorbell pressed, manual): persist the pre-roll and what follows. */
  trigger(type: string, now: number): number {
    const until = now + this.#settings.postRollSeconds * 1000;
    this.#eventUntil = Math.max(this.#eventUntil, until);
    const previous = this.#eventTags.get(type);
    const from = now - this.#settings.preRollSeconds * 1000;
    this.#eventTags.set(type, {
      from: previous && previous.until > from ? previous.from : from,
      until: Math.max(previous?.until ?? 0, until),
    });
    if (this.#settings.mode === 'event') {
      const ring = this.#ring;
      this.#ring = [];
      for (const { segment, run } of ring) this.#enqueue(segment, run);
    }
    return this.#eventUntil;
  }

  #persisting(): boolean {
    const now = this.#deps.now();
    switch (this.#settings.mode) {
      case 'continuous':
        return true;
      case 'on-demand':
        return this.#onDemandUntil !== null && this.#onDemandUntil > now;
      case 'event':
        return this.#eventUntil > now;
      case 'off':
        return false;
    }
  }

  #wanted(): boolean {
    if (!this.#deps.enabled || this.#closed) return false;
    if (this.#producers.size === 0 || !this.#room || this.#room.closed) return false;
    const mode = this.#settings.mode;
    if (mode === 'off') return false;
    if (mode === 'on-demand') return this.#persisting();
    return true;
  }

  #scheduleReconcile(): void {
    clearTimeout(this.#settleTimer);
    this.#settleTimer = setTimeout(() => this.#reconcile(), SETTLE_MS);
    this.#settleTimer.unref();
  }

  /** Brings the recorder in line with settings and producers: start, restart or stop. */
  #reconcile(): void {
    if (this.#starting) return;
    const run = this.#run;
    const wanted = this.#wanted();
    const ids = [...this.#producers.values()].map((p) => p.id).sort();
    const stale = run && run.recorder.producerIds.sort().join() !== ids.join();
    if (run && (!wanted || stale)) {
      this.#run = undefined;
      void run.recorder.stop().then(() => this.#reconcile());
      return;
    }
    if (!run && wanted) void this.#start();
  }

  async #start(): Promise<void> {
    const room = this.#room;
    if (!room) return;
    this.#starting = true;
    try {
      const recorder = await Recorder.start({
        router: room.router,
        video: this.#producers.get('video'),
        audio: this.#producers.get('audio'),
        ffmpegPath: this.#deps.ffmpegPath,
        segmentMs: this.#deps.segmentMs,
      });
      const run: ActiveRun = {
        id: `run_${randomBytes(9).toString('base64url')}`,
        recorder,
        anchor: this.#deps.now(),
        init: undefined,
        stored: false,
        lastIngest: 0,
      };
      this.#run = run;
      this.#ring = [];
      recorder.on('init', (init) => (run.init = init));
      // The media timeline's zero is the first sample ffmpeg kept, not when it was started:
      // anchor camera time on the first fragment's arrival.
      recorder.on('firstFragment', (f) => (run.anchor = Math.round(f.endWallMs - f.endMediaMs)));
      recorder.on('layerschange', () => {
        if (this.#run !== run) return;
        logger.info('resolution changed; new run', { deviceId: this.deviceId });
        this.#run = undefined;
        void recorder.abort().then(() => this.#reconcile());
      });
      recorder.on('segment', (segment) => this.#onSegment(run, segment));
      recorder.on('exit', ({ expected }) => {
        void this.#meterIngest(run);
        void this.#queue.then(() => this.safeEmit('runEnded', { runId: run.id }));
        if (this.#run === run) this.#run = undefined;
        if (!expected && !this.#closed) {
          // A crashed recorder loses only the segment in progress; a new run starts.
          setTimeout(() => this.#reconcile(), this.#backoffMs).unref();
          this.#backoffMs = Math.min(this.#backoffMs * 2, MAX_BACKOFF_MS);
        }
      });
      this.safeEmit('run', { runId: run.id, pid: recorder.pid });
      logger.info('recording started', {
        deviceId: this.deviceId,
        runId: run.id,
        pid: recorder.pid,
      });
    } catch (error) {
      if (this.#closed) return;
      logger.warn('recorder failed to start', { deviceId: this.deviceId, error: String(error) });
      setTimeout(() => this.#reconcile(), this.#backoffMs).unref();
      this.#backoffMs = Math.min(this.#backoffMs * 2, MAX_BACKOFF_MS);
    } finally {
      this.#starting = false;
    }
    // Settings or producers may have changed while ffmpeg was starting.
    this.#reconcile();
  }

  #onSegment(run: ActiveRun, segment: RecordedSegment): void {
    this.#backoffMs = 500;
    // Event windows are judged on media time: a segment is emitted only after it ends, and the
    // part of it inside the window must not be lost to that delay.
    const start = run.anchor + segment.startMs;
    const mode = this.#settings.mode;
    if (mode === 'event' ? start < this.#eventUntil : this.#persisting()) {
      this.#enqueue(segment, run);
      return;
    }
    if (mode !== 'event') return;
    this.#ring.push({ segment, run });
    // Keep just enough whole segments to cover the pre-roll.
    const need = this.#settings.preRollSeconds * 1000;
    while (this.#ring.length > 1) {
      const rest = this.#ring.slice(1).reduce((a, e) => a + e.segment.durationMs, 0);
      if (rest < need) break;
      this.#ring.shift();
    }
  }

  #enqueue(segment: RecordedSegment, run: ActiveRun): void {
    const seq = this.#nextSeq++;
    const tags = this.#tagsAt(run.anchor + segment.startMs, segment.durationMs);
    this.#queue = this.#queue
      .then(() => this.#persist(run, segment, seq, tags))
      .catch((error: unknown) => this.#deps.onWriteError(this.deviceId, error));
  }

  /** Event types whose window overlaps the segment. */
  #tagsAt(start: number, durationMs: number): string[] {
    const tags: string[] = [];
    const now = this.#deps.now();
    for (const [tag, w] of this.#eventTags) {
      if (w.from < start + durationMs && w.until > start) tags.push(tag);
      else if (w.until < now - 600_000) this.#eventTags.delete(tag);
    }
    return tags.sort();
  }

  async #persist(
    run: ActiveRun,
    segment: RecordedSegment,
    seq: number,
    tags: string[],
  ): Promise<void> {
    const { index, vault } = this.#deps;
    if (!run.stored) {
      if (!run.init) throw new Error('segment before init segment');
      const storageKey = SegmentVault.initKey(this.siteId, this.deviceId, run.id);
      const written = await vault.put(this.deviceId, storageKey, run.init.bytes);
      const video = run.init.info.tracks.find((t) => t.kind === 'video');
      const record: RecordingRun = {
        id: run.id,
        deviceId: this.deviceId,
        siteId: this.siteId,
        startedAt: Math.round(run.anchor),
        codecs: run.init.info.codecs,
        width: video?.width ?? null,
        height: video?.height ?? null,
        keyId: written.keyId,
        storageKey,
        bytes: run.init.bytes.length,
        storedBytes: written.storedBytes,
      };
      await index.insertRun(record);
      run.stored = true;
    }
    const storageKey = SegmentVault.segmentKey(this.siteId, this.deviceId, run.id, seq);
    const written = await vault.put(this.deviceId, storageKey, segment.bytes);
    const record: SegmentRecord = {
      deviceId: this.deviceId,
      seq,
      runId: run.id,
      producerTime: Math.round(run.anchor + segment.startMs),
      ingestTime: segment.firstByteAt,
      durationMs: Math.max(1, Math.round(segment.durationMs)),
      bytes: segment.bytes.length,
      storedBytes: written.storedBytes,
      keyframe: segment.keyframe,
      tags,
      keyId: written.keyId,
      storageKey,
    };
    await index.insertSegment(record);
    void this.#meterIngest(run);
    this.safeEmit('segment', record);
  }

  async #meterIngest(run: ActiveRun): Promise<void> {
    const total = await run.recorder.bytesIngested();
    if (total > run.lastIngest) {
      this.#deps.onIngest(this.deviceId, this.siteId, total - run.lastIngest);
      run.lastIngest = total;
    }
  }

  /** Test hook and ops tool: SIGKILL the recorder as a crash would. */
  killRecorder(): void {
    const pid = this.#run?.recorder.pid;
    if (pid) process.kill(pid, 'SIGKILL');
  }

  /** Stops the recorder gracefully (its last segment is kept) and waits for pending writes. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#settleTimer);
    clearTimeout(this.#deadlineTimer);
    const run = this.#run;
    this.#run = undefined;
    await run?.recorder.stop();
    await this.#queue;
  }
}
