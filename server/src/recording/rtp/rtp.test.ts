import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { H264Depacketizer, MAX_FRAME_BYTES, type AccessUnit } from './H264Depacketizer.ts';
import { opusPacketSamples } from './OpusDepacketizer.ts';
import { ReorderBuffer } from './ReorderBuffer.ts';
import { Unwrapper, parseRtp, serializeRtp } from './RtpPacket.ts';
import { avcc, packetizeH264 } from './testSupport.ts';

const nal = (type: number, body: Uint8Array): Buffer =>
  Buffer.concat([Buffer.from([0x60 | type]), Buffer.from(body)]);

describe('parseRtp', () => {
  it('reads header fields, skips CSRCs and the extension, strips padding', () => {
    const b = Buffer.from([
      0xb1,
      0xe0,
      0x12,
      0x34,
      0,
      0,
      0x10,
      0,
      0xde,
      0xad,
      0xbe,
      0xef, // V=2 P X CC=1, M, PT=96
      1,
      2,
      3,
      4, // CSRC
      0xbe,
      0xde,
      0,
      1,
      9,
      9,
      9,
      9, // one-byte extension, 1 word
      0x65,
      0x88, // payload
      0,
      0,
      3, // padding (3)
    ]);
    const r = parseRtp(b);
    expect(r.ok && r.packet).toMatchObject({
      payloadType: 96,
      marker: true,
      sequenceNumber: 0x1234,
      timestamp: 0x1000,
      ssrc: 0xdeadbeef,
      payload: Buffer.from([0x65, 0x88]),
    });
  });

  it('names what is wrong with a malformed packet', () => {
    const ok = serializeRtp({
      payloadType: 96,
      marker: false,
      sequenceNumber: 1,
      timestamp: 1,
      ssrc: 1,
      payload: Buffer.from([1]),
    });
    const bad = (f: (b: Buffer) => void): string | undefined => {
      const b = Buffer.from(ok);
      f(b);
      const r = parseRtp(b);
      return r.ok ? undefined : r.reason;
    };
    expect(parseRtp(ok.subarray(0, 11))).toEqual({ ok: false, reason: 'short' });
    expect(bad((b) => (b[0] = 0x40))).toBe('version');
    expect(bad((b) => (b[0] = 0x8f))).toBe('csrc-overrun');
    expect(bad((b) => (b[0] = 0x90))).toBe('extension-overrun');
    expect(
      bad((b) => {
        b[0] = 0xa0;
        b[12] = 9;
      }),
    ).toBe('padding');
    expect(bad((b) => (b[1] = 200))).toBe('rtcp');
  });

  it('never throws on arbitrary bytes, and round-trips valid packets', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        parseRtp(Buffer.from(bytes));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.record({
          payloadType: fc.integer({ min: 96, max: 127 }),
          marker: fc.boolean(),
          sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
          timestamp: fc.integer({ min: 0, max: 0xffffffff }),
          ssrc: fc.integer({ min: 0, max: 0xffffffff }),
          payload: fc.uint8Array({ minLength: 1, maxLength: 100 }).map((u) => Buffer.from(u)),
        }),
        (p) => {
          const r = parseRtp(serializeRtp(p));
          expect(r.ok && r.packet).toEqual(p);
        },
      ),
    );
  });
});

describe('Unwrapper', () => {
  it('extends 32-bit timestamps across the wrap, both ways', () => {
    const u = new Unwrapper(32);
    expect(u.unwrap(0xffffff00)).toBe(0xffffff00);
    expect(u.unwrap(0x100)).toBe(2 ** 32 + 0x100);
    expect(u.unwrap(0xfffffff0)).toBe(0xfffffff0);
  });
});

describe('opusPacketSamples', () => {
  it('reads the frame size and count from the TOC byte', () => {
    expect(opusPacketSamples(Buffer.from([0x78]))).toBe(960); // config 15: hybrid FB 20 ms
    expect(opusPacketSamples(Buffer.from([0xf8 | 1]))).toBe(1920); // two 20 ms frames
    expect(opusPacketSamples(Buffer.from([0x03, 3]))).toBe(3 * 480);
    expect(opusPacketSamples(Buffer.alloc(0))).toBe(0);
  });
});

