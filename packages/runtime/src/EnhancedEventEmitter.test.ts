import { afterEach, describe, expect, it } from 'vitest';
import { EnhancedEventEmitter } from './EnhancedEventEmitter.ts';
import { setLogSink } from './logging/Logger.ts';

type Events = { ping: [n: number]; done: [] };

describe('EnhancedEventEmitter', () => {
  afterEach(() => setLogSink(undefined));

  it('delivers typed arguments', () => {
    const e = new EnhancedEventEmitter<Events>();
    const got: number[] = [];
    e.on('ping', (n) => got.push(n));
    e.once('ping', (n) => got.push(n * 10));
    e.safeEmit('ping', 1);
    e.safeEmit('ping', 2);
    expect(got).toEqual([1, 10, 2]);
  });

  it('safeEmit logs a throwing listener (with its stack) instead of throwing', () => {
    const errors: string[] = [];
    setLogSink({ out: { write: () => undefined }, err: { write: (l: string) => errors.push(l) } });
    const e = new EnhancedEventEmitter<Events>();
    e.on('done', () => {
      throw new Error('listener bug');
    });
    expect(() => e.safeEmit('done')).not.toThrow();
    expect(errors).toHaveLength(1);
    expect(JSON.parse(errors[0]!)).toMatchObject({
      level: 'error',
      name: 'EnhancedEventEmitter',
      msg: 'listener of "done" threw',
      error: { message: 'listener bug', stack: expect.stringContaining('Error: listener bug') },
    });
  });
});
