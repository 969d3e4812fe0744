import type { Leases } from '../cluster/Leases.ts';
import { MaintenanceLease } from './MaintenanceLease.ts';
import type { types } from 'mediasoup';
import { PorchlightError } from '../errors.ts';
import type { ProducerAppData } from '../media/Peer.ts';
import type { Room } from '../media/Room.ts';
import type { RoomRegistry } from '../media/RoomRegistry.ts';
import { EnhancedEventEmitter, createLogger } from '@porchlight/runtime';
import type { RecordingIndex, StreamTotals } from './index/RecordingIndex.ts';
import { repairRecordings, type RepairReport } from './Repair.ts';
import { Retention, type DiskGuardResult } from './Retention.ts';
import type { SegmentVault } from './SegmentVault.ts';
import { LiveParts } from './live/LiveParts.ts';
import type { MuxerKind } from './recorder/RecorderTypes.ts';
import { StreamRecording } from './StreamRecording.ts';
import { DEFAULT_PRE_ROLL_MARGIN_MS } from './modes/RecordingModeMachine.ts';
import type { RecordingMode, RecordingStream, SegmentRecord } from './types.ts';
import { UsageMeter } from './UsageMeter.ts';

const logger = createLogger('RecordingService');

export interface RecordingServiceOptions {
  index: RecordingIndex;
  vault: SegmentVault;
  rooms: RoomRegistry;
  // No defaults here: every value comes from the validated config (config/defaults.ts).
  enabled: boolean;
  ffmpegPath: string;
  /** Who muxes H264 (+ Opus) cameras: in process, or one ffmpeg per camera. */
  muxer: MuxerKind;
  segmentMs: number;
  /** Settings of a stream seen for the first time. */
  defaultMode: RecordingMode;
  /** 0 = no age limit. */
  defaultRetentionDays: number;
  defaultPreRollSeconds: number;
  defaultPostRollSeconds: number;
  /** Event mode: the pre-roll ring keeps this much more, for late triggers (ms). Default 5000. */
  preRollMarginMs?: number;
  /** How long a failing segment write is retried from the first failure (ms). Default 30 000. */
  writeRetryMs?: number;
  /** How long an on-demand start without a duration records (seconds). */
  onDemandSeconds: number;
  minFreeBytes: number;
  maxTotalBytes: number;
  /** Retention, disk guard and usage flush period. */
  maintenanceIntervalMs: number;
  /** Live edges (LL-HLS parts) fed by each device's recording. Default: a new, empty one. */
  live?: LiveParts;
  /** Several nodes on one storage (a cluster); absent: a single box. */
  cluster?: RecordingCluster;
  now?: () => number;
}

/** In a cluster, empty runs younger than this are another node's that just started. */
const CLUSTER_EMPTY_RUN_GRACE_MS = 3_600_000;

/** What the recording needs of a cluster: who maintains the shared storage, and when to repair. */
export interface RecordingCluster {
  leases: Pick<Leases, 'hold' | 'runExclusive'>;
  /** Names the storage (bucket and prefix): nodes on other storage maintain theirs. */
  storageScope: string;
  /**
   * Whether other nodes are live. Repair cannot tell their in-flight writes (an object before its
   * row, a row after the listing) from crash leftovers, so it runs only on a node that is alone.
   */
  othersLive: () => boolean;
}

export interface RecordingSettingsPatch {
  mode?: RecordingMode;
  retentionMaxAgeSeconds?: number | null;
  retentionMaxBytes?: number | null;
  preRollSeconds?: number;
  postRollSeconds?: number;
  tags?: Record<string, string>;
}

export interface RecordingStatus extends RecordingStream, StreamTotals {
  recording: boolean;
  onDemandUntil: number | null;
}

