import { describe, expect, it } from 'vitest';
import { KeyedSerial } from './KeyedSerial.ts';

describe('KeyedSerial', () => {
  it('runs one key in order (a failure does not block the next), other keys meanwhile', async () => {
    const q = new KeyedSerial();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const a1 = q.run('a', async () => {
      await gate;
      log.push('a1');
      throw new Error('a1 failed');
    });
    const a2 = q.run('a', async () => void log.push('a2'));
    await q.run('b', async () => void log.push('b1'));
    expect(log).toEqual(['b1']);
    release();
    await expect(a1).rejects.toThrow('a1 failed');
    await a2;
    expect(log).toEqual(['b1', 'a1', 'a2']);
  });

  it('settled waits for every job queued so far', async () => {
    const q = new KeyedSerial();
    let done = 0;
    for (const key of ['x', 'y', 'x'])
      void q.run(key, async () => {
        await new Promise((r) => setImmediate(r));
        done++;
      });
    await q.settled();
    expect(done).toBe(3);
  });
});
