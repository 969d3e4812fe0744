import type { RtpPacket } from './RtpPacket.ts';

export interface ReorderOptions {
  /** Packets held while waiting for a missing one (default 128: a 720p keyframe at 1-2 Mbps). */
  maxPackets?: number;
  /** How long a hole may hold back later packets before it is declared lost (default 60 ms). */
  maxDelayMs?: number;
}

export interface Ordered {
  packet: RtpPacket;
  /** Extended (unwrapped) sequence number. */
  seq: number;
  arrivedAt: number;
}

/**
 * Puts one SSRC's packets back in sequence order. Late packets already passed over and duplicates
 * are dropped (counted). A hole is waited for until it is `maxDelayMs` old or `maxPackets` wait
 * behind it; then it is skipped and the consumer sees the gap in the sequence numbers.
 */
export class ReorderBuffer {
  readonly #maxPackets: number;
  readonly #maxDelayMs: number;
  readonly #held = new Map<number, Ordered>();
  /** Next extended sequence number to emit. */
  #next: number | undefined;
  #highest = 0;
  #oldestWaitingSince = Number.POSITIVE_INFINITY;
  /** Arrival of the first packet: the start is held back too, as earlier ones may still come. */
  #firstArrival: number | undefined;
  dropped = 0;

  constructor(o: ReorderOptions = {}) {
    this.#maxPackets = o.maxPackets ?? 128;
    this.#maxDelayMs = o.maxDelayMs ?? 60;
  }

  /** Adds a packet; returns the packets now in order (possibly none). */
  push(packet: RtpPacket, arrivedAt: number): Ordered[] {
    const seq = this.#extend(packet.sequenceNumber);
    if (this.#next === undefined) {
      this.#next = seq;
      this.#firstArrival = arrivedAt;
    }
    if (this.#firstArrival !== undefined && seq < this.#next) this.#next = seq;
    // The common case, in order with nothing held: no buffering at all.
    if (seq === this.#next && this.#held.size === 0 && this.#firstArrival === undefined) {
      this.#next = seq + 1;
      return [{ packet, seq, arrivedAt }];
    }
    if (seq < this.#next || this.#held.has(seq)) {
      this.dropped++;
      return [];
    }
    // A jump far ahead (a restarted sender) would make everything between look lost: resync.
    if (seq - this.#next > 0x7fff) {
      const out = this.flush();
      this.#next = seq;
      this.#held.set(seq, { packet, seq, arrivedAt });
      return [...out, ...this.#drain(arrivedAt)];
    }
    this.#held.set(seq, { packet, seq, arrivedAt });
    return this.#drain(arrivedAt);
  }

  /** Everything still held, in order, holes skipped (end of stream). */
  flush(): Ordered[] {
    const out = [...this.#held.values()].sort((a, b) => a.seq - b.seq);
    this.#held.clear();
    this.#firstArrival = undefined;
    const last = out[out.length - 1];
    if (last) this.#next = last.seq + 1;
    this.#oldestWaitingSince = Number.POSITIVE_INFINITY;
    return out;
  }

  #drain(now: number): Ordered[] {
    const out: Ordered[] = [];
    if (this.#firstArrival !== undefined) {
      const waited = now - this.#firstArrival;
      if (waited < this.#maxDelayMs && this.#held.size < this.#maxPackets) return out;
      this.#firstArrival = undefined;
    }
    for (;;) {
      const at = this.#held.get(this.#next!);
      if (at) {
        this.#held.delete(at.seq);
        out.push(at);
        this.#next = at.seq + 1;
        continue;
      }
      if (this.#held.size === 0) break;
      let oldest = Number.POSITIVE_INFINITY;
      let lowest = Number.POSITIVE_INFINITY;
      for (const h of this.#held.values()) {
        oldest = Math.min(oldest, h.arrivedAt);
        lowest = Math.min(lowest, h.seq);
      }
      this.#oldestWaitingSince = oldest;
      if (this.#held.size < this.#maxPackets && now - oldest < this.#maxDelayMs) break;
      // Give up on the hole: continue at the lowest packet held.
      this.#next = lowest;
    }
    if (this.#held.size === 0) this.#oldestWaitingSince = Number.POSITIVE_INFINITY;
    return out;
  }

  /** Packets released by time alone (call when no packet arrived for a while). */
  poll(now: number): Ordered[] {
    if (this.#firstArrival !== undefined) return this.#drain(now);
    if (now - this.#oldestWaitingSince < this.#maxDelayMs) return [];
    return this.#drain(now);
  }

  #extend(seq16: number): number {
    if (this.#next === undefined) {
      this.#highest = seq16;
      return seq16;
    }
    const low = this.#highest & 0xffff;
    let delta = seq16 - low;
    if (delta > 0x8000) delta -= 0x10000;
    else if (delta < -0x8000) delta += 0x10000;
    const extended = this.#highest + delta;
    if (extended > this.#highest) this.#highest = extended;
    return extended;
  }
}
