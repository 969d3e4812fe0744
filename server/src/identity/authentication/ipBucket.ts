import { isIPv4, isIPv6 } from 'node:net';

/**
 * The key a client address is rate limited under. IPv4 addresses count one by one; IPv6 ones by
 * their /64, because a single host usually controls a whole /64 and could otherwise rotate
 * through 2^64 addresses. IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is the IPv4 address.
 */
export function ipBucket(ip: string): string {
  const address = ip.trim().toLowerCase().replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  if (isIPv4(address)) return address;
  if (isIPv6(address)) return `${ipv6Groups(address).slice(0, 4).join(':')}::/64`;
  // Not an address (a proxy misconfiguration?): still limit it, under a bounded key.
  return address.slice(0, 64);
}

/** The eight groups of a valid IPv6 address, canonical hex. */
function ipv6Groups(address: string): string[] {
  const split = (part: string): string[] =>
    part === '' ? [] : part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g]));
  const [head = '', tail] = address.split('::');
  const h = split(head);
  const t = tail === undefined ? [] : split(tail);
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.map((g) => parseInt(g, 16).toString(16));
}
