import { LiveStream } from './LiveStream.ts';

/**
 * Every device's live edge (LL-HLS parts), in memory. The recording of a device feeds its
 * `LiveStream`; playback reads it. An entry exists while something feeds or waits on it.
 */
export class LiveParts {
  readonly #streams = new Map<string, LiveStream>();
  readonly #options: ConstructorParameters<typeof LiveStream>[0];

  /** Options of every device's LiveStream (defaults there). */
  constructor(o: ConstructorParameters<typeof LiveStream>[0] = {}) {
    this.#options = o;
  }

  /** The device's live edge, created empty on first use. */
  of(deviceId: string): LiveStream {
    let s = this.#streams.get(deviceId);
    if (!s) {
      s = new LiveStream(this.#options);
      this.#streams.set(deviceId, s);
    }
    return s;
  }

  /** The device's recording stopped: its parts go (blocked requests wake and find nothing). */
  drop(deviceId: string): void {
    const s = this.#streams.get(deviceId);
    this.#streams.delete(deviceId);
    s?.clear();
  }
}
