import crypto from 'node:crypto';
import net from 'node:net';
import zlib from 'node:zlib';

/**
 * Minimal STUN (RFC 5389) / TURN (RFC 5766) message codec: just enough for the health probe and
 * for tests that need precise control over a TURN allocation (turnutils_uclient cannot send a
 * wrong REALM or refresh an allocation on demand). Not a general-purpose STUN stack.
 */

export const MAGIC_COOKIE = 0x2112a442;
export const HEADER_LENGTH = 20;

export const StunMethod = {
  Binding: 0x001,
  Allocate: 0x003,
  Refresh: 0x004,
  Send: 0x006,
  Data: 0x007,
  CreatePermission: 0x008,
  ChannelBind: 0x009,
} as const;

export const StunClass = {
  Request: 0b00,
  Indication: 0b01,
  SuccessResponse: 0b10,
  ErrorResponse: 0b11,
} as const;
export type StunClassValue = (typeof StunClass)[keyof typeof StunClass];

export const StunAttr = {
  MappedAddress: 0x0001,
  Username: 0x0006,
  MessageIntegrity: 0x0008,
  ErrorCode: 0x0009,
  Lifetime: 0x000d,
  XorPeerAddress: 0x0012,
  Data: 0x0013,
  Realm: 0x0014,
  Nonce: 0x0015,
  XorRelayedAddress: 0x0016,
  RequestedTransport: 0x0019,
  XorMappedAddress: 0x0020,
  Software: 0x8022,
  Fingerprint: 0x8028,
} as const;

const FINGERPRINT_XOR = 0x5354554e;

export class StunParseError extends Error {
  override name = 'StunParseError';
}

export interface StunAddress {
  family: 'IPv4' | 'IPv6';
  address: string;
  port: number;
}

export interface StunAttribute {
  type: number;
  value: Buffer;
}

/** Method/class <-> 14-bit message type (RFC 5389 §6: class bits are interleaved with method). */
export function encodeMessageType(method: number, cls: StunClassValue): number {
  return (
    (method & 0x000f) |
    ((method & 0x0070) << 1) |
    ((method & 0x0f80) << 2) |
    ((cls & 0b01) << 4) |
    ((cls & 0b10) << 7)
  );
}

export function decodeMessageType(type: number): { method: number; cls: StunClassValue } {
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  const cls = (((type & 0x0010) >> 4) | ((type & 0x0100) >> 7)) as StunClassValue;
  return { method, cls };
}

/** Long-term credential key (RFC 5389 §15.4): MD5(username ":" realm ":" password). */
export function longTermKey(username: string, realm: string, password: string): Buffer {
  return crypto.createHash('md5').update(`${username}:${realm}:${password}`).digest();
}

export class StunMessage {
  readonly attributes: StunAttribute[] = [];

  constructor(
    readonly method: number,
    readonly cls: StunClassValue,
    readonly transactionId: Buffer = crypto.randomBytes(12),
  ) {
    if (transactionId.length !== 12) throw new StunParseError('transaction id must be 12 bytes');
  }

  static isStun(buf: Buffer): boolean {
    return (
      buf.length >= HEADER_LENGTH && (buf[0]! & 0xc0) === 0 && buf.readUInt32BE(4) === MAGIC_COOKIE
    );
  }

  static decode(buf: Buffer): StunMessage {
    if (!StunMessage.isStun(buf)) throw new StunParseError('not a STUN message');
    const length = buf.readUInt16BE(2);
    if (length % 4 !== 0 || HEADER_LENGTH + length > buf.length) {
      throw new StunParseError(`bad STUN length ${length} for ${buf.length} bytes`);
    }
    const { method, cls } = decodeMessageType(buf.readUInt16BE(0));
    const msg = new StunMessage(method, cls, Buffer.from(buf.subarray(8, 20)));
    let off = HEADER_LENGTH;
    const end = HEADER_LENGTH + length;
    while (off + 4 <= end) {
      const type = buf.readUInt16BE(off);
      const len = buf.readUInt16BE(off + 2);
      if (off + 4 + len > end) throw new StunParseError('attribute overruns message');
      msg.attributes.push({ type, value: Buffer.from(buf.subarray(off + 4, off + 4 + len)) });
      off += 4 + Math.ceil(len / 4) * 4;
    }
    return msg;
  }

  add(type: number, value: Buffer): this {
    this.attributes.push({ type, value });
    return this;
  }

  addString(type: number, value: string): this {
    return this.add(type, Buffer.from(value, 'utf8'));
  }

  addUInt32(type: number, value: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(value >>> 0);
    return this.add(type, b);
  }

  addXorAddress(type: number, addr: { address: string; port: number }): this {
    return this.add(type, encodeXorAddress(addr, this.transactionId));
  }

  get(type: number): Buffer | undefined {
    return this.attributes.find((a) => a.type === type)?.value;
  }