interface Frame {
  nals: Buffer[];
  keyframe: boolean;
  timestamp: number;
}

const body = (max: number): fc.Arbitrary<Uint8Array> =>
  fc.uint8Array({ minLength: 1, maxLength: max });
const frameArb = (keyframe: boolean): fc.Arbitrary<Buffer[]> =>
  keyframe
    ? fc
        .tuple(body(20), body(8), fc.array(body(4000), { minLength: 1, maxLength: 3 }))
        .map(([sps, pps, idr]) => [nal(7, sps), nal(8, pps), ...idr.map((b) => nal(5, b))])
    : fc.array(body(3000), { minLength: 1, maxLength: 2 }).map((s) => s.map((b) => nal(1, b)));

const streamArb = fc.integer({ min: 2, max: 5 }).chain((gop) =>
  fc.tuple(
    fc.constant(gop),
    fc
      .array(fc.boolean(), { minLength: 1, maxLength: 14 })
      .chain((ks) => fc.tuple(...ks.map((_, i) => frameArb(i % gop === 0)))),
  ),
);

function sendAll(o: {
  frames: Frame[];
  mtu: number;
  seq0: number;
  markers: boolean[];
}): { payload: Buffer; timestamp: number; marker: boolean; sequenceNumber: number }[] {
  let seq = o.seq0;
  return o.frames.flatMap((f, i) =>
    packetizeH264(f.nals, f.timestamp, o.mtu, o.markers[i % o.markers.length] ?? true).map((p) => ({
      ...p,
      sequenceNumber: seq++ & 0xffff,
    })),
  );
}

