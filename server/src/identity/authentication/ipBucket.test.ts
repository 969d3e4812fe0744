import { describe, expect, it } from 'vitest';
import { ipBucket } from './ipBucket.ts';

describe('ipBucket', () => {
  it('keys IPv4 addresses individually, including IPv4-mapped IPv6', () => {
    expect(ipBucket('203.0.113.7')).toBe('203.0.113.7');
    expect(ipBucket('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(ipBucket('203.0.113.8')).not.toBe(ipBucket('203.0.113.7'));
  });

  it('keys IPv6 addresses by their /64', () => {
    const a = ipBucket('2001:db8:1:2:aaaa::1');
    expect(a).toBe('2001:db8:1:2::/64');
    expect(ipBucket('2001:0DB8:0001:0002:ffff:ffff:ffff:ffff')).toBe(a);
    expect(ipBucket('2001:db8:1:3::1')).not.toBe(a);
    expect(ipBucket('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(ipBucket('::1')).toBe('0:0:0:0::/64');
  });

  it('bounds keys that are not addresses', () => {
    expect(ipBucket('x'.repeat(500))).toHaveLength(64);
  });
});
