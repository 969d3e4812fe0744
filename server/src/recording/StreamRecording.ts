import { randomBytes } from 'node:crypto';
import type { types } from 'mediasoup';
import type { ProducerAppData } from '../media/Peer.ts';
import type { Room } from '../media/Room.ts';
import { EnhancedEventEmitter, createLogger } from '@porchlight/runtime';
import type { RecordingIndex } from './index/RecordingIndex.ts';
import {
  RecordingModeMachine,
  type ModeDecision,
  type PersistOrder,
} from './modes/RecordingModeMachine.ts';
import type { LiveStream } from './live/LiveStream.ts';
import type { RecordedInit, RecordedSegment } from './recorder/Recorder.ts';
import type { MuxerKind, RecorderRun } from './recorder/RecorderTypes.ts';
import { startRecorder } from './recorder/startRecorder.ts';
import { SegmentVault } from './SegmentVault.ts';
import { runRecord, segmentRecord } from './indexRecords.ts';
import type { RecordingStream, SegmentRecord } from './types.ts';

const logger = createLogger('StreamRecording');

/**
 * Producer changes settle this long before the recorder (re)starts while a device has only one
 * track and nothing says whether a second is coming (its first recording): video and audio arrive
 * a produce round trip apart. A recorder started without a track that then comes must restart (a
 * ~0.2 s hole).
 */
const SETTLE_MS = 400;
/**
 * A device that recorded with a track it has not re-published yet (a reconnect, a worker death)
 * is waited for this long: its audio follows its video by over 0.4 s on a loaded box.
 */
const EXPECTED_TRACK_WAIT_MS = 1000;
const MAX_BACKOFF_MS = 10_000;
const WRITE_RETRY_MAX_DELAY_MS = 2_000;

export interface StreamRecordingDeps {
  index: RecordingIndex;
  vault: SegmentVault;
  ffmpegPath: string;
  /** Who muxes H264 (+ Opus) cameras (config recording.muxer); VP8 always goes to ffmpeg. */
  muxer: MuxerKind;
  segmentMs: number;
  /** Event mode: ring kept beyond the pre-roll for late triggers (config recording.preRollMarginSeconds). */
  preRollMarginMs?: number;
  /**
   * A failing segment write (database restarting, object store away, disk full) is retried this
   * long from the first failure before the segment counts as lost (config
   * recording.writeRetrySeconds): it waits in the write queue meanwhile (a few MB per camera), so
   * a store that comes back within it loses nothing. Default 30 000.
   */
  writeRetryMs?: number;
  /** Whether recorders may run at all (config). */
  enabled: boolean;
  now: () => number;
  onIngest: (deviceId: string, siteId: string, bytes: number) => void;
  onWriteError: (deviceId: string, error: unknown) => void;
  /** The device's live edge (LL-HLS parts), fed with every fragment; absent: none kept. */
  live?: LiveStream;
}

export type StreamRecordingEvents = {
  /** A segment was persisted and indexed (it is now playable). */
  segment: [SegmentRecord];
  /** The recorder started a run (ffmpeg up). */
  run: [{ runId: string; pid: number | undefined }];
  /** A run's recorder exited and every segment it produced was written (or failed to be). */
  runEnded: [{ runId: string }];
  /** The mode logic judged a segment from the recorder (`persisted` counts ring entries too). */
  decided: [{ fate: 'persisted' | 'ringed' | 'dropped'; persisted: number }];
  /** A recorder crashed or could not start (monitoring); a new run is on its way. */
  failure: [reason: 'recorder_exit' | 'recorder_start'];
};

/** What the mode machine carries for each segment. */
interface Pending {
  segment: RecordedSegment;
  run: ActiveRun;
}

interface ActiveRun {
  id: string;
  recorder: RecorderRun;
  /** Wall-clock time of the run's media timeline zero (consumers resumed). */
  anchor: number;
  init: RecordedInit | undefined;
  stored: boolean;
  lastIngest: number;
}

