/**
 * Runs async tasks one at a time, in order. Media operations go through one of these so a media
 * reset, a reconnect and a user's publish() never interleave half-way through each other.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  push<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task, task);
    // The chain must survive a failed task; the caller still sees its rejection via `run`.
    this.tail = run.catch(() => undefined);
    return run;
  }
}