export type RecordingServiceEvents = {
  /** The disk guard had to delete recordings to keep the disk from filling. */
  alarm: [DiskGuardResult & { sites: string[] }];
  segment: [SegmentRecord];
  /** Media lost: a segment not written, a recorder crashed or not started (monitoring). */
  failure: [reason: 'write' | 'recorder_exit' | 'recorder_start'];
  /** A device's recorder started a run (alarms watch recorder progress). */
  runStarted: [{ deviceId: string; siteId: string; runId: string }];
  /** A running recorder produced a segment (persisted or kept in the pre-roll ring). */
  progress: [{ deviceId: string }];
  /** A device's run ended and its segments were written. */
  runStopped: [{ deviceId: string; runId: string }];
};

/**
 * Recording for every device of every site: attaches a StreamRecording to each camera's producers,
 * owns settings, retention, the disk guard, crash repair and usage metering. The HTTP routes and
 * the HLS server talk to this and to the index, never to recorders.
 */
export class RecordingService extends EnhancedEventEmitter<RecordingServiceEvents> {
  readonly index: RecordingIndex;
  readonly vault: SegmentVault;
  readonly usage: UsageMeter;
  readonly retention: Retention;
  /** Every device's LL-HLS parts in memory (playback reads them). */
  readonly live: LiveParts;
  readonly #streams = new Map<string, Promise<StreamRecording>>();
  readonly #o: Required<Omit<RecordingServiceOptions, 'index' | 'vault' | 'rooms' | 'cluster'>>;
  readonly #maintenance: MaintenanceLease;
  readonly #timer: NodeJS.Timeout;
  #maintaining: Promise<void> | undefined;
  readonly #maintenanceTasks: ((now: number) => Promise<void>)[] = [];
  #closed = false;

