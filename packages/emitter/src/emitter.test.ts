import { describe, expect, it, vi } from 'vitest';
import { TypedEmitter } from './index.ts';

type Events = { ping: [n: number]; done: [] };

class Pinger extends TypedEmitter<Events> {
  emitPing(n: number): void {
    this.safeEmit('ping', n);
  }
}

describe('TypedEmitter', () => {
  it('delivers to listeners and unsubscribes with the returned function', () => {
    const pinger = new Pinger();
    const seen: number[] = [];
    const off = pinger.on('ping', (n) => seen.push(n));
    pinger.emitPing(1);
    off();
    pinger.emitPing(2);
    expect(seen).toEqual([1]);
    expect(pinger.listenerCount('ping')).toBe(0);
  });

  it('runs once-listeners once', () => {
    const pinger = new Pinger();
    const listener = vi.fn();
    pinger.once('ping', listener);
    pinger.emitPing(1);
    pinger.emitPing(2);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('keeps calling other listeners when one throws, and reports the error', () => {
    const onError = vi.fn();
    class Quiet extends TypedEmitter<Events> {
      constructor() {
        super(onError);
      }
      fire(): void {
        this.safeEmit('ping', 7);
      }
    }
    const quiet = new Quiet();
    const after = vi.fn();
    quiet.on('ping', () => {
      throw new Error('boom');
    });
    quiet.on('ping', after);
    quiet.fire();
    expect(after).toHaveBeenCalledWith(7);
    expect(onError).toHaveBeenCalledWith('ping', expect.any(Error));
  });
});
