import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCoturnLogLine, UsageTracker, type TurnUsageRecord } from '../src/usage.ts';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const read = (name: string): string[] =>
  fs.readFileSync(path.join(fixtures, name), 'utf8').split('\n').filter(Boolean);

describe('parseCoturnLogLine (real coturn 4.6.1 lines)', () => {
  it('splits the new-log-timestamp prefix and parses usage lines', () => {
    const p = parseCoturnLogLine(
      '2026-11-25T15:21:18+0000: session 000000000000000006: usage: realm=<porchlight.test>, username=<1795620672:long-user>, rp=1031, rb=107440, sp=1027, sb=106612',
    );
    expect(p.time?.toISOString()).toBe('2026-11-25T15:21:18.000Z');
    expect(p.event).toEqual({
      kind: 'usage',
      sessionId: '000000000000000006',
      realm: 'porchlight.test',
      username: '1795620672:long-user',
      packetsReceived: 1031,
      bytesReceived: 107440,
      packetsSent: 1027,
      bytesSent: 106612,
    });
  });

  it('parses closed, peer and request lines, and uptime-prefixed lines', () => {
    const closed = parseCoturnLogLine(
      '2026-11-25T15:21:09+0000: session 000000000000000002: closed (2nd stage), user <1795620664:udp-user> realm <porchlight.test> origin <>, local 127.0.0.1:34333, remote 127.0.0.1:36227, reason: allocation timeout',
    ).event;
    expect(closed).toMatchObject({
      kind: 'session-closed',
      remote: '127.0.0.1:36227',
      reason: 'allocation timeout',
    });
    expect(
      parseCoturnLogLine(
        '0: : session 000000000000000002: peer 127.0.0.1:34540 lifetime updated: 600',
      ).event,
    ).toEqual({
      kind: 'peer',
      sessionId: '000000000000000002',
      peer: '127.0.0.1:34540',
      lifetime: 600,
    });

    const refusals = read('coturn-4.6.1-refusals.log').map((l) => parseCoturnLogLine(l).event);
    const codes = refusals.flatMap((e) => (e?.kind === 'request' && !e.ok ? [e.errorCode] : []));
    expect(codes).toEqual([401, 437, 438, 403, 403]);
    expect(refusals.find((e) => e?.kind === 'request' && e.errorCode === 403)).toMatchObject({
      request: 'CHANNEL_BIND',
      errorReason: 'Forbidden IP',
    });
    expect(
      parseCoturnLogLine('2026-11-25T15:12:11+0000: Black listing: ::1').event,
    ).toBeUndefined();
  });
});

describe('UsageTracker', () => {
  function replay(lines: string[]): { records: TurnUsageRecord[]; tracker: UsageTracker } {
    const tracker = new UsageTracker();
    const records: TurnUsageRecord[] = [];
    for (const line of lines) {
      const r = tracker.pushLine(line);
      if (r) records.push(r);
    }
    return { records, tracker };
  }

  it('yields one record per closed session from the captured log', () => {
    const { records, tracker } = replay(read('coturn-4.6.1-sessions.log'));
    expect(records.map((r) => [r.sessionId, r.userId, r.reason])).toEqual([
      ['001000000000000002', 'tcp-user', 'TCP connection closed by client (callback)'],
      ['000000000000000002', 'udp-user', 'allocation timeout'],
      ['000000000000000003', 'tcp-user', 'TCP connection closed by client (callback)'],
      ['000000000000000006', 'long-user', 'allocation timeout'],
    ]);
    const udp = records[1]!;
    expect(udp).toMatchObject({
      username: '1795620664:udp-user',
      realm: 'porchlight.test',
      bytesReceived: 3460,
      bytesSent: 3008,
      packetsReceived: 31,
      packetsSent: 31,
      peerBytesReceived: 2000,
      peerBytesSent: 2000,
      peer: '127.0.0.1:34540',
      remote: '127.0.0.1:36227',
      truncated: false,
    });
    expect(udp.startedAt?.toISOString()).toBe('2026-11-25T15:21:04.000Z');
    expect(udp.durationSeconds).toBe(5);
    // uclient's spare allocations never closed within the capture.
    expect(tracker.openSessions).toBe(2);
  });

  it('sums coturn usage lines: they are deltas (1100 echoed 100-byte messages)', () => {
    const { records } = replay(read('coturn-4.6.1-sessions.log'));
    const long = records.find((r) => r.userId === 'long-user')!;
    expect(long.peerBytesReceived).toBe(101_700 + 8_300);
    expect(long.peerBytesSent).toBe(102_100 + 7_900);
    expect(long.peerBytesReceived).toBe(1100 * 100);
    expect(long.bytesReceived).toBe(107_440 + 8_340);
    expect(long.packetsSent).toBe(1027 + 84);
    expect(long.peerPacketsReceived).toBe(1100);
    expect(long.peerPacketsSent).toBe(1100);
  });

  it('flush() reports still-open sessions as truncated', () => {
    const lines = read('coturn-4.6.1-sessions.log');
    const cut = lines.findIndex((l) => l.includes('rp=1031')); // crash after the periodic report
    const { tracker } = replay(lines.slice(0, cut + 2));
    const flushed = tracker.flush(new Date('2026-11-25T15:21:20Z'));
    const long = flushed.find((r) => r.sessionId === '000000000000000006')!;
    expect(long).toMatchObject({
      truncated: true,
      reason: 'turnserver exited',
      peerBytesReceived: 101_700,
    });
    expect(long.durationSeconds).toBe(8);
    expect(tracker.openSessions).toBe(0);
  });

  it('ignores sessions it never saw allocate (refused with 401)', () => {
    const { records } = replay(read('coturn-4.6.1-refusals.log'));
    expect(records).toEqual([]);
  });
});
