import { EventEmitter } from 'node:events';
import { createLogger } from './logging/Logger.ts';

const logger = createLogger('EnhancedEventEmitter');

/** Event map: event name -> argument tuple. */
export type Events = Record<string, unknown[]>;

/**
 * A typed EventEmitter whose `safeEmit` never lets a throwing listener propagate into the
 * emitter (a bad listener must not take a worker or room down).
 */
export class EnhancedEventEmitter<E extends Events = Events> extends EventEmitter {
  constructor() {
    super();
    this.setMaxListeners(Infinity);
  }

  safeEmit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    try {
      return super.emit(event, ...args);
    } catch (error) {
      logger.error(`listener of "${event}" threw`, { error });
      return true;
    }
  }

  override on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  override once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    return super.once(event, listener as (...args: unknown[]) => void);
  }

  override off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    return super.off(event, listener as (...args: unknown[]) => void);
  }
}