  getString(type: number): string | undefined {
    return this.get(type)?.toString('utf8');
  }

  getUInt32(type: number): number | undefined {
    const v = this.get(type);
    return v && v.length >= 4 ? v.readUInt32BE(0) : undefined;
  }

  getXorAddress(type: number): StunAddress | undefined {
    const v = this.get(type);
    return v ? decodeXorAddress(v, this.transactionId) : undefined;
  }

  /** ERROR-CODE as `{ code, reason }` (RFC 5389 §15.6), when present. */
  getError(): { code: number; reason: string } | undefined {
    const v = this.get(StunAttr.ErrorCode);
    if (!v || v.length < 4) return undefined;
    return { code: (v[2]! & 0x7) * 100 + v[3]!, reason: v.subarray(4).toString('utf8') };
  }

  /**
   * Serializes the message. With `integrityKey`, appends MESSAGE-INTEGRITY (HMAC-SHA1 over the
   * message with the length field already covering that attribute); with `fingerprint`, appends
   * FINGERPRINT last, as RFC 5389 §15.4/§15.5 require.
   */
  encode(options: { integrityKey?: Buffer; fingerprint?: boolean } = {}): Buffer {
    const parts: Buffer[] = [];
    for (const a of this.attributes) parts.push(attributeBytes(a.type, a.value));
    let body = Buffer.concat(parts);
    const header = Buffer.alloc(HEADER_LENGTH);
    header.writeUInt16BE(encodeMessageType(this.method, this.cls), 0);
    header.writeUInt32BE(MAGIC_COOKIE, 4);
    this.transactionId.copy(header, 8);

    if (options.integrityKey) {
      header.writeUInt16BE(body.length + 24, 2);
      const hmac = crypto
        .createHmac('sha1', options.integrityKey)
        .update(Buffer.concat([header, body]))
        .digest();
      body = Buffer.concat([body, attributeBytes(StunAttr.MessageIntegrity, hmac)]);
    }
    if (options.fingerprint) {
      header.writeUInt16BE(body.length + 8, 2);
      const crc = (zlib.crc32(Buffer.concat([header, body])) ^ FINGERPRINT_XOR) >>> 0;
      const v = Buffer.alloc(4);
      v.writeUInt32BE(crc);
      body = Buffer.concat([body, attributeBytes(StunAttr.Fingerprint, v)]);
    }
    header.writeUInt16BE(body.length, 2);
    return Buffer.concat([header, body]);
  }
}

function attributeBytes(type: number, value: Buffer): Buffer {
  const padded = Math.ceil(value.length / 4) * 4;
  const b = Buffer.alloc(4 + padded);
  b.writeUInt16BE(type, 0);
  b.writeUInt16BE(value.length, 2);
  value.copy(b, 4);
  return b;
}

/** XOR-*-ADDRESS value (RFC 5389 §15.2): port XOR top cookie half, address XOR cookie(+txid). */
export function encodeXorAddress(
  addr: { address: string; port: number },
  transactionId: Buffer,
): Buffer {
  const v6 = net.isIPv6(addr.address);
  const b = Buffer.alloc(v6 ? 20 : 8);
  b[1] = v6 ? 0x02 : 0x01;
  b.writeUInt16BE((addr.port ^ (MAGIC_COOKIE >>> 16)) & 0xffff, 2);
  const raw = v6 ? ipv6Bytes(addr.address) : Buffer.from(addr.address.split('.').map(Number));
  const mask = Buffer.alloc(16);
  mask.writeUInt32BE(MAGIC_COOKIE, 0);
  transactionId.copy(mask, 4);
  for (let i = 0; i < raw.length; i++) b[4 + i] = raw[i]! ^ mask[i]!;
  return b;
}

export function decodeXorAddress(v: Buffer, transactionId: Buffer): StunAddress {
  if (v.length < 8) throw new StunParseError('XOR address too short');
  const family = v[1];
  const port = v.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16);
  const mask = Buffer.alloc(16);
  mask.writeUInt32BE(MAGIC_COOKIE, 0);
  transactionId.copy(mask, 4);
  if (family === 0x01) {
    const bytes = [0, 1, 2, 3].map((i) => v[4 + i]! ^ mask[i]!);
    return { family: 'IPv4', address: bytes.join('.'), port };
  }
  if (family === 0x02 && v.length >= 20) {
    const bytes = Buffer.alloc(16);
    for (let i = 0; i < 16; i++) bytes[i] = v[4 + i]! ^ mask[i]!;
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
    return { family: 'IPv6', address: groups.join(':'), port };
  }
  throw new StunParseError(`unknown address family ${String(family)}`);
}

function ipv6Bytes(address: string): Buffer {
  // Expand "::" then parse the 8 groups; enough for the literal addresses tests use.
  const [head = '', tail] = address.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups =
    tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}
