import { DETECTION_LIMITS, type DetectorInfo, type TrackPoint } from '@porchlight/protocol';
import type { PorchlightApi } from '@porchlight/sdk';

/** What the reporter reads of a detector event (`@porchlight/detector`'s DetectionEvent). */
export interface LocalEvent {
  localId: string;
  label: 'person';
  startedAt: number;
  endedAt: number | null;
  maxScore: number;
  zones: readonly string[];
  track: readonly TrackPoint[];
}

/** The API calls the reporter makes (PorchlightApi with the device's own token). */
export type EventsEndpoint = Pick<PorchlightApi, 'startEvent' | 'updateEvent' | 'putEventSnapshot'>;

export interface EventReporterOptions {
  api: EventsEndpoint;
  deviceId: string;
  /** How this device's detector runs; sent with each event (the settings screen shows it). */
  detector: () => DetectorInfo;
  /** Minimum time between two updates of one event (default 2000 ms): the server rate-limits. */
  updateIntervalMs?: number;
  /** Injected for tests; default `setTimeout` / `Date.now`. */
  setTimer?: (run: () => void, ms: number) => unknown;
  now?: () => number;
  /** A post failed (shown on the camera page); the event goes on with the next change. */
  onError?: (error: unknown) => void;
  /** An event was stored (tests and the page's counter). */
  onPosted?: (kind: 'started' | 'updated' | 'ended' | 'snapshot', eventId: string) => void;
}

interface Reported {
  /** Resolves with the server's id (null: the start failed, nothing more is sent). */
  eventId: Promise<string | null>;
  /** Newest track point time the server has. */
  sentUntil: number;
  sentMaxScore: number;
  sentZones: Set<string>;
  /** The newest state not sent yet (updates are coalesced). */
  pending: LocalEvent | null;
  pendingSnapshot: Blob | null;
  busy: boolean;
  lastSentAt: number;
  timer: boolean;
  ended: boolean;
  /** Failed attempts to send the end (given up after END_ATTEMPTS). */
  endFailures: number;
}

/** The end is tried this many times: an event left open on the server looks ongoing. */
const END_ATTEMPTS = 3;

/**
 * Posts a camera's detection events to the server: `startEvent` once, then coalesced updates (at
 * most one request in flight and one per `updateIntervalMs` per event; the end is never delayed
 * behind the interval) and the best snapshot. Updates carry only track points newer than the
 * last ones sent. Nothing is sent for an event before its start returned its id.
 */
export class EventReporter {
  readonly #o: Required<Omit<EventReporterOptions, 'onError' | 'onPosted'>> &
    Pick<EventReporterOptions, 'onError' | 'onPosted'>;
  readonly #events = new Map<string, Reported>();
  #closed = false;

