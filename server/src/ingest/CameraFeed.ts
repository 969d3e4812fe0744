import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { IngestFailure, IngestStatus } from '@porchlight/protocol';
import { EnhancedEventEmitter, createLogger } from '@porchlight/runtime';
import type { Room } from '../media/Room.ts';
import { spawnTied } from '../recording/recorder/spawnTied.ts';
import type { CodecPlan } from './codecPlan.ts';
import { ffmpegArgs } from './ffmpegArgs.ts';
import { PlainCamera } from './PlainCamera.ts';
import { classifyFailure, probeInput, type FfmpegInput } from './probe.ts';
import { redact } from './redact.ts';

const logger = createLogger('CameraFeed');

/** How a feed reports its device, as signaling does for a browser camera. */
export interface FeedRegistry {
  online(
    deviceId: string,
    info: { address: string | null; userAgent: string | null },
  ): Promise<void>;
  offline(deviceId: string): Promise<void>;
  bitrate(deviceId: string, bps: number): Promise<void>;
}

export interface FeedTiming {
  /** ffprobe's limit per attempt. */
  probeTimeoutMs: number;
  /** No RTP bytes for this long (or none at all this long after start) counts as a stall. */
  stallMs: number;
  /** First retry delay, doubled per failure up to maxBackoffMs, with jitter (x0.5 to x1). */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** How often bitrate goes to the device registry. */
  statsIntervalMs: number;
}

export interface CameraFeedOptions extends FeedTiming {
  deviceId: string;
  siteId: string;
  label: () => string;
  /** Built afresh for every attempt (credentials may have changed). */
  input: () => FfmpegInput;
  rooms: { getOrCreate(siteId: string): Promise<Room> };
  registry: FeedRegistry;
  /** What the device registry shows as its address and user agent. */
  address: string | null;
  userAgent: string;
  /** Asked before each attempt: false (device or source gone, e.g. its site deleted) ends the feed. */
  stillWanted: () => Promise<boolean>;
}

type FeedEvents = {
  status: [IngestStatus];
  /** An attempt's ffmpeg started (pid), for tests and benches. */
  spawned: [pid: number];
};

interface AttemptEnd {
  failure: IngestFailure;
  message: string;
  /** Media flowed for a while: the next retry starts from the first backoff step. */
  healthy: boolean;
}

/** A connection counts as healthy (the backoff resets) after media flowed this long. */
const HEALTHY_AFTER_MS = 10_000;
const KILL_GRACE_MS = 2_000;
const MONITOR_MS = 500;

/**
 * Keeps one outside camera flowing: probe, open a PlainCamera in the site's room, run ffmpeg into
 * it, watch the RTP byte counters, and on exit or stall tear everything down and retry with
 * exponential backoff and jitter. Online/offline and bitrate go to the device registry; the
 * current state and the last failure (never with credentials) are in `status`. `close` is
 * idempotent and resolves once ffmpeg is gone.
 */
export class CameraFeed extends EnhancedEventEmitter<FeedEvents> {
  readonly deviceId: string;
  readonly #o: CameraFeedOptions;
  #status: IngestStatus;
  #closed = false;
  #loop: Promise<void> | undefined;
  /** Ends the current attempt or backoff wait early (close). */
  #interrupt: (() => void) | undefined;
  #child: ChildProcessWithoutNullStreams | undefined;
  /** Aborts the current attempt's probe (close). */
  readonly #abort = new AbortController();