  private constructor(o: RecordingServiceOptions) {
    super();
    this.index = o.index;
    this.vault = o.vault;
    this.#o = {
      enabled: o.enabled,
      ffmpegPath: o.ffmpegPath,
      muxer: o.muxer,
      segmentMs: o.segmentMs,
      defaultMode: o.defaultMode,
      defaultRetentionDays: o.defaultRetentionDays,
      defaultPreRollSeconds: o.defaultPreRollSeconds,
      defaultPostRollSeconds: o.defaultPostRollSeconds,
      preRollMarginMs: o.preRollMarginMs ?? DEFAULT_PRE_ROLL_MARGIN_MS,
      writeRetryMs: o.writeRetryMs ?? 30_000,
      onDemandSeconds: o.onDemandSeconds,
      minFreeBytes: o.minFreeBytes,
      maxTotalBytes: o.maxTotalBytes,
      maintenanceIntervalMs: o.maintenanceIntervalMs,
      live: o.live ?? new LiveParts(),
      now: o.now ?? Date.now,
    };
    this.live = this.#o.live;
    this.#maintenance = new MaintenanceLease({
      ...(o.cluster && { leases: o.cluster.leases }),
      name: `recording-maintenance:${o.cluster?.storageScope ?? ''}`,
    });
    this.usage = new UsageMeter(this.index, this.#o.now);
    this.retention = new Retention(this.index, this.vault, () => this.#activeRuns, {
      // Other nodes' fresh runs are not in #activeRuns: keep empty runs for a while.
      ...(o.cluster && { emptyRunGraceMs: CLUSTER_EMPTY_RUN_GRACE_MS }),
      now: this.#o.now,
    });
    o.rooms.on('room', (room) => this.#attach(room));
    for (const room of o.rooms.rooms.values()) this.#attach(room);
    this.#timer = setInterval(() => void this.maintain(), this.#o.maintenanceIntervalMs);
    this.#timer.unref();
    // Retention and the disk guard also run soon after start: the disk may have filled while down.
    setTimeout(() => void (this.#closed ? undefined : this.maintain()), 5_000).unref();
  }

  /** Repairs storage against the index (crash recovery), then starts recording. */
  static async create(
    o: RecordingServiceOptions,
  ): Promise<{ service: RecordingService; repair: RepairReport }> {
    const none: RepairReport = { partial: 0, missingSegments: 0, missingRuns: 0, orphans: 0 };
    let repair = none;
    const c = o.cluster;
    if (!c) repair = await repairRecordings(o.index, o.vault.storage);
    else if (c.othersLive()) logger.info('recording repair skipped: other nodes are recording');
    else
      await c.leases.runExclusive(`recording-repair:${c.storageScope}`, async () => {
        repair = await repairRecordings(o.index, o.vault.storage);
      });
    return { service: new RecordingService(o), repair };
  }

  #activeRuns = new Set<string>();

  #attach(room: Room): void {
    room.on('producer', (producer) => void this.#onProducer(room, producer));
  }

  async #onProducer(room: Room, producer: types.Producer<ProducerAppData>): Promise<void> {
    const deviceId = producer.appData.deviceId;
    if (!deviceId || producer.appData.source === 'talkback' || this.#closed) return;
    try {
      const stream = await this.#stream(deviceId, room.siteId);
      stream.addProducer(room, producer);
    } catch (error) {
      logger.warn('cannot record producer', { deviceId, error: String(error) });
    }
  }

  /** The tracks of the device's latest stored run, from its codecs (`avc1.42e01f,opus`). */
  async #lastRunTracks(deviceId: string): Promise<('video' | 'audio')[] | undefined> {
    const [latest] = await this.index.latestSegments(deviceId, 1);
    const run = latest ? await this.index.getRun(latest.runId) : null;
    if (!run) return undefined;
    const codecs = run.codecs.split(',').filter((c) => c !== '');
    const isAudio = (c: string): boolean => /^(opus|mp4a)/i.test(c);
    const tracks: ('video' | 'audio')[] = [];
    if (!codecs.every(isAudio)) tracks.push('video');
    if (codecs.some(isAudio)) tracks.push('audio');
    return tracks.length > 0 ? tracks : undefined;
  }

  #defaults(deviceId: string, siteId: string): RecordingStream {
    const now = this.#o.now();
    return {
      deviceId,
      ownerDeviceId: deviceId,
      siteId,
      mode: this.#o.defaultMode,
      retentionMaxAgeSeconds:
        this.#o.defaultRetentionDays > 0 ? this.#o.defaultRetentionDays * 86_400 : null,
      retentionMaxBytes: null,
      preRollSeconds: this.#o.defaultPreRollSeconds,
      postRollSeconds: this.#o.defaultPostRollSeconds,
      tags: {},
      createdAt: now,
      updatedAt: now,
    };
  }

  /**
   * A dedicated, continuous recording under `streamKey` (a visitor's message), fed by the caller
   * through `addProducer`; `close` it, then `release` it. Its key never names a device, so no
   * device's producers reach it and its settings row carries its own retention. It belongs to
   * `ownerDeviceId` (deleting that device deletes it).
   */
  async openDedicated(o: {
    streamKey: string;
    ownerDeviceId: string;
    siteId: string;
    retentionMaxAgeSeconds: number | null;
  }): Promise<StreamRecording> {
    const { streamKey, retentionMaxAgeSeconds } = o;
    if (this.#closed) throw PorchlightError.unavailable('recording is shutting down');
    if (this.#streams.has(streamKey)) throw PorchlightError.conflict('already recording');
    const settings: RecordingStream = {
      ...this.#defaults(streamKey, o.siteId),
      ownerDeviceId: o.ownerDeviceId,
      mode: 'continuous',
      retentionMaxAgeSeconds,
      preRollSeconds: 0,
      postRollSeconds: 0,
    };
    await this.index.saveStream(settings, null);
    const p = this.#build(settings);
    p.catch(() => this.#streams.delete(streamKey));
    this.#streams.set(streamKey, p);
    return p;
  }

  /** Closes a dedicated recording (its last segment is kept) and forgets it. Idempotent. */
  async release(streamKey: string): Promise<void> {
    const p = this.#streams.get(streamKey);
    if (!p) return;
    try {
      await (await p).close();
    } finally {
      this.#streams.delete(streamKey);
    }
  }

  /** The device's StreamRecording, loading or creating its settings row. */
  #stream(deviceId: string, siteId: string): Promise<StreamRecording> {
    let p = this.#streams.get(deviceId);
    if (!p) {
      p = (async () => {
        let settings = await this.index.getStream(deviceId);
        if (!settings) {
          settings = this.#defaults(deviceId, siteId);
          await this.index.saveStream(settings, null);
        }
        return this.#build(settings);
      })();
      p.catch(() => this.#streams.delete(deviceId));
      this.#streams.set(deviceId, p);
    }
    return p;
  }

  async #build(settings: RecordingStream): Promise<StreamRecording> {
    const deviceId = settings.deviceId;
    const stream = new StreamRecording({
      settings,
      onDemandUntil: await this.index.onDemandUntil(deviceId),
      lastSeq: await this.index.lastSeq(deviceId),
      recordedTracks: await this.#lastRunTracks(deviceId),
      deps: {
        index: this.index,
        vault: this.vault,
        ffmpegPath: this.#o.ffmpegPath,
        muxer: this.#o.muxer,
        segmentMs: this.#o.segmentMs,
        preRollMarginMs: this.#o.preRollMarginMs,
        writeRetryMs: this.#o.writeRetryMs,
        enabled: this.#o.enabled,
        now: this.#o.now,
        onIngest: (d, s, bytes) => this.usage.ingested(d, s, bytes),
        onWriteError: (d, error) => {
          logger.error('segment lost: write failed', { deviceId: d, error: String(error) });
          this.safeEmit('failure', 'write');
        },
        live: this.#o.live.of(deviceId),
      },
    });
    stream.on('run', ({ runId }) => {
      this.#activeRuns.add(runId);
      this.safeEmit('runStarted', { deviceId, siteId: settings.siteId, runId });
    });
    // Only running runs keep their init segment from retention; the set stays small.
    stream.on('runEnded', ({ runId }) => {
      this.#activeRuns.delete(runId);
      this.safeEmit('runStopped', { deviceId, runId });
    });
    stream.on('decided', () => this.safeEmit('progress', { deviceId }));
    stream.on('segment', (s) => this.safeEmit('segment', s));
    stream.on('failure', (reason) => this.safeEmit('failure', reason));
    return stream;
  }

  /** How many runs are recording or still writing (monitoring and tests). */
  get activeRunCount(): number {
    return this.#activeRuns.size;
  }

  /** A live StreamRecording if the device has one (tests, status). */
  async streamOf(deviceId: string): Promise<StreamRecording | undefined> {
    return this.#streams.get(deviceId);
  }

  async status(deviceId: string, siteId: string): Promise<RecordingStatus> {
    const stream = this.#streams.get(deviceId);
    const live = stream ? await stream : undefined;
    const settings =
      live?.settings ?? (await this.index.getStream(deviceId)) ?? this.#defaults(deviceId, siteId);
    const onDemandUntil = live ? live.onDemandUntil : await this.index.onDemandUntil(deviceId);
    return {
      ...settings,
      ...(await this.index.streamTotals(deviceId)),
      recording: live?.recording ?? false,
      onDemandUntil,
    };
  }

  async update(
    deviceId: string,
    siteId: string,
    patch: RecordingSettingsPatch,
  ): Promise<RecordingStatus> {
    const stream = await this.#stream(deviceId, siteId);
    const next: RecordingStream = { ...stream.settings, ...patch, updatedAt: this.#o.now() };
    await this.index.saveStream(next, stream.onDemandUntil);
    stream.updateSettings(next, stream.onDemandUntil);
    // New limits apply to what is already stored, now.
    await this.retention.enforce(next, this.#o.now());
    return this.status(deviceId, siteId);
  }

  /** On-demand recording for `seconds` (default: until stopped, capped at a day). */
  async start(
    deviceId: string,
    siteId: string,
    seconds: number | undefined,
  ): Promise<RecordingStatus> {
    const stream = await this.#stream(deviceId, siteId);
    if (stream.settings.mode !== 'on-demand') {
      throw PorchlightError.conflict(`recording mode is ${stream.settings.mode}, not on-demand`);
    }
    const until = this.#o.now() + (seconds ?? this.#o.onDemandSeconds) * 1000;
    await this.index.saveStream(stream.settings, until);
    stream.updateSettings(stream.settings, until);
    return this.status(deviceId, siteId);
  }

  async stop(deviceId: string, siteId: string): Promise<RecordingStatus> {
    const stream = await this.#stream(deviceId, siteId);
    if (stream.settings.mode !== 'on-demand') {
      throw PorchlightError.conflict(`recording mode is ${stream.settings.mode}, not on-demand`);
    }
    await this.index.saveStream(stream.settings, null);
    stream.updateSettings(stream.settings, null);
    return this.status(deviceId, siteId);
  }

  /**
   * An event for the device: persists the pre-roll and the post-roll window, tags segments.
   * `since` (server clock): when the event began, if before now; the pre-roll counts back from it.
   */
  async trigger(deviceId: string, siteId: string, type: string, since?: number): Promise<number> {
    const stream = await this.#stream(deviceId, siteId);
    const now = this.#o.now();
    return stream.trigger(type, now, Math.min(now, since ?? now));
  }

  /**
   * Work of other modules that follows recording retention (detection events live as long as
   * the recordings they point into). Runs after retention in every `maintain()`.
   */
  onMaintenance(task: (now: number) => Promise<void>): void {
    this.#maintenanceTasks.push(task);
  }

  /**
   * Retention for every stream, then the disk guard, then usage. Never runs twice at once; in a
   * cluster only the maintenance lease's holder deletes and samples stored bytes, while every
   * node flushes the usage it metered itself.
   */
  maintain(): Promise<void> {
    this.#maintaining ??= (async () => {
      try {
        const ran = await this.#maintenance.run(() => this.#retentionPass());
        // Another node sampled the stored bytes meanwhile: none of that time is ours to count.
        if (!ran) this.usage.skipStoredSample();
        await this.usage.flush();
      } catch (error) {
        logger.error('recording maintenance failed', { error: String(error) });
      } finally {
        this.#maintaining = undefined;
      }
    })();
    return this.#maintaining;
  }

  /** Whether this node runs retention over the storage now (always on a single box). */
  get maintains(): boolean {
    return this.#maintenance.mine;
  }

  async #retentionPass(): Promise<void> {
    const now = this.#o.now();
    for (const stream of await this.index.listStreams()) {
      await this.retention.enforce(stream, now);
    }
    for (const task of this.#maintenanceTasks) {
      await task(now).catch((error: unknown) =>
        logger.error('maintenance task failed', { error: String(error) }),
      );
    }
    const guard = await this.retention.guard({
      minFreeBytes: this.#o.minFreeBytes,
      maxTotalBytes: this.#o.maxTotalBytes,
    });
    if (guard.deleted.length > 0) {
      const sites = [...new Set(guard.deleted.map((s) => this.#siteOfSegment(s)))].filter(
        (s): s is string => s !== undefined,
      );
      logger.warn('disk guard deleted recordings', {
        reason: guard.reason,
        deleted: guard.deleted.length,
        freeBytes: guard.freeBytes,
      });
      this.safeEmit('alarm', { ...guard, sites });
    }
    await this.usage.sampleStored();
  }

  #siteOfSegment(s: SegmentRecord): string | undefined {
    // Storage keys start with the site id.
    return s.storageKey.split('/')[0];
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    const streams = await Promise.allSettled([...this.#streams.values()]);
    await Promise.all(
      streams.map((s) => (s.status === 'fulfilled' ? s.value.close() : Promise.resolve())),
    );
    await this.#maintaining;
    await this.#maintenance.close();
    await this.usage.flush();
  }
}
