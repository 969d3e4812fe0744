import net from 'node:net';
import forge from 'node-forge';

/** OID of the X.509 nameConstraints extension (RFC 5280 4.2.1.10). */
export const NAME_CONSTRAINTS_OID = '2.5.29.30';

/**
 * What the local CA may sign for: names and address ranges that only ever mean "this network",
 * plus the box's own configured names/addresses. A leaked CA key then cannot impersonate any
 * public site to a phone that trusts it (browsers and OpenSSL enforce name constraints).
 */
const PRIVATE_DNS = ['localhost', 'local', 'home.arpa', 'internal'];
const PRIVATE_CIDRS = [
  '127.0.0.0/8',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  // Carrier-grade NAT range, also what Tailscale-style overlays hand out.
  '100.64.0.0/10',
  '169.254.0.0/16',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
];

export interface PermittedNames {
  /** DNS subtrees: a name permits itself and every subdomain. */
  dns: string[];
  /** Address ranges as CIDR. */
  cidrs: string[];
}

/** The subtrees a new CA permits for `hosts`: the private ones, plus each host not already covered. */
export function permittedFor(hosts: string[]): PermittedNames {
  const base: PermittedNames = { dns: [...PRIVATE_DNS], cidrs: [...PRIVATE_CIDRS] };
  for (const h of hosts) {
    if (permits(base, h)) continue;
    if (net.isIPv4(h)) base.cidrs.push(`${h}/32`);
    else if (net.isIPv6(h)) base.cidrs.push(`${h}/128`);
    else base.dns.push(h.toLowerCase());
  }
  return base;
}

/** Whether `host` (a DNS name or an IP literal) falls inside the permitted subtrees. */
export function permits(p: PermittedNames, host: string): boolean {
  if (net.isIP(host)) {
    const addr = ipBytes(host);
    return p.cidrs.some((c) => {
      const [range, bits] = splitCidr(c);
      return range.length === addr.length && prefixMatches(addr, range, bits);
    });
  }
  const name = host.toLowerCase();
  return p.dns.some((d) => name === d || name.endsWith(`.${d}`));
}

/** The extension's DER value (NameConstraints with permittedSubtrees only). */
export function nameConstraintsDer(p: PermittedNames): string {
  const { asn1 } = forge;
  const subtree = (tag: number, bytes: string): forge.asn1.Asn1 =>
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, false, bytes),
    ]);
  const subtrees = [
    ...p.dns.map((d) => subtree(2, d)),
    ...p.cidrs.map((c) => {
      const [range, bits] = splitCidr(c);
      return subtree(7, toBinary(range) + toBinary(maskBytes(range.length, bits)));
    }),
  ];
  const value = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, subtrees),
  ]);
  return asn1.toDer(value).getBytes();
}

/** Reads back the permitted subtrees of a CA certificate; undefined when it has none. */
export function readNameConstraints(cert: forge.pki.Certificate): PermittedNames | undefined {
  const ext = (cert.extensions as { id?: string; value?: unknown }[]).find(
    (e) => e.id === NAME_CONSTRAINTS_OID,
  );
  if (typeof ext?.value !== 'string') return undefined;
  const root = forge.asn1.fromDer(ext.value);
  const permitted = (root.value as forge.asn1.Asn1[]).find(
    (v) => v.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && v.type === 0,
  );
  const out: PermittedNames = { dns: [], cidrs: [] };
  for (const sub of (permitted?.value ?? []) as forge.asn1.Asn1[]) {
    const name = (sub.value as forge.asn1.Asn1[])[0];
    if (!name || typeof name.value !== 'string') continue;
    if (name.type === 2) out.dns.push(name.value);
    if (name.type === 7) {
      const bytes = fromBinary(name.value);
      const half = bytes.length / 2;
      const range = bytes.subarray(0, half);
      out.cidrs.push(`${formatIp(range)}/${countBits(bytes.subarray(half))}`);
    }
  }
  return out;
}

function splitCidr(c: string): [Uint8Array, number] {
  const slash = c.lastIndexOf('/');
  return [ipBytes(c.slice(0, slash)), Number(c.slice(slash + 1))];
}

function ipBytes(ip: string): Uint8Array {
  if (net.isIPv4(ip)) return Uint8Array.from(ip.split('.').map(Number));
  // Zone ids (fe80::1%eth0) are not part of the address.
  const bare = ip.split('%')[0]!.toLowerCase();
  const [head = '', tail = ''] = bare.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = bare.includes('::')
    ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t]
    : h;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

function formatIp(b: Uint8Array): string {
  if (b.length === 4) return [...b].join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return groups.join(':');
}

function maskBytes(len: number, bits: number): Uint8Array {
  const m = new Uint8Array(len);
  for (let i = 0; i < len; i++) m[i] = 0xff & (0xff << Math.max(0, 8 - Math.max(0, bits - i * 8)));
  return m;
}

function prefixMatches(addr: Uint8Array, range: Uint8Array, bits: number): boolean {
  const mask = maskBytes(addr.length, bits);
  return addr.every((b, i) => (b & mask[i]!) === (range[i]! & mask[i]!));
}

function countBits(mask: Uint8Array): number {
  return [...mask].reduce((n, b) => n + b.toString(2).replaceAll('0', '').length, 0);
}

const toBinary = (b: Uint8Array): string => Buffer.from(b).toString('binary');
const fromBinary = (s: string): Uint8Array => Buffer.from(s, 'binary');
