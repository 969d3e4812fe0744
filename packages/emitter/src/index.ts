/**
 * A tiny typed event emitter. The event map gives each event's argument tuple, so `on` and
 * `safeEmit` are checked against each other. Browser-safe (no Node `events`).
 */

export type EventMap = { [event: string]: unknown[] };
export type Listener<Args extends unknown[]> = (...args: Args) => void;

/** Called with errors thrown by listeners; the default logs them. */
export type ListenerErrorHandler = (event: string, error: unknown) => void;

const logListenerError: ListenerErrorHandler = (event, error) => {
  console.error(`[porchlight] listener of "${event}" threw`, error);
};

export class TypedEmitter<E extends { [K in keyof E]: unknown[] }> {
  // Stored untyped: the map cannot express "the set for K holds listeners of E[K]"; on/off/emit
  // are the only accessors and are typed per event.
  private readonly listeners = new Map<keyof E, Set<unknown>>();

  constructor(private readonly onListenerError: ListenerErrorHandler = logListenerError) {}

  /** Adds a listener; returns a function that removes it (handy in effect cleanups). */
  on<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => this.off(event, listener);
  }

  /** Adds a listener that runs once. */
  once<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    const off = this.on(event, ((...args: E[K]) => {
      off();
      listener(...args);
    }) as Listener<E[K]>);
    return off;
  }

  off<K extends keyof E>(event: K, listener: Listener<E[K]>): void {
    this.listeners.get(event)?.delete(listener);
  }

  listenerCount<K extends keyof E>(event: K): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  removeAllListeners(): void {
    this.listeners.clear();
  }

  /**
   * Calls every listener; one throwing neither stops the others nor reaches the emitter, whose
   * own state machine must not be broken by application code.
   */
  protected safeEmit<K extends keyof E>(event: K, ...args: E[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    // Copy: listeners may remove themselves (once) while we iterate.
    for (const listener of [...set]) {
      try {
        (listener as Listener<E[K]>)(...args);
      } catch (error) {
        this.onListenerError(String(event), error);
      }
    }
  }
}
