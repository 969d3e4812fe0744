import { Unwrapper } from './RtpPacket.ts';

/**
 * Maps one RTP stream's media clock to the wall clock. Each packet gives a bound
 * `arrival − rtp/rate`; network and pacing delays only ever add to it, so the lowest bound seen
 * (the lower envelope) is the jitter-free offset: the capture clock plus the smallest transit.
 */
export class MediaClock {
  readonly rate: number;
  readonly #unwrap = new Unwrapper(32);
  #offsetMs = Number.POSITIVE_INFINITY;

  constructor(rate: number) {
    this.rate = rate;
  }

  /** Extends a 32-bit timestamp (wraps handled). */
  extend(timestamp: number): number {
    return this.#unwrap.unwrap(timestamp);
  }

  /** Records a packet's arrival; returns its extended timestamp. */
  observe(timestamp: number, arrivedAt: number): number {
    const ext = this.extend(timestamp);
    const offset = arrivedAt - (ext * 1000) / this.rate;
    if (offset < this.#offsetMs) this.#offsetMs = offset;
    return ext;
  }

  get known(): boolean {
    return Number.isFinite(this.#offsetMs);
  }

  /** Wall-clock time (ms) of an extended timestamp. */
  toWall(ext: number): number {
    return (ext * 1000) / this.rate + this.#offsetMs;
  }
}