describe('H264 depacketizer behind a reorder buffer (property)', () => {
  it('reassembles exactly what was sent; loss and reordering never yield a broken frame', () => {
    fc.assert(
      fc.property(
        streamArb,
        fc.integer({ min: 60, max: 1400 }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 8 })), { maxLength: 8 }),
        ([, nalsList], mtu, seq0, ts0, markers, lossAt, swaps) => {
          const frames: Frame[] = nalsList.map((nals, i) => ({
            nals,
            keyframe: (nals[0]![0]! & 0x1f) === 7,
            timestamp: (ts0 + i * 3000) >>> 0,
          }));
          const packets = sendAll({ frames, mtu, seq0, markers });
          // Reorder: move packet a forward by d places; lose some.
          for (const [a, d] of swaps) {
            const i = a % packets.length;
            const j = Math.min(packets.length - 1, i + d);
            const [p] = packets.splice(i, 1);
            packets.splice(j, 0, p!);
          }
          const lost = new Set(lossAt.map((l) => l % packets.length));
          const reorder = new ReorderBuffer({ maxPackets: 128, maxDelayMs: 1000 });
          const depack = new H264Depacketizer();
          const got: AccessUnit[] = [];
          const feed = (o: ReturnType<ReorderBuffer['push']>): void => {
            for (const x of o) got.push(...depack.push(x.seq, x.packet, x.arrivedAt));
          };
          packets.forEach((p, i) => {
            if (lost.has(i)) return;
            const r = parseRtp(serializeRtp({ ...p, payloadType: 96, ssrc: 7 }));
            if (!r.ok) throw new Error(r.reason);
            feed(reorder.push(r.packet, i));
          });
          feed(reorder.flush());
          depack.end();

          const sentByTs = new Map(frames.map((f, i) => [f.timestamp, i]));
          let previous = -1;
          for (const au of got) {
            const i = sentByTs.get(au.timestamp);
            expect(i).toBeDefined();
            const f = frames[i!]!;
            expect(au.data.equals(avcc(f.nals))).toBe(true);
            expect(au.keyframe).toBe(f.keyframe);
            expect(i!).toBeGreaterThan(previous);
            // A decodable chain: a delta frame's predecessor was emitted too.
            if (!f.keyframe) expect(i! - 1).toBe(previous);
            previous = i!;
          }
          // Without loss everything arrives, except a markerless last frame (never completed).
          if (lost.size === 0) {
            const lastMarker = packets.some(
              (p) => p.marker && p.timestamp === frames[frames.length - 1]!.timestamp,
            );
            expect(got.length).toBe(lastMarker ? frames.length : frames.length - 1);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('asks for a keyframe on a loss and waits for the next IDR', () => {
    const d = new H264Depacketizer();
    let asked = 0;
    d.onKeyframeNeeded = () => asked++;
    const key = [
      nal(7, Buffer.from([66, 0, 31, 1])),
      nal(8, Buffer.from([1])),
      nal(5, Buffer.alloc(10)),
    ];
    const delta = [nal(1, Buffer.alloc(10))];
    let seq = 0;
    const send = (nals: Buffer[], ts: number, skip = false): AccessUnit[] =>
      packetizeH264(nals, ts, 1200).flatMap((p) => (skip ? (seq++, []) : d.push(seq++, p, 0)));
    expect(send(key, 0)).toHaveLength(1);
    expect(send(delta, 3000)).toHaveLength(1);
    send(delta, 6000, true);
    expect(send(delta, 9000)).toHaveLength(0);
    expect(asked).toBe(1);
    expect(send(delta, 12000)).toHaveLength(0);
    const k = send(key, 15000);
    expect(k).toHaveLength(1);
    expect(k[0]!.keyframe).toBe(true);
    expect(d.stats.droppedFrames).toBe(2);
  });

  it('drops a frame that grows past 16 MiB and resumes at the next keyframe', () => {
    const d = new H264Depacketizer();
    const sps = nal(7, Buffer.from([66, 0, 31, 1]));
    const pps = nal(8, Buffer.from([1]));
    let seq = 0;
    // An IDR of 17 MiB in 60 kB FU-A fragments, marker on the last: whole, but too large.
    const huge = nal(5, Buffer.alloc(MAX_FRAME_BYTES + 1024 * 1024, 0x11));
    const out = packetizeH264([sps, pps, huge], 0, 60_000).flatMap((p) => d.push(seq++, p, 0));
    expect(out).toHaveLength(0);
    expect(d.stats.oversized).toBe(1);
    const next = packetizeH264([sps, pps, nal(5, Buffer.alloc(100))], 3000, 1200).flatMap((p) =>
      d.push(seq++, p, 0),
    );
    expect(next).toHaveLength(1);
    expect(next[0]!.keyframe).toBe(true);
    expect(next[0]!.timestamp).toBe(3000);
    // A sender that never ends its frame (no marker, one timestamp) is cut off the same way.
    const start = Buffer.concat([Buffer.from([0x7c, 0x85]), Buffer.alloc(60_000)]);
    const middle = Buffer.concat([Buffer.from([0x7c, 0x05]), Buffer.alloc(60_000)]);
    d.push(seq++, { payload: start, timestamp: 6000, marker: false }, 0);
    for (let i = 0; i < 300; i++) {
      d.push(seq++, { payload: middle, timestamp: 6000, marker: false }, 0);
    }
    expect(d.stats.oversized).toBe(2);
    const after = packetizeH264([sps, pps, nal(5, Buffer.alloc(100))], 9000, 1200).flatMap((p) =>
      d.push(seq++, p, 0),
    );
    expect(after.map((f) => f.timestamp)).toEqual([9000]);
  });
});

describe('ReorderBuffer', () => {
  const pkt = (sequenceNumber: number) => ({
    payloadType: 96,
    marker: false,
    sequenceNumber,
    timestamp: 0,
    ssrc: 1,
    payload: Buffer.from([1]),
  });
  it('holds a hole for maxDelayMs, then skips it; drops duplicates and late packets', () => {
    const r = new ReorderBuffer({ maxDelayMs: 50 });
    // The start is held too: an earlier packet may still arrive.
    expect(r.push(pkt(65535), 0)).toEqual([]);
    expect(r.push(pkt(1), 10)).toEqual([]);
    expect(r.poll(55).map((o) => o.seq)).toEqual([65535]);
    expect(r.poll(61).map((o) => o.seq)).toEqual([65537]);
    expect(r.push(pkt(0), 62)).toEqual([]);
    expect(r.push(pkt(1), 63)).toEqual([]);
    expect(r.dropped).toBe(2);
    expect(r.push(pkt(2), 64).map((o) => o.seq)).toEqual([65538]);
  });
});
