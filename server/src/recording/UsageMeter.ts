import { createLogger, EnhancedEventEmitter } from '@porchlight/runtime';
import type { RecordingIndex, UsageDelta } from './index/RecordingIndex.ts';

const logger = createLogger('UsageMeter');

function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** What a playback response was: HLS (playlists, init, segments, parts) or a download. */
export type ServedKind = 'hls' | 'download';

export type UsageMeterEvents = {
  /** Bytes sent to a player (usage metering in server/src/ops/usage listens). */
  served: [deviceId: string, siteId: string, bytes: number, kind: ServedKind];
};

/**
 * Per-stream counters for metering: bytes ingested (RTP into the recorder), bytes served over
 * HLS/clips/snapshots, and stored bytes integrated over time (byte-seconds). Counted in memory
 * and added to the daily rows on `flush` (periodically and at shutdown), so a request never
 * waits on a counter write.
 */
export class UsageMeter extends EnhancedEventEmitter<UsageMeterEvents> {
  readonly #index: RecordingIndex;
  readonly #now: () => number;
  readonly #pending = new Map<string, { siteId: string; delta: Required<UsageDelta> }>();
  #lastStoredSample: number;

  constructor(index: RecordingIndex, now: () => number) {
    super();
    this.#index = index;
    this.#now = now;
    this.#lastStoredSample = now();
  }

  #entry(deviceId: string, siteId: string): Required<UsageDelta> {
    let e = this.#pending.get(deviceId);
    if (!e) {
      e = { siteId, delta: { bytesIngested: 0, bytesServed: 0, storedByteSeconds: 0 } };
      this.#pending.set(deviceId, e);
    }
    return e.delta;
  }

  ingested(deviceId: string, siteId: string, bytes: number): void {
    this.#entry(deviceId, siteId).bytesIngested += bytes;
  }

  served(deviceId: string, siteId: string, bytes: number, kind: ServedKind): void {
    this.#entry(deviceId, siteId).bytesServed += bytes;
    this.safeEmit('served', deviceId, siteId, bytes, kind);
  }

  /** Integrates each stream's stored bytes since the previous sample. */
  async sampleStored(): Promise<void> {
    const now = this.#now();
    const seconds = (now - this.#lastStoredSample) / 1000;
    this.#lastStoredSample = now;
    for (const stream of await this.#index.listStreams()) {
      const totals = await this.#index.streamTotals(stream.deviceId);
      this.#entry(stream.deviceId, stream.siteId).storedByteSeconds += totals.storedBytes * seconds;
    }
  }

  /** Moves the sampling baseline to now without counting (another node sampled this time). */
  skipStoredSample(): void {
    this.#lastStoredSample = this.#now();
  }

  async flush(): Promise<void> {
    const day = dayOf(this.#now());
    const pending = [...this.#pending];
    this.#pending.clear();
    for (const [deviceId, { siteId, delta }] of pending) {
      try {
        await this.#index.addUsage(deviceId, siteId, day, delta);
      } catch (error) {
        logger.warn('usage flush failed', { deviceId, error: String(error) });
      }
    }
  }
}