  constructor(options: EventReporterOptions) {
    this.#o = {
      updateIntervalMs: 2000,
      setTimer: (run, ms) => setTimeout(run, ms),
      now: () => Date.now(),
      ...options,
    };
  }

  started(event: LocalEvent): void {
    if (this.#closed || this.#events.has(event.localId)) return;
    const track = event.track.slice(-DETECTION_LIMITS.trackPoints);
    const zones = [...event.zones].slice(0, DETECTION_LIMITS.zones);
    const entry: Reported = {
      eventId: this.#o.api
        .startEvent(this.#o.deviceId, {
          label: event.label,
          startedAt: Math.round(event.startedAt),
          maxScore: event.maxScore,
          zones,
          track,
          detector: this.#o.detector(),
          // Lets the server correct this device's clock offset (pre-roll from startedAt).
          sentAt: Math.round(this.#o.now()),
        })
        .then(
          ({ eventId }) => {
            this.#o.onPosted?.('started', eventId);
            return eventId;
          },
          (error: unknown) => {
            this.#o.onError?.(error);
            return null;
          },
        ),
      sentUntil: track.at(-1)?.t ?? event.startedAt,
      sentMaxScore: event.maxScore,
      sentZones: new Set(zones),
      pending: null,
      pendingSnapshot: null,
      busy: false,
      lastSentAt: this.#o.now(),
      timer: false,
      ended: false,
      endFailures: 0,
    };
    this.#events.set(event.localId, entry);
    if (event.endedAt !== null) this.updated(event);
  }

  updated(event: LocalEvent): void {
    const entry = this.#events.get(event.localId);
    if (!entry || entry.ended) return;
    entry.pending = event;
    this.#pump(event.localId, entry);
  }

  ended(event: LocalEvent): void {
    this.updated(event);
  }

  snapshot(event: LocalEvent, jpeg: Blob): void {
    const entry = this.#events.get(event.localId);
    if (!entry || jpeg.size > DETECTION_LIMITS.snapshotBytes) return;
    entry.pendingSnapshot = jpeg;
    this.#pump(event.localId, entry);
  }

  /** Stops sending (pending updates are dropped); idempotent. */
  close(): void {
    this.#closed = true;
  }

  #pump(localId: string, entry: Reported): void {
    if (this.#closed || entry.busy || entry.timer) return;
    const event = entry.pending;
    const closing = event?.endedAt !== null && event !== null;
    const wait = entry.lastSentAt + this.#o.updateIntervalMs - this.#o.now();
    if (event && !closing && wait > 0 && entry.pendingSnapshot === null) {
      entry.timer = true;
      this.#o.setTimer(() => {
        entry.timer = false;
        this.#pump(localId, entry);
      }, wait);
      return;
    }
    if (!event && entry.pendingSnapshot === null) return;
    entry.busy = true;
    void this.#send(entry).finally(() => {
      entry.busy = false;
      if (entry.ended && entry.pendingSnapshot === null) this.#events.delete(localId);
      else this.#pump(localId, entry);
    });
  }

  async #send(entry: Reported): Promise<void> {
    const eventId = await entry.eventId;
    if (eventId === null) {
      entry.pending = null;
      entry.pendingSnapshot = null;
      entry.ended = true;
      return;
    }
    const { api, deviceId } = this.#o;
    const snapshot = entry.pendingSnapshot;
    if (snapshot) {
      entry.pendingSnapshot = null;
      try {
        await api.putEventSnapshot(deviceId, eventId, snapshot);
        this.#o.onPosted?.('snapshot', eventId);
      } catch (error) {
        this.#o.onError?.(error);
      }
    }
    const event = entry.pending;
    if (!event) return;
    entry.pending = null;
    entry.lastSentAt = this.#o.now();
    const track = event.track.filter((p) => p.t > entry.sentUntil);
    const zones = event.zones.filter((z) => !entry.sentZones.has(z));
    const patch = {
      ...(track.length > 0 ? { track: track.slice(-DETECTION_LIMITS.trackPoints) } : {}),
      ...(event.maxScore > entry.sentMaxScore ? { maxScore: event.maxScore } : {}),
      ...(zones.length > 0 ? { zones: zones.slice(0, DETECTION_LIMITS.zones) } : {}),
      ...(event.endedAt !== null ? { endedAt: Math.round(event.endedAt) } : {}),
    };
    if (Object.keys(patch).length === 0) return;
    try {
      await api.updateEvent(deviceId, eventId, patch);
      entry.sentUntil = track.at(-1)?.t ?? entry.sentUntil;
      entry.sentMaxScore = Math.max(entry.sentMaxScore, event.maxScore);
      zones.forEach((z) => entry.sentZones.add(z));
      if (event.endedAt !== null) entry.ended = true;
      this.#o.onPosted?.(event.endedAt !== null ? 'ended' : 'updated', eventId);
    } catch (error) {
      this.#o.onError?.(error);
      // The end must reach the server or the event stays open there: try again (a few times).
      if (event.endedAt !== null && entry.pending === null) {
        entry.endFailures += 1;
        if (entry.endFailures < END_ATTEMPTS) entry.pending = event;
        else entry.ended = true;
      }
    }
  }
}
