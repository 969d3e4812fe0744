/**
 * STUN responses into the TURN health probe's parser (`readBindingResponse`, what the probe's
 * socket handler runs on every datagram): random bytes, and near-valid Binding responses to our
 * transaction (any class, right or wrong cookie and length, attributes of every kind with random,
 * short or valid XOR addresses of both families). The only error allowed is a StunProbeError, and
 * an accepted response yields a well-formed address.
 */
import crypto from 'node:crypto';
import net from 'node:net';
import fc from 'fast-check';
import { readBindingResponse, StunProbeError } from '@porchlight/turn';

const COOKIE = 0x2112a442;
export const TRANSACTION = crypto.randomBytes(12);

interface Attr {
  type: number;
  value: Uint8Array;
  /** Declared length differs from the value's. */
  lie: number;
}

export interface StunInput {
  kind: 'random' | 'response';
  bytes: Uint8Array;
  type: number;
  cookie: boolean;
  ours: boolean;
  /** A XOR-MAPPED-ADDRESS first (most responses have one). */
  mapped: Uint8Array | null;
  attrs: Attr[];
  lengthDelta: number;
  truncate: number;
}

/** An XOR address value for our transaction: valid, or with a mutated family or length. */
const xorAddress = fc
  .record({
    v6: fc.boolean(),
    family: fc.oneof({ weight: 4, arbitrary: fc.constant(-1) }, fc.integer({ min: 0, max: 255 })),
    port: fc.integer({ min: 0, max: 0xffff }),
    ip: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    cut: fc.oneof({ weight: 4, arbitrary: fc.constant(-1) }, fc.nat(24)),
  })
  .map(({ v6, family, port, ip, cut }) => {
    const b = Buffer.alloc(v6 ? 20 : 8);
    b[1] = family >= 0 ? family : v6 ? 2 : 1;
    b.writeUInt16BE(port, 2);
    Buffer.from(ip).copy(b, 4, 0, v6 ? 16 : 4);
    return new Uint8Array(cut >= 0 ? b.subarray(0, cut) : b);
  });

const attr: fc.Arbitrary<Attr> = fc.record({
  type: fc.oneof(
    fc.constantFrom(0x0020, 0x0020, 0x0001, 0x0009, 0x8022, 0x8028, 0x0008),
    fc.integer({ min: 0, max: 0xffff }),
  ),
  value: fc.oneof(xorAddress, fc.uint8Array({ maxLength: 40 })),
  lie: fc.oneof({ weight: 12, arbitrary: fc.constant(0) }, fc.integer({ min: -8, max: 64 })),
});

export const stunInput: fc.Arbitrary<StunInput> = fc.record({
  kind: fc.constantFrom<StunInput['kind']>('random', 'response', 'response', 'response'),
  bytes: fc.uint8Array({ maxLength: 120 }),
  type: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(0x0101, 0x0101, 0x0101, 0x0111, 0x0001, 0x0011) },
    fc.integer({ min: 0, max: 0xffff }),
  ),
  cookie: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, fc.constant(false)),
  ours: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, fc.constant(false)),
  mapped: fc.option(xorAddress, { freq: 4 }),
  attrs: fc.array(attr, { maxLength: 5 }),
  lengthDelta: fc.oneof(
    { weight: 8, arbitrary: fc.constant(0) },
    fc.integer({ min: -16, max: 16 }),
  ),
  truncate: fc.oneof({ weight: 8, arbitrary: fc.constant(-1) }, fc.nat(120)),
});

export function stunBytes(s: StunInput): Buffer {
  if (s.kind === 'random') return Buffer.from(s.bytes);
  const attrs = s.mapped ? [{ type: 0x0020, value: s.mapped, lie: 0 }, ...s.attrs] : s.attrs;
  const body = Buffer.concat(
    attrs.map((a) => {
      const padded = Math.ceil(a.value.length / 4) * 4;
      const b = Buffer.alloc(4 + padded);
      b.writeUInt16BE(a.type, 0);
      b.writeUInt16BE(Math.max(0, a.value.length + a.lie) & 0xffff, 2);
      Buffer.from(a.value).copy(b, 4);
      return b;
    }),
  );
  const header = Buffer.alloc(20);
  header.writeUInt16BE(s.type, 0);
  header.writeUInt16BE(Math.max(0, body.length + s.lengthDelta) & 0xffff, 2);
  header.writeUInt32BE(s.cookie ? COOKIE : COOKIE ^ 0x100, 4);
  (s.ours ? TRANSACTION : crypto.randomBytes(12)).copy(header, 8);
  const msg = Buffer.concat([header, body]);
  return s.truncate >= 0 ? msg.subarray(0, s.truncate) : msg;
}

export type StunOutcome = 'ignored' | 'accepted' | 'rejected';

/** Parses one datagram as the probe does; throws on anything but a StunProbeError. */
export function probeOnce(bytes: Buffer): StunOutcome {
  let result: ReturnType<typeof readBindingResponse>;
  try {
    result = readBindingResponse(bytes, TRANSACTION);
  } catch (error) {
    if (error instanceof StunProbeError) return 'rejected';
    throw error;
  }
  if (!result) return 'ignored';
  const { mapped } = result;
  const familyOk =
    mapped.family === 'IPv4' ? net.isIPv4(mapped.address) : net.isIPv6(mapped.address);
  if (!familyOk || !Number.isInteger(mapped.port) || mapped.port < 0 || mapped.port > 0xffff) {
    throw new Error(`malformed mapped address ${JSON.stringify(mapped)}`);
  }
  return 'accepted';
}
