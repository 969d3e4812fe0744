import dns from 'node:dns';
import net from 'node:net';

/** Loopback, private, link-local and unique-local ranges: no push service lives there. */
const PRIVATE = new net.BlockList();
for (const [a, p] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const)
  PRIVATE.addSubnet(a, p, 'ipv4');
for (const [a, p] of [
  ['::1', 128],
  ['::', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const)
  PRIVATE.addSubnet(a, p, 'ipv6');

/** Whether an IP address (v4, v6 or v4-mapped v6) is loopback, private or link-local. */
export function isPrivateAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
  const kind = net.isIP(ip);
  if (kind === 0) return false;
  return PRIVATE.check(ip, kind === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Whether an endpoint names this machine or a private network by a literal address or
 * `localhost`: the server would POST there on a person's behalf (server-side request forgery).
 * Names are checked after resolution by `resolvesToPrivate` and, at send time, `guardedLookup`.
 */
export function isPrivateEndpoint(endpoint: string): boolean {
  const host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return isPrivateAddress(host);
}

export type LookupAll = (host: string) => Promise<{ address: string }[]>;

const lookupAll: LookupAll = (host) => dns.promises.lookup(host, { all: true });

/**
 * Whether the endpoint's host name resolves to any private address (a public-looking name that
 * points home). A name that does not resolve now is not refused: nothing can be sent to it, and
 * the send-time lookup checks again.
 */
export async function resolvesToPrivate(
  endpoint: string,
  lookup: LookupAll = lookupAll,
): Promise<boolean> {
  const host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host) !== 0) return isPrivateAddress(host);
  try {
    return (await lookup(host)).some((a) => isPrivateAddress(a.address));
  } catch {
    return false;
  }
}

/**
 * A `lookup` for https.request that refuses private addresses, so a name that resolved to a
 * public address at subscribe time and to a private one later (DNS rebinding) is still refused.
 */
export const guardedLookup: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 4);
    const list = addresses;
    const bad = list.find((a) => isPrivateAddress(a.address));
    if (bad || list.length === 0) {
      const e: NodeJS.ErrnoException = new Error('push endpoint resolves to a private address');
      e.code = 'EPRIVATE';
      return callback(e, '', 4);
    }
    if (options.all) return callback(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
};
