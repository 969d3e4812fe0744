import { randomUUID } from 'node:crypto';
import {
  DETECTION_LIMITS,
  type DetectionLabel,
  type DetectorInfo,
  type TrackPoint,
} from '@porchlight/protocol';
import { createLogger, EnhancedEventEmitter } from '@porchlight/runtime';
import { PorchlightError } from '../errors.ts';
import type { Device } from '../store/types.ts';
import type { DetectionRepository, EventRow } from './DetectionRepository.ts';
import type { EventSnapshots } from './EventSnapshots.ts';
import type { EventRecordingPort } from './ports.ts';
import { PostLimiter } from './PostLimiter.ts';
import { localRateLimits, type RateLimits } from '../limits/RateLimits.ts';
import { KeyedSerial } from '../KeyedSerial.ts';

const logger = createLogger('detection:events');

export interface EventServiceOptions {
  repo: DetectionRepository;
  snapshots: EventSnapshots;
  recording: EventRecordingPort;
  now?: () => number;
  /** Where the post limits live (Redis in a cluster: one budget per camera). Default: memory. */
  rateLimits?: RateLimits;
  /** New events per camera per minute. Default 20 (a person every 3 s, cooldown aside). */
  startsPerMinute?: number;
  /** Posts (start, update, snapshot) per camera per minute. Default 180 (updates <= 1/s + spare). */
  postsPerMinute?: number;
  /** While an event is open its recording is re-triggered this often. Default 5 s. */
  keepAliveMs?: number;
  /** An open event without a post for this long is ended by the server. Default 60 s. */
  staleMs?: number;
  /** How far device timestamps may be from the server's clock. Default 10 min. */
  maxClockSkewMs?: number;
}

export const EVENT_SERVICE_DEFAULTS = {
  startsPerMinute: 20,
  postsPerMinute: 180,
  keepAliveMs: 5_000,
  staleMs: 60_000,
  maxClockSkewMs: 600_000,
} as const;

export interface StartInput {
  label: DetectionLabel;
  startedAt: number;
  maxScore: number;
  zones: string[];
  track: TrackPoint[];
  detector: DetectorInfo;
  /** The device's clock when it sent the start (its clock offset is measured from it). */
  sentAt?: number | undefined;
}

export interface UpdateInput {
  track?: TrackPoint[] | undefined;
  maxScore?: number | undefined;
  zones?: string[] | undefined;
  endedAt?: number | undefined;
}

export type EventServiceEvents = {
  started: [event: EventRow];
  /** Track, score, zones or the snapshot changed. */
  updated: [event: EventRow];
  /** The camera ended it, or the server did (stale, restart). */
  ended: [event: EventRow];
  /** The first snapshot of an event arrived (a replacement says `updated`). */
  snapshot: [event: EventRow];
};

/** Keeps at most `max` points: thins the older half (every other point) until they fit. */
export function appendTrack(
  track: readonly TrackPoint[],
  more: readonly TrackPoint[],
  max: number = DETECTION_LIMITS.trackPoints,
): TrackPoint[] {
  let out = [...track, ...more].sort((a, b) => a.t - b.t);
  while (out.length > max) {
    const half = Math.ceil(out.length / 2);
    out = [...out.slice(0, half).filter((_, i) => i % 2 === 0), ...out.slice(half)];
  }
  return out;
}

/**
 * Detection events of every camera: start, update, snapshot and end them for the camera that
 * reports them; keep the camera's recording going while an event is open (re-triggered every
 * `keepAliveMs`, once more at the end so the post-roll runs from there); end events a camera
 * stopped reporting. Notification and Web Push follow its events (wired in Server.ts).
 */
export class EventService extends EnhancedEventEmitter<EventServiceEvents> {
  readonly #o: EventServiceOptions;
  readonly #now: () => number;
  readonly #starts: PostLimiter;
  readonly #posts: PostLimiter;
  readonly #staleMs: number;
  readonly #skewMs: number;
  /** Open events by id: the last post time (server clock) and where to trigger. */
  readonly #open = new Map<string, { deviceId: string; siteId: string; lastPost: number }>();
  /** Posts about one event run one after another (each reads, merges and writes the row). */
  readonly #queues = new KeyedSerial();
  readonly #timer: NodeJS.Timeout;
  #closed = false;

