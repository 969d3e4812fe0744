import { describe, expect, it } from 'vitest';
import { SerialQueue } from './queue.ts';
import { retryTransient } from './retry.ts';
import { PorchlightError } from './errors.ts';

describe('SerialQueue', () => {
  it('runs tasks one at a time in order, even after failures', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const slow = queue.push(async () => {
      log.push('a:start');
      await new Promise((r) => setTimeout(r, 10));
      log.push('a:end');
      return 'a';
    });
    const failing = queue.push(async () => {
      log.push('b');
      throw new Error('b failed');
    });
    const last = queue.push(async () => {
      log.push('c');
      return 'c';
    });
    await expect(slow).resolves.toBe('a');
    await expect(failing).rejects.toThrow('b failed');
    await expect(last).resolves.toBe('c');
    expect(log).toEqual(['a:start', 'a:end', 'b', 'c']);
  });
});

describe('retryTransient', () => {
  const fast = { initialDelayMs: 1, maxDelayMs: 2, multiplier: 2, jitter: 0, maxAttempts: 3 };

  it('retries UNAVAILABLE until success', async () => {
    let calls = 0;
    const result = await retryTransient(async () => {
      calls++;
      if (calls < 3) throw new PorchlightError('UNAVAILABLE', 'rebuilding');
      return 'ok';
    }, fast);
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('does not retry other errors', async () => {
    let calls = 0;
    await expect(
      retryTransient(async () => {
        calls++;
        throw new PorchlightError('FORBIDDEN', 'no');
      }, fast),
    ).rejects.toThrow('no');
    expect(calls).toBe(1);
  });

  it('gives up after maxAttempts retries', async () => {
    let calls = 0;
    await expect(
      retryTransient(async () => {
        calls++;
        throw new PorchlightError('RATE_LIMITED', 'slow down');
      }, fast),
    ).rejects.toThrow('slow down');
    expect(calls).toBe(4);
  });
});
