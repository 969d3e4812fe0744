import { CHECKPOINT_HOUR, type UsageRollup } from '../../store/repositories/UsageRepository.ts';
import { hourSlices } from './hours.ts';

/** Checkpoint dimensions: bytes stored, when they were integrated to, the byte-ms not yet billed. */
export const STORED_BYTES = '@storedBytes';
export const STORED_AT = '@storedAt';
export const STORED_REMAINDER = '@storedRemainderMs';

interface StreamState {
  siteId: string;
  deviceId: string;
  bytes: bigint;
  /** Integrated up to here (unix ms). */
  at: number;
  /** Byte-milliseconds integrated but not yet emitted as whole byte-seconds (< 1000). */
  remainder: bigint;
  /** Byte-milliseconds per hour since the last `collect`. */
  hours: Map<number, bigint>;
}

/**
 * Stored bytes integrated over time, exactly: each change of a stream's stored bytes (a segment
 * written or deleted) first integrates the previous amount up to that instant, so the integral is
 * a sum of rectangles between events, not samples. Integer byte-milliseconds throughout; whole
 * byte-seconds are emitted per hour and the sub-second rest is carried (and checkpointed), so the
 * emitted total is always floor(integral / 1000).
 */
export class StorageIntegral {
  readonly #streams = new Map<string, StreamState>();

  /** Restores checkpoints written by a previous run: the gap since is integrated at the old size. */
  restore(rows: readonly UsageRollup[]): void {
    for (const r of rows) {
      if (r.hour !== CHECKPOINT_HOUR) continue;
      const s = this.#state(r.siteId, r.deviceId, Number.NaN);
      if (r.dimension === STORED_BYTES) s.bytes = BigInt(r.quantity);
      else if (r.dimension === STORED_AT) s.at = Number(r.quantity);
      else if (r.dimension === STORED_REMAINDER) s.remainder = BigInt(r.quantity);
    }
    for (const [key, s] of this.#streams) if (Number.isNaN(s.at)) this.#streams.delete(key);
  }

  /** Forgets every stream (another node integrates them now, or a takeover restores them). */
  clear(): void {
    this.#streams.clear();
  }

  /** The stream now stores `bytes` (as of `at`). */
  set(siteId: string, deviceId: string, bytes: number, at: number): void {
    const s = this.#state(siteId, deviceId, at);
    this.#integrate(s, at);
    s.bytes = BigInt(bytes);
  }

  /** Integrates every stream up to `now`; returns the byte-second rows and the checkpoint rows. */
  collect(now: number): UsageRollup[] {
    const rows: UsageRollup[] = [];
    for (const s of this.#streams.values()) {
      this.#integrate(s, now);
      const row = (hour: number, dimension: string, quantity: bigint | number): UsageRollup => ({
        hour,
        siteId: s.siteId,
        deviceId: s.deviceId,
        dimension,
        quantity: String(quantity),
      });
      for (const hour of [...s.hours.keys()].sort((a, b) => a - b)) {
        const total = s.remainder + (s.hours.get(hour) ?? 0n);
        s.remainder = total % 1000n;
        if (total >= 1000n) rows.push(row(hour, 'storedByteSeconds', total / 1000n));
      }
      s.hours.clear();
      rows.push(
        row(CHECKPOINT_HOUR, STORED_BYTES, s.bytes),
        row(CHECKPOINT_HOUR, STORED_AT, s.at),
        row(CHECKPOINT_HOUR, STORED_REMAINDER, s.remainder),
      );
    }
    return rows;
  }

  #state(siteId: string, deviceId: string, at: number): StreamState {
    const key = `${siteId}\u0000${deviceId}`;
    let s = this.#streams.get(key);
    if (!s) {
      s = { siteId, deviceId, bytes: 0n, at, remainder: 0n, hours: new Map() };
      this.#streams.set(key, s);
    }
    return s;
  }

  #integrate(s: StreamState, to: number): void {
    // A clock that stepped back integrates nothing and keeps the later instant.
    if (!(to > s.at)) return;
    if (s.bytes > 0n) {
      for (const [hour, ms] of hourSlices(s.at, to)) {
        s.hours.set(hour, (s.hours.get(hour) ?? 0n) + s.bytes * BigInt(ms));
      }
    }
    s.at = to;
  }
}