/**
 * One device's recording: carries out what its `RecordingModeMachine` decides (whether a recorder
 * runs; which segments are persisted, ring-buffered or dropped; when to look again) and writes
 * segments in order: init segment once per run, then each segment sealed → stored → indexed.
 */
export class StreamRecording extends EnhancedEventEmitter<StreamRecordingEvents> {
  readonly deviceId: string;
  readonly siteId: string;
  #settings: RecordingStream;
  readonly #machine: RecordingModeMachine<Pending>;
  readonly #deps: StreamRecordingDeps;
  #room: Room | undefined;
  readonly #producers = new Map<'video' | 'audio', types.Producer<ProducerAppData>>();
  #run: ActiveRun | undefined;
  #starting = false;
  #settleTimer: NodeJS.Timeout | undefined;
  /** The tracks the last recorder started with: what a reconnecting device will publish again. */
  #recordedTracks: ('video' | 'audio')[] | undefined;
  /** The one timer of the mode logic: set to the machine's next wake-up time. */
  #wakeTimer: NodeJS.Timeout | undefined;
  #backoffMs = 500;
  #nextSeq: number;
  #queue: Promise<void> = Promise.resolve();
  /** Recorders stopping because their producers left: their last segment is still to come. */
  readonly #stopping = new Set<Promise<void>>();
  #closed = false;
  /** When the segment writes began failing (undefined while they succeed). */
  #failingSince: number | undefined;
  /** Runs whose recorder is done while some of their segments still wait in the pre-roll ring. */
  readonly #endedRuns = new Set<ActiveRun>();

