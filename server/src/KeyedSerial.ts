/**
 * Runs jobs one after another per key (jobs of different keys run concurrently): each job starts
 * once every earlier job of its key settled, failed ones included. Keys with nothing queued are
 * forgotten, so the map stays as small as the work in flight.
 */
export class KeyedSerial {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, job: () => Promise<T>): Promise<T> {
    const run = (this.#tails.get(key) ?? Promise.resolve()).then(job, job);
    const tail = run.catch(() => undefined);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return run;
  }

  /** Resolves when every job queued so far has settled. */
  async settled(): Promise<void> {
    await Promise.all(this.#tails.values());
  }
}
