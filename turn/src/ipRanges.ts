import net from 'node:net';
import os from 'node:os';

/**
 * CIDR -> "first-last" conversion for coturn's allowed/denied-peer-ip, which in 4.6.1 only
 * accepts single addresses and a-b ranges (a CIDR is rejected with "Wrong address format").
 */

export class IpRangeError extends Error {
  override name = 'IpRangeError';
}

function v4ToBig(ip: string): bigint {
  return ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
}

function bigToV4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn)).join('.');
}

function v6ToBig(ip: string): bigint {
  const [head = '', tail] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) throw new IpRangeError(`cannot expand IPv6 address ${ip}`);
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** Canonical-enough IPv6 text: groups in hex, the longest zero run compressed to "::". */
function bigToV6(n: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((n >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/**
 * "10.0.0.0/8" -> "10.0.0.0-10.255.255.255"; "::1/128" -> "::1"; a bare address or an existing
 * "a-b" range is validated and returned as is.
 */
export function toCoturnRange(spec: string): string {
  const s = spec.trim();
  if (s.includes('-')) {
    const [a = '', b = '', ...rest] = s.split('-');
    if (rest.length || !net.isIP(a) || net.isIP(a) !== net.isIP(b)) {
      throw new IpRangeError(`bad address range "${spec}"`);
    }
    return s;
  }
  const [addr = '', bitsText] = s.split('/');
  const family = net.isIP(addr);
  if (!family) throw new IpRangeError(`bad address "${spec}"`);
  if (bitsText === undefined) return addr;
  const width = family === 4 ? 32 : 128;
  const bits = Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > width || !/^\d+$/.test(bitsText)) {
    throw new IpRangeError(`bad prefix length in "${spec}"`);
  }
  const value = family === 4 ? v4ToBig(addr) : v6ToBig(addr);
  const hostMask = (1n << BigInt(width - bits)) - 1n;
  const first = value & ~hostMask & ((1n << BigInt(width)) - 1n);
  const last = first | hostMask;
  const fmt = family === 4 ? bigToV4 : bigToV6;
  return first === last ? fmt(first) : `${fmt(first)}-${fmt(last)}`;
}

/**
 * The subnets of this host's own interfaces as CIDRs ("192.168.1.0/24", "2001:db8:1::/64"): a
 * relay must not reach the host's neighbours or its own services through them. Read at start;
 * `interfaces` is injectable for tests.
 */
export function hostSubnets(
  interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces(),
): string[] {
  const subnets = new Set<string>();
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      if (!info.cidr) continue;
      // Link-local IPv6 carries a zone ("fe80::1%eth0"); fe80::/10 is denied anyway.
      if (info.address.includes('%') || info.scopeid) continue;
      const [first] = toCoturnRange(info.cidr).split('-');
      const bits = info.cidr.split('/')[1];
      subnets.add(`${first}/${bits}`);
    }
  }
  return [...subnets];
}

/** The addresses of this host's own interfaces (what a relay must only reach on allowed ports). */
export function hostAddresses(
  interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces(),
): string[] {
  const all = Object.values(interfaces).flatMap((infos) => infos ?? []);
  return [...new Set(all.filter((i) => !i.scopeid).map((i) => i.address))];
}