  constructor(o: {
    settings: RecordingStream;
    onDemandUntil: number | null;
    lastSeq: number;
    /** The tracks of the device's latest stored run (recorded here or on another node). */
    recordedTracks?: ('video' | 'audio')[] | undefined;
    deps: StreamRecordingDeps;
  }) {
    super();
    this.deviceId = o.settings.deviceId;
    this.siteId = o.settings.siteId;
    this.#settings = o.settings;
    this.#nextSeq = o.lastSeq + 1;
    // A camera that moved here from another node publishes what it recorded with there: its
    // recorder starts without the settle wait.
    this.#recordedTracks = o.recordedTracks;
    this.#deps = o.deps;
    // Resumes (and arms the deadline of) an on-demand recording that was running before a restart.
    this.#machine = new RecordingModeMachine({
      settings: o.settings,
      onDemandUntil: o.onDemandUntil,
      clock: o.deps.now,
      ...(o.deps.preRollMarginMs !== undefined && { preRollMarginMs: o.deps.preRollMarginMs }),
    });
    this.#apply(this.#machine.tick());
  }

  get settings(): RecordingStream {
    return this.#settings;
  }

  get onDemandUntil(): number | null {
    return this.#machine.onDemandUntil;
  }

  /** A recorder runs and its segments are being persisted. */
  get recording(): boolean {
    return this.#run !== undefined && this.#machine.persisting;
  }

  /** The mode logic's state (tests and diagnostics read it; only this class feeds it). */
  get modes(): Pick<RecordingModeMachine<unknown>, 'ring' | 'persistSpans' | 'eventUntil'> {
    return this.#machine;
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
      this.#machine.setProducers(this.#producers.size > 0);
      this.#scheduleReconcile();
    });
    this.#machine.setProducers(true);
    this.#scheduleReconcile();
  }

  updateSettings(settings: RecordingStream, onDemandUntil: number | null): void {
    this.#settings = settings;
    this.#apply(this.#machine.configure(settings, onDemandUntil));
    this.#releaseRuns();
  }

  /**
   * An event (person detected, doorbell pressed, manual): persist the pre-roll and what follows.
   * `since`: when the event began, if earlier than now (the pre-roll then counts back from it).
   */
  trigger(type: string, now: number, since: number = now): number {
    const { until, persist } = this.#machine.trigger(type, now, since);
    this.#persistAll(persist);
    this.#releaseRuns();
    return until;
  }

  /** A run's recorder is done: the run ends once none of its segments can still be written. */
  #runOver(run: ActiveRun): void {
    this.#endedRuns.add(run);
    this.#releaseRuns();
  }

  /**
   * Ends the runs no ring entry refers to any more. Until then a run stays active, so retention
   * keeps its init segment: a trigger may still persist its pre-roll after a recorder restart.
   */
  #releaseRuns(): void {
    for (const run of this.#endedRuns) {
      if (this.#machine.ring.some((e) => e.ref.run === run)) continue;
      this.#endedRuns.delete(run);
      void this.#queue.then(() => this.safeEmit('runEnded', { runId: run.id }));
    }
  }

  /** Arms the wake-up timer at the machine's next wake-up time and brings the recorder in line. */
  #apply(decision: ModeDecision): void {
    clearTimeout(this.#wakeTimer);
    this.#wakeTimer = undefined;
    if (decision.wakeAt !== null && !this.#closed) {
      // A timer may fire a little early: tick() then answers with the same wake-up time.
      const delay = Math.min(Math.max(0, decision.wakeAt - this.#deps.now()), 2 ** 31 - 1);
      this.#wakeTimer = setTimeout(() => this.#apply(this.#machine.tick()), delay);
      this.#wakeTimer.unref();
    }
    this.#reconcile();
  }

  #wanted(): boolean {
    if (!this.#deps.enabled || this.#closed) return false;
    if (!this.#room || this.#room.closed) return false;
    return this.#machine.tick().recorderWanted;
  }

  #scheduleReconcile(): void {
    clearTimeout(this.#settleTimer);
    // A device publishes at most one video and one audio track. With both here, or with the
    // tracks it recorded with last time, nothing else is coming: the recorder starts at once
    // (every ms waited is media a new run cannot record).
    const present = (slot: 'video' | 'audio'): boolean => this.#producers.has(slot);
    const expected = this.#recordedTracks;
    const complete = (present('video') && present('audio')) || !!expected?.every(present);
    const wait = expected && this.#producers.size > 0 ? EXPECTED_TRACK_WAIT_MS : SETTLE_MS;
    this.#settleTimer = setTimeout(() => this.#reconcile(), complete ? 0 : wait);
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
      const stopped = run.recorder.stop();
      this.#stopping.add(stopped);
      void stopped.finally(() => this.#stopping.delete(stopped)).then(() => this.#reconcile());
      return;
    }
    if (!run && wanted) void this.#start();
  }

  async #start(): Promise<void> {
    const room = this.#room;
    if (!room) return;
    this.#starting = true;
    try {
      this.#recordedTracks = [...this.#producers.keys()];
      const recorder = await startRecorder({
        router: room.router,
        video: this.#producers.get('video'),
        audio: this.#producers.get('audio'),
        ffmpegPath: this.#deps.ffmpegPath,
        segmentMs: this.#deps.segmentMs,
        muxer: this.#deps.muxer,
      });
      // Reassigned when the recorder's stream changes resolution (a new run, same ffmpeg).
      let run: ActiveRun = {
        id: `run_${randomBytes(9).toString('base64url')}`,
        recorder,
        anchor: this.#deps.now(),
        init: undefined,
        stored: false,
        lastIngest: 0,
      };
      this.#run = run;
      recorder.on('init', (init) => {
        if (!run.init) {
          run.init = init;
          return;
        }
        // A simulcast layer switch or resolution change: the segmenter cut at the new layer's
        // keyframe and built its init segment. The next run continues the same ffmpeg process and
        // media timeline (same anchor), so no frame is lost between the runs.
        const previous = run;
        run = {
          ...previous,
          id: `run_${randomBytes(9).toString('base64url')}`,
          init,
          stored: false,
        };
        // One recorder, one byte counter: the new run meters from where the previous one was.
        previous.lastIngest = Number.POSITIVE_INFINITY;
        if (this.#run === previous) this.#run = run;
        this.safeEmit('run', { runId: run.id, pid: recorder.pid });
        this.#runOver(previous);
        const video = init.info.tracks.find((t) => t.kind === 'video');
        logger.info('resolution changed; new run in the same recorder', {
          deviceId: this.deviceId,
          runId: run.id,
          size: video ? `${video.width}x${video.height}` : undefined,
        });
      });
      // The media timeline's zero is the first sample ffmpeg kept, not when it was started:
      // anchor camera time on the first fragment's arrival.
      recorder.on('firstFragment', (f) => (run.anchor = Math.round(f.endWallMs - f.endMediaMs)));
      // H264 is copied: the new layer's in-band SPS/PPS start a new run (above). VP8 is transcoded:
      // ffmpeg scales the new layer to the size its encoder opened with, so the run goes on.
      recorder.on('layerschange', () =>
        logger.debug('simulcast layer switch', { deviceId: this.deviceId, runId: run.id }),
      );
      recorder.on('segment', (segment) => this.#onSegment(run, segment));
      const live = this.#deps.live;
      if (live) {
        // A fragment of the segment in progress: it will be persisted as #nextSeq if at all.
        recorder.on('fragment', (f) =>
          live.fragment({
            ...f,
            runId: run.id,
            msn: this.#machine.persisting ? this.#nextSeq : null,
            producerTime: Math.round(run.anchor + f.startMs),
          }),
        );
        recorder.on('exit', () => live.clear());
      }
      recorder.on('exit', ({ expected }) => {
        void this.#meterIngest(run);
        this.#runOver(run);
        if (this.#run === run) this.#run = undefined;
        if (!expected && !this.#closed) {
          this.safeEmit('failure', 'recorder_exit');
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
        muxer: recorder.muxer,
      });
    } catch (error) {
      if (this.#closed) return;
      logger.warn('recorder failed to start', { deviceId: this.deviceId, error: String(error) });
      this.safeEmit('failure', 'recorder_start');
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
    const decision = this.#machine.segment({
      ref: { segment, run },
      startMs: run.anchor + segment.startMs,
      durationMs: segment.durationMs,
    });
    this.#persistAll(decision.persist);
    // The segment is the last order when persisted: it got the last sequence number.
    this.#deps.live?.cut(decision.fate === 'persisted' ? this.#nextSeq - 1 : null, {
      ...segment,
      producerTime: Math.round(run.anchor + segment.startMs),
    });
    this.#releaseRuns();
    this.safeEmit('decided', { fate: decision.fate, persisted: decision.persist.length });
  }

  #persistAll(orders: PersistOrder<Pending>[]): void {
    for (const { ref, tags } of orders) {
      const seq = this.#nextSeq++;
      this.#queue = this.#queue
        .then(() => this.#persist(ref.run, ref.segment, seq, tags))
        .catch((error: unknown) => this.#deps.onWriteError(this.deviceId, error));
    }
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
      const init = run.init;
      const written = await this.#retrying(() => vault.put(this.deviceId, storageKey, init.bytes));
      const ids = { id: run.id, deviceId: this.deviceId, siteId: this.siteId };
      const record = runRecord({ ...ids, anchor: run.anchor, init }, { storageKey, ...written });
      await this.#retrying(
        // A retry finds the row if the attempt whose answer was lost had committed it.
        async () => void ((await index.getRun(run.id)) ?? (await index.insertRun(record))),
        this.#deleteUnindexed(storageKey),
      );
      run.stored = true;
    }
    const storageKey = SegmentVault.segmentKey(this.siteId, this.deviceId, run.id, seq);
    const written = await this.#retrying(() => vault.put(this.deviceId, storageKey, segment.bytes));
    const record = segmentRecord(
      { deviceId: this.deviceId, runId: run.id, anchor: run.anchor, seq, tags },
      segment,
      { storageKey, ...written },
    );
    const indexed = await this.#retrying(
      () => this.#insertSegment(record),
      this.#deleteUnindexed(storageKey),
    );
    void this.#meterIngest(run);
    this.safeEmit('segment', indexed);
  }

  /**
   * Runs a write of the segment path (data key lookup + object put, index insert), retrying while
   * the database or the object store is away, up to `writeRetryMs` from when the failures began
   * (so a long outage does not hold every queued segment that long), less once the stream closes.
   * Given up, `giveUp` runs (an index write deletes the object it would have named, so the storage
   * holds nothing the index does not know) and the error goes on: the segment counts as lost.
   */
  async #retrying<T>(write: () => Promise<T>, giveUp?: () => Promise<void>): Promise<T> {
    for (let delay = 100; ; delay = Math.min(delay * 2, WRITE_RETRY_MAX_DELAY_MS)) {
      try {
        const result = await write();
        this.#failingSince = undefined;
        return result;
      } catch (error) {
        const now = this.#deps.now();
        this.#failingSince ??= now;
        if (
          this.#closed ||
          now + delay > this.#failingSince + (this.#deps.writeRetryMs ?? 30_000)
        ) {
          await giveUp?.();
          throw error;
        }
        logger.warn('segment write failed; retrying', {
          deviceId: this.deviceId,
          error: String(error),
        });
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  #deleteUnindexed(storageKey: string): () => Promise<void> {
    return () =>
      this.#deps.vault
        .delete([storageKey])
        .catch((e: unknown) =>
          logger.warn('unindexed object not deleted', { storageKey, error: String(e) }),
        );
  }

  /**
   * Indexes a segment under the next free sequence number. In a cluster another node may have
   * recorded this device since this one counted (the camera moved there and back, or this node
   * started its run while the old node was still writing the last segment): then the number is
   * taken, and the segment goes after the newest one instead of being lost.
   */
  async #insertSegment(record: SegmentRecord): Promise<SegmentRecord> {
    const { index } = this.#deps;
    for (let attempt = 1; ; attempt++) {
      try {
        await index.insertSegment(record);
        return record;
      } catch (error) {
        const taken = await index.getSegment(this.deviceId, record.seq).catch(() => null);
        // Inserted by an attempt whose answer was lost (the connection died after the commit).
        if (taken?.storageKey === record.storageKey) return record;
        if (!taken || attempt >= 3) throw error;
        const seq = Math.max(this.#nextSeq, (await index.lastSeq(this.deviceId)) + 1);
        this.#nextSeq = seq + 1;
        logger.info('sequence number taken by another node; renumbered', {
          deviceId: this.deviceId,
          from: record.seq,
          to: seq,
        });
        record = { ...record, seq };
      }
    }
  }

  async #meterIngest(run: ActiveRun): Promise<void> {
    const total = await run.recorder.bytesIngested();
    if (total > run.lastIngest) {
      this.#deps.onIngest(this.deviceId, this.siteId, total - run.lastIngest);
      run.lastIngest = total;
    }
  }

  /** Test hook and ops tool: end the recorder as a crash would. */
  killRecorder(): void {
    this.#run?.recorder.kill();
  }

  /** Stops the recorder gracefully (its last segment is kept) and waits for pending writes. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#settleTimer);
    clearTimeout(this.#wakeTimer);
    const run = this.#run;
    this.#run = undefined;
    // A recorder stopped when its camera left (a drain moves cameras away first) hands over its
    // last segment when it exits: wait for it, or the storage closes under its write.
    await Promise.allSettled([run?.recorder.stop(), ...this.#stopping]);
    this.#deps.live?.clear();
    await this.#queue;
  }
}
