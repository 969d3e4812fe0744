/**
 * Times of events (worker deaths, failed queries, failed pushes) kept for a bounded window so a
 * rule can count those inside its period. Old entries are dropped as new ones arrive; at most
 * `maxEntries` are kept so a storm of failures cannot grow memory without bound.
 */
export class EventCounter {
  readonly #times: number[] = [];
  readonly #keepMs: number;
  readonly #maxEntries: number;

  constructor(o: { keepMs: number; maxEntries?: number }) {
    this.#keepMs = o.keepMs;
    this.#maxEntries = o.maxEntries ?? 10_000;
  }

  record(at: number): void {
    this.#times.push(at);
    const horizon = at - this.#keepMs;
    while (this.#times.length > 0 && this.#times[0]! < horizon) this.#times.shift();
    if (this.#times.length > this.#maxEntries)
      this.#times.splice(0, this.#times.length - this.#maxEntries);
  }

  /** Events with from < time <= to. */
  count(from: number, to: number): number {
    let n = 0;
    for (const t of this.#times) if (t > from && t <= to) n++;
    return n;
  }
}
