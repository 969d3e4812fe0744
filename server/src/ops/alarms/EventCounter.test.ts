import { describe, expect, it } from 'vitest';
import { EventCounter } from './EventCounter.ts';

describe('EventCounter', () => {
  it('counts events inside a period and forgets those older than it keeps', () => {
    const c = new EventCounter({ keepMs: 1000, maxEntries: 3 });
    c.record(100);
    c.record(200);
    expect(c.count(100, 200)).toBe(1);
    expect(c.count(0, 200)).toBe(2);
    c.record(1500); // 100 and 200 are now older than keepMs
    expect(c.count(0, 2000)).toBe(1);
    for (let t = 1600; t < 1700; t += 10) c.record(t);
    expect(c.count(0, 2000)).toBe(3);
  });
});
