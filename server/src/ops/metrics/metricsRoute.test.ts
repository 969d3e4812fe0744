import { describe, expect, it } from 'vitest';
import { addressAllowList } from './metricsRoute.ts';

describe('addressAllowList', () => {
  it('matches IPv4 and IPv6 ranges, and IPv4-mapped IPv6 peers against IPv4 ranges', () => {
    const loopback = addressAllowList(['127.0.0.1/32', '::1/128']);
    expect(loopback('127.0.0.1')).toBe(true);
    expect(loopback('::ffff:127.0.0.1')).toBe(true);
    expect(loopback('::1')).toBe(true);
    expect(loopback('127.0.0.2')).toBe(false);
    expect(loopback('10.0.0.1')).toBe(false);
    expect(loopback('')).toBe(false);
    expect(loopback('not an address')).toBe(false);
    const lan = addressAllowList(['10.0.0.0/8', 'fd00::/8']);
    expect(lan('10.20.30.40')).toBe(true);
    expect(lan('::ffff:10.1.2.3')).toBe(true);
    expect(lan('fd12::1')).toBe(true);
    expect(lan('11.0.0.1')).toBe(false);
    expect(addressAllowList([])('127.0.0.1')).toBe(false);
  });
});