  constructor(o: CameraFeedOptions) {
    super();
    this.deviceId = o.deviceId;
    this.#o = o;
    this.#status = {
      state: 'connecting',
      failure: null,
      reason: null,
      since: Date.now(),
      attempts: 0,
      video: null,
      audio: null,
    };
  }

  get status(): IngestStatus {
    return this.#status;
  }

  /** The running ffmpeg's pid (tests, benches). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  start(): void {
    this.#loop ??= this.#run().catch((error: unknown) =>
      logger.error('feed loop failed', { deviceId: this.deviceId, error: String(error) }),
    );
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#abort.abort();
    this.#interrupt?.();
    return this.#loop ?? Promise.resolve();
  }

  #set(patch: Partial<IngestStatus>): void {
    const stateChanged = patch.state !== undefined && patch.state !== this.#status.state;
    this.#status = { ...this.#status, ...patch, ...(stateChanged ? { since: Date.now() } : {}) };
    this.safeEmit('status', this.#status);
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#closed) {
      if (!(await this.#o.stillWanted().catch(() => true))) break;
      this.#set({ state: 'connecting' });
      const end = await this.#attempt();
      if (this.#closed) break;
      failures = end.healthy ? 1 : failures + 1;
      this.#set({
        state: 'offline',
        failure: end.failure,
        reason: end.message,
        attempts: failures,
      });
      logger.warn('camera feed down', {
        deviceId: this.deviceId,
        failure: end.failure,
        reason: end.message,
        attempts: failures,
      });
      const base = Math.min(
        this.#o.maxBackoffMs,
        this.#o.initialBackoffMs * 2 ** Math.min(failures - 1, 20),
      );
      await this.#sleep(base * (0.5 + Math.random() / 2));
    }
    this.#set({ state: 'disabled', failure: null, reason: null });
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#interrupt = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#interrupt = done;
    });
  }

  async #attempt(): Promise<AttemptEnd> {
    const input = this.#o.input();
    const probe = await probeInput(input, this.#o.probeTimeoutMs, this.#abort.signal);
    if (this.#closed) return { failure: 'error', message: 'closed', healthy: false };
    if (!probe.ok) {
      this.#set({ video: null, audio: null });
      return { failure: probe.failure, message: probe.message, healthy: false };
    }
    this.#set({
      video: this.#trackView(probe.plan.video),
      audio: probe.plan.audio ? this.#trackAudio(probe.plan) : null,
    });
    let camera: PlainCamera | undefined;
    let finish: (end: AttemptEnd) => void = () => {};
    const ended = new Promise<AttemptEnd>((resolve) => (finish = resolve));
    try {
      const room = await this.#o.rooms.getOrCreate(this.#o.siteId);
      camera = await PlainCamera.open({
        room,
        siteId: this.#o.siteId,
        deviceId: this.deviceId,
        label: this.#o.label(),
        audio: probe.plan.audio !== null,
        onLost: () =>
          finish({ failure: 'error', message: 'the media server restarted', healthy: false }),
      });
    } catch (error) {
      camera?.close();
      return {
        failure: 'error',
        message: `cannot open the camera: ${String(error)}`,
        healthy: false,
      };
    }
    const args = ffmpegArgs(input, probe.plan, camera.video, camera.audio);
    const child = spawnTied('ffmpeg', args);
    this.#child = child;
    if (child.pid !== undefined) this.safeEmit('spawned', child.pid);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4096)));
    child.stdout.resume();
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    child.once('error', (e) =>
      finish({ failure: 'error', message: `ffmpeg did not start: ${e.message}`, healthy: false }),
    );
    const startedAt = Date.now();
    let onlineAt: number | undefined;
    void exited.then(() => {
      const known = classifyFailure(stderr);
      const last = redact(stderr.trim().split('\n').pop() ?? '', input.secrets).slice(0, 200);
      finish(
        known
          ? { ...known, healthy: false }
          : {
              failure: onlineAt ? 'unreachable' : 'error',
              message: onlineAt ? 'the camera stopped sending' : last || 'ffmpeg exited',
              healthy: false,
            },
      );
    });
    this.#interrupt = () => finish({ failure: 'error', message: 'closed', healthy: false });
    // Closed while the camera was being opened: nobody will call #interrupt any more.
    if (this.#closed) this.#interrupt();
    let lastBytes = 0;
    let lastProgress = Date.now();
    let busy = false;
    const monitor = setInterval(() => {
      if (busy || !camera) return;
      busy = true;
      void camera
        .bytesReceived()
        .then((bytes) => {
          const now = Date.now();
          if (bytes > lastBytes) {
            lastBytes = bytes;
            lastProgress = now;
            if (onlineAt === undefined) {
              onlineAt = now;
              this.#set({ state: 'online', failure: null, reason: null });
              void this.#o.registry.online(this.deviceId, {
                address: this.#o.address,
                userAgent: this.#o.userAgent,
              });
            }
          } else if (now - lastProgress > this.#o.stallMs) {
            finish({
              failure: 'timeout',
              message: onlineAt
                ? `no media for ${Math.round(this.#o.stallMs / 1000)} s`
                : 'the camera sent no media',
              healthy: false,
            });
          }
        })
        .catch(() => {})
        .finally(() => (busy = false));
    }, MONITOR_MS);
    const stats = setInterval(() => {
      if (onlineAt === undefined || !camera || camera.closed) return;
      void camera
        .bitrate()
        .then((bps) => this.#o.registry.bitrate(this.deviceId, bps))
        .catch(() => {});
    }, this.#o.statsIntervalMs);
    const end = await ended;
    this.#interrupt = undefined;
    clearInterval(monitor);
    clearInterval(stats);
    await this.#stop(child, exited);
    this.#child = undefined;
    camera.close();
    if (onlineAt !== undefined) await this.#o.registry.offline(this.deviceId);
    logger.info('camera feed attempt ended', {
      deviceId: this.deviceId,
      ranMs: Date.now() - startedAt,
      failure: end.failure,
    });
    return { ...end, healthy: onlineAt !== undefined && Date.now() - onlineAt > HEALTHY_AFTER_MS };
  }

  async #stop(child: ChildProcessWithoutNullStreams, exited: Promise<void>): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }

  #trackView(v: CodecPlan['video']): IngestStatus['video'] {
    return { codec: v.codec, action: v.action, width: v.width, height: v.height, fps: v.fps };
  }

  #trackAudio(plan: CodecPlan): IngestStatus['audio'] {
    const a = plan.audio!;
    return { codec: a.codec, action: a.action, sampleRate: a.sampleRate, channels: a.channels };
  }
}