  constructor(o: EventServiceOptions) {
    super();
    this.#o = o;
    this.#now = o.now ?? Date.now;
    const d = EVENT_SERVICE_DEFAULTS;
    const limits = o.rateLimits ?? localRateLimits;
    this.#starts = new PostLimiter(
      limits.window('detection-start', {
        limit: o.startsPerMinute ?? d.startsPerMinute,
        windowMs: 60_000,
        now: this.#now,
      }),
    );
    this.#posts = new PostLimiter(
      limits.window('detection-post', {
        limit: o.postsPerMinute ?? d.postsPerMinute,
        windowMs: 60_000,
        now: this.#now,
      }),
    );
    this.#staleMs = o.staleMs ?? d.staleMs;
    this.#skewMs = o.maxClockSkewMs ?? d.maxClockSkewMs;
    this.#timer = setInterval(() => void this.#keepAlive(), o.keepAliveMs ?? d.keepAliveMs);
    this.#timer.unref();
  }

  /** Events being kept alive now (diagnostics and tests). */
  get openCount(): number {
    return this.#open.size;
  }

  /** Counts a post of the camera against its limits; RATE_LIMITED (429) when over. */
  async admit(deviceId: string, kind: 'start' | 'update' | 'snapshot'): Promise<void> {
    if (kind === 'start') await this.#starts.take(deviceId, 'new events');
    await this.#posts.take(deviceId, 'detection posts');
  }

  async start(device: Device, input: StartInput): Promise<EventRow> {
    const now = this.#now();
    this.#checkTime(input.startedAt, 'startedAt', now);
    if (input.sentAt !== undefined) this.#checkTime(input.sentAt, 'sentAt', now);
    for (const p of input.track) this.#checkTime(p.t, 'track.t', now);
    const row: EventRow = {
      id: randomUUID(),
      siteId: device.siteId,
      deviceId: device.id,
      label: input.label,
      startedAt: input.startedAt,
      endedAt: null,
      maxScore: input.maxScore,
      zones: [...new Set(input.zones)],
      track: appendTrack([], input.track),
      detector: input.detector,
      snapshotRef: null,
      updatedAt: now,
    };
    await this.#o.repo.createEvent(row);
    await this.#o.repo.saveDetector(device.id, device.siteId, input.detector, now);
    this.#open.set(row.id, { deviceId: row.deviceId, siteId: row.siteId, lastPost: now });
    // The pre-roll counts back from the device's first sight, on the server's clock: a start
    // posted late (the detector confirming, a slow network) keeps its whole pre-roll.
    const offset = input.sentAt === undefined ? 0 : now - input.sentAt;
    await this.#trigger(row, Math.min(now, input.startedAt + offset));
    logger.info('event started', { eventId: row.id, deviceId: row.deviceId });
    this.safeEmit('started', row);
    return row;
  }

  /** The camera's own event, or NOT_FOUND (another camera's id is not told apart). */
  async ofDevice(deviceId: string, eventId: string): Promise<EventRow> {
    const row = await this.#o.repo.getEvent(eventId);
    if (!row || row.deviceId !== deviceId) throw PorchlightError.notFound('event');
    return row;
  }

  update(deviceId: string, eventId: string, input: UpdateInput): Promise<EventRow> {
    return this.#queues.run(eventId, () => this.#update(deviceId, eventId, input));
  }

  /** Stores (or replaces) the event's best snapshot. */
  snapshot(deviceId: string, eventId: string, jpeg: Buffer): Promise<EventRow> {
    return this.#queues.run(eventId, () => this.#snapshot(deviceId, eventId, jpeg));
  }

  async #update(deviceId: string, eventId: string, input: UpdateInput): Promise<EventRow> {
    const now = this.#now();
    const row = await this.ofDevice(deviceId, eventId);
    if (row.endedAt !== null) throw PorchlightError.conflict('the event has ended');
    for (const p of input.track ?? []) this.#checkTime(p.t, 'track.t', now);
    if (input.endedAt !== undefined) {
      this.#checkTime(input.endedAt, 'endedAt', now);
      if (input.endedAt < row.startedAt)
        throw PorchlightError.badRequest('body.endedAt: before the event started');
    }
    const next: EventRow = {
      ...row,
      track: input.track ? appendTrack(row.track, input.track) : row.track,
      maxScore: Math.max(row.maxScore, input.maxScore ?? 0),
      zones: input.zones ? [...new Set([...row.zones, ...input.zones])] : row.zones,
      endedAt: input.endedAt ?? null,
      updatedAt: now,
    };
    await this.#o.repo.updateEvent(row.id, {
      track: next.track,
      maxScore: next.maxScore,
      zones: next.zones,
      updatedAt: now,
      ...(next.endedAt !== null ? { endedAt: next.endedAt } : {}),
    });
    const open = this.#open.get(row.id);
    if (open) open.lastPost = now;
    if (next.endedAt !== null) await this.#end(next);
    else this.safeEmit('updated', next);
    return next;
  }

  async #snapshot(deviceId: string, eventId: string, jpeg: Buffer): Promise<EventRow> {
    const row = await this.ofDevice(deviceId, eventId);
    const ref = await this.#o.snapshots.put(row.id, jpeg);
    const now = this.#now();
    await this.#o.repo.updateEvent(row.id, { snapshotRef: ref, updatedAt: now });
    const next = { ...row, snapshotRef: ref, updatedAt: now };
    const open = this.#open.get(row.id);
    if (open) open.lastPost = now;
    this.safeEmit(row.snapshotRef === null ? 'snapshot' : 'updated', next);
    return next;
  }

  /** At start-up: events a stopped server left open end at their last post. */
  async recover(): Promise<void> {
    for (const row of await this.#o.repo.listOpen()) {
      const endedAt = Math.max(row.startedAt, row.track[row.track.length - 1]?.t ?? row.updatedAt);
      await this.#o.repo.updateEvent(row.id, { endedAt });
    }
  }

  async #end(row: EventRow): Promise<void> {
    this.#open.delete(row.id);
    // Once more from the end, so the post-roll counts from the last sight of the person.
    await this.#trigger(row);
    logger.info('event ended', { eventId: row.id, deviceId: row.deviceId });
    this.safeEmit('ended', row);
  }

  async #keepAlive(): Promise<void> {
    const now = this.#now();
    for (const [id, open] of [...this.#open]) {
      if (this.#closed) return;
      try {
        if (now - open.lastPost <= this.#staleMs) {
          await this.#o.recording.trigger(open.deviceId, open.siteId, 'person');
          continue;
        }
        // The camera went quiet (page closed, network gone): end at its last post.
        const row = await this.#o.repo.getEvent(id);
        this.#open.delete(id);
        if (!row || row.endedAt !== null) continue;
        const endedAt = Math.max(row.startedAt, row.track[row.track.length - 1]?.t ?? 0);
        await this.#o.repo.updateEvent(id, { endedAt });
        logger.info('stale event ended', { eventId: id, deviceId: row.deviceId });
        this.safeEmit('ended', { ...row, endedAt });
      } catch (error) {
        logger.warn('event keep-alive failed', { eventId: id, error: String(error) });
      }
    }
  }

  async #trigger(row: EventRow, since?: number): Promise<void> {
    try {
      await this.#o.recording.trigger(row.deviceId, row.siteId, row.label, since);
    } catch (error) {
      // The event is stored and notified even when recording is off or failing.
      logger.warn('recording trigger failed', { deviceId: row.deviceId, error: String(error) });
    }
  }

  #checkTime(t: number, field: string, now: number): void {
    if (Math.abs(t - now) > this.#skewMs)
      throw PorchlightError.badRequest(
        `body.${field}: more than ${Math.round(this.#skewMs / 1000)} s from the server's clock`,
      );
  }

  /** Stops the keep-alive timer. Idempotent. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#open.clear();
  }
}
