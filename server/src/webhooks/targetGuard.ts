import net from 'node:net';

/**
 * Addresses a webhook must never reach unless `webhooks.allowPrivateTargets` is on: this
 * machine, private networks and anything that is not one unicast host on the internet.
 */
const BLOCKED = new net.BlockList();
for (const [a, p] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  BLOCKED.addSubnet(a, p, 'ipv4');
for (const [a, p] of [
  ['::', 128], // unspecified
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // deprecated site-local
  ['ff00::', 8], // multicast
  ['100::', 64], // discard
] as const)
  BLOCKED.addSubnet(a, p, 'ipv6');

/** The IPv4 address embedded in IPv4-mapped, IPv4-compatible, NAT64 or 6to4 IPv6, if any. */
function embeddedIpv4(ip: string): string | null {
  const bytes = ipv6Bytes(ip);
  if (!bytes) return null;
  const v4 = (o: number) => `${bytes[o]}.${bytes[o + 1]}.${bytes[o + 2]}.${bytes[o + 3]}`;
  const zero = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated)
  if (zero(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return v4(12);
  if (zero(0, 12) && !zero(12, 16)) return v4(12);
  // 64:ff9b::a.b.c.d (NAT64 well-known prefix)
  if (bytes[0] === 0 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zero(4, 12))
    return v4(12);
  // 2002:a.b.c.d::/48 (6to4)
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return v4(2);
  return null;
}

/** The 16 bytes of an IPv6 address (accepts a dotted IPv4 tail), null when not one. */
function ipv6Bytes(ip: string): number[] | null {
  if (net.isIPv6(ip) === false) return null;
  let s = ip;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (tail) {
    const [a, b, c, d] = tail[1]!.split('.').map(Number) as [number, number, number, number];
    s =
      s.slice(0, -tail[1]!.length) +
      `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const r = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const groups = rest === undefined ? h : [...h, ...Array(8 - h.length - r.length).fill('0'), ...r];
  if (groups.length !== 8) return null;
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

/**
 * Whether an IP literal (v4, v6, v4-mapped v6, bracketed or not) is loopback, private,
 * link-local, CGNAT, multicast, unspecified or reserved. Not an IP at all: false.
 */
export function isBlockedAddress(address: string): boolean {
  const ip = address
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/%.*$/, '');
  const kind = net.isIP(ip);
  if (kind === 4) return BLOCKED.check(ip, 'ipv4');
  if (kind !== 6) return false;
  const v4 = embeddedIpv4(ip);
  if (v4 !== null && BLOCKED.check(v4, 'ipv4')) return true;
  return BLOCKED.check(ip, 'ipv6');
}

/** The URL's host without brackets, as the WHATWG parser normalised it (127.1 -> 127.0.0.1). */
export function targetHost(url: string): string {
  return new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/** Names that mean this machine whatever DNS says. */
export function isLocalName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local');
}
