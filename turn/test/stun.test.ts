import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  decodeMessageType,
  encodeMessageType,
  longTermKey,
  StunAttr,
  StunClass,
  StunMessage,
  StunMethod,
} from '../src/stun.ts';

describe('STUN codec', () => {
  it('interleaves method and class bits as RFC 5389 §6 says', () => {
    expect(encodeMessageType(StunMethod.Binding, StunClass.Request)).toBe(0x0001);
    expect(encodeMessageType(StunMethod.Binding, StunClass.SuccessResponse)).toBe(0x0101);
    expect(encodeMessageType(StunMethod.Allocate, StunClass.ErrorResponse)).toBe(0x0113);
    expect(encodeMessageType(StunMethod.Send, StunClass.Indication)).toBe(0x0016);
    expect(encodeMessageType(StunMethod.Data, StunClass.Indication)).toBe(0x0017);
    expect(decodeMessageType(0x0109)).toEqual({
      method: StunMethod.ChannelBind,
      cls: StunClass.SuccessResponse,
    });
  });

  it('XOR-MAPPED-ADDRESS matches the RFC 5769 §2.2 sample (192.0.2.1:32853)', () => {
    const txid = Buffer.from('b7e7a701bc34d686fa87dfae', 'hex');
    const m = new StunMessage(StunMethod.Binding, StunClass.SuccessResponse, txid).addXorAddress(
      StunAttr.XorMappedAddress,
      { address: '192.0.2.1', port: 32853 },
    );
    expect(m.get(StunAttr.XorMappedAddress)?.toString('hex')).toBe('0001a147e112a643');
    const decoded = StunMessage.decode(m.encode());
    expect(decoded.getXorAddress(StunAttr.XorMappedAddress)).toEqual({
      family: 'IPv4',
      address: '192.0.2.1',
      port: 32853,
    });
  });

  it('round-trips IPv6 XOR addresses', () => {
    const m = new StunMessage(StunMethod.Binding, StunClass.SuccessResponse).addXorAddress(
      StunAttr.XorMappedAddress,
      { address: '2001:db8:1234:5678:11:2233:4455:6677', port: 32853 },
    );
    expect(StunMessage.decode(m.encode()).getXorAddress(StunAttr.XorMappedAddress)?.address).toBe(
      '2001:db8:1234:5678:11:2233:4455:6677',
    );
  });

  it('pads attributes, appends MESSAGE-INTEGRITY then FINGERPRINT with the right lengths', () => {
    const m = new StunMessage(StunMethod.Allocate, StunClass.Request)
      .addString(StunAttr.Username, 'abcde') // 5 bytes -> padded to 8
      .addUInt32(StunAttr.RequestedTransport, 17 << 24);
    const key = longTermKey('abcde', 'realm', 'pw');
    const buf = m.encode({ integrityKey: key, fingerprint: true });
    expect(buf.length % 4).toBe(0);
    expect(buf.readUInt16BE(2)).toBe(buf.length - 20);
    const d = StunMessage.decode(buf);
    expect(d.attributes.map((a) => a.type)).toEqual([
      StunAttr.Username,
      StunAttr.RequestedTransport,
      StunAttr.MessageIntegrity,
      StunAttr.Fingerprint,
    ]);
    expect(d.getString(StunAttr.Username)).toBe('abcde');
    // FINGERPRINT = CRC32(message before it) XOR 0x5354554e (RFC 5389 §15.5).
    const crc = (zlib.crc32(buf.subarray(0, buf.length - 8)) ^ 0x5354554e) >>> 0;
    expect(d.getUInt32(StunAttr.Fingerprint)).toBe(crc);
  });

  it('decodes ERROR-CODE and rejects non-STUN input', () => {
    const v = Buffer.from([0, 0, 4, 1, ...Buffer.from('Unauthorized')]);
    const m = new StunMessage(StunMethod.Allocate, StunClass.ErrorResponse).add(
      StunAttr.ErrorCode,
      v,
    );
    expect(StunMessage.decode(m.encode()).getError()).toEqual({
      code: 401,
      reason: 'Unauthorized',
    });
    expect(() => StunMessage.decode(Buffer.alloc(20))).toThrow(/not a STUN message/);
    expect(StunMessage.isStun(Buffer.from('GET / HTTP/1.1\r\n\r\n...'))).toBe(false);
  });
});
