import { userIdFromUsername } from './credentials.ts';

/**
 * coturn log lines -> typed events -> per-session usage records.
 *
 * What coturn 4.6.1 really prints (captured in test/fixtures/coturn-session.log), and only with
 * `verbose` — without it there are no per-session lines at all:
 *
 *   <ts>: session 000000000000000002: new, realm=<r>, username=<1795622998:alice>, lifetime=777
 *   <ts>: session 000000000000000002: peer 127.0.0.1:34801 lifetime updated: 600
 *   <ts>: session 000000000000000002: usage: realm=<r>, username=<u>, rp=31, rb=5420, sp=31, sb=5008
 *   <ts>: session 000000000000000002: peer usage: realm=<r>, username=<u>, rp=20, rb=4000, sp=20, sb=4000
 *   <ts>: session 000000000000000002: closed (2nd stage), user <u> realm <r> origin <>, local
 *         127.0.0.1:3478, remote 127.0.0.1:36850, reason: allocation timeout
 *   <ts>: session 000000000000000002: delete: realm=<r>, username=<u>
 *
 * "usage" counts the client side (rp/rb = received from the client, sp/sb = sent to it, STUN
 * control traffic included), "peer usage" the relay side (rp/rb = received from peers, sp/sb =
 * sent to peers). They are DELTAS, not running totals: coturn prints a pair roughly every 2048
 * packets and resets its counters, then a last pair just before "closed" (measured: 1100 echoed
 * messages printed peer rp=1017 then rp=83). A session's total is the sum of its lines; for a
 * session cut by a crash, the sum of the lines printed so far (a lower bound). Session ids restart
 * at each coturn start, so one UsageTracker per process.
 */

export interface TrafficCounters {
  packetsReceived: number;
  bytesReceived: number;
  packetsSent: number;
  bytesSent: number;
}

export type CoturnLogEvent =
  | { kind: 'session-new'; sessionId: string; realm: string; username: string; lifetime: number }
  | {
      kind: 'session-refreshed';
      sessionId: string;
      realm: string;
      username: string;
      lifetime: number;
    }
  | ({
      kind: 'usage' | 'peer-usage';
      sessionId: string;
      realm: string;
      username: string;
    } & TrafficCounters)
  | { kind: 'peer'; sessionId: string; peer: string; lifetime: number }
  | {
      kind: 'session-closed';
      sessionId: string;
      username: string;
      realm: string;
      origin: string;
      local: string;
      remote: string;
      reason: string;
    }
  | { kind: 'session-deleted'; sessionId: string; realm: string; username: string }
  | {
      kind: 'request';
      sessionId: string;
      realm: string;
      username: string;
      request: string;
      ok: boolean;
      errorCode?: number;
      errorReason?: string;
    };

export interface ParsedLogLine {
  /** Line text without the timestamp prefix. */
  message: string;
  /** From `new-log-timestamp` prefixes ("2026-11-25T15:10:06+0000: "), when present. */
  time?: Date;
  event?: CoturnLogEvent;
}

const TS_PREFIX = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)([+-]\d\d)(\d\d): ?/;
// Without new-log-timestamp coturn prefixes seconds since start: "12: : message".
const UPTIME_PREFIX = /^\d+: (?:: )?/;

const SESSION = String.raw`session (\d+): `;
const RU = String.raw`realm=<(.*?)>, username=<(.*?)>`;
const COUNTERS = String.raw`rp=(\d+), rb=(\d+), sp=(\d+), sb=(\d+)`;
const RE = {
  new: new RegExp(`^${SESSION}new, ${RU}, lifetime=(\\d+)`),
  refreshed: new RegExp(`^${SESSION}refreshed, ${RU}, lifetime=(\\d+)`),
  usage: new RegExp(`^${SESSION}usage: ${RU}, ${COUNTERS}`),
  peerUsage: new RegExp(`^${SESSION}peer usage: ${RU}, ${COUNTERS}`),
  peer: new RegExp(`^${SESSION}peer (\\S+) lifetime updated: (\\d+)`),
  closed: new RegExp(
    `^${SESSION}closed \\(2nd stage\\), user <(.*?)> realm <(.*?)> origin <(.*?)>, local (\\S+), remote (\\S+), reason: (.*)$`,
  ),
  deleted: new RegExp(`^${SESSION}delete: ${RU}`),
  request: new RegExp(
    `^${SESSION}realm <(.*?)> user <(.*?)>: incoming packet (\\S+) processed, (?:(success)|error (\\d+): (.*))$`,
  ),
};

function counters(m: RegExpExecArray, from: number): TrafficCounters {
  return {
    packetsReceived: Number(m[from]),
    bytesReceived: Number(m[from + 1]),
    packetsSent: Number(m[from + 2]),
    bytesSent: Number(m[from + 3]),
  };
}

/** One coturn log line -> timestamp, message and (when recognized) a typed event. */
export function parseCoturnLogLine(line: string): ParsedLogLine {
  let message = line.replace(/\r?\n$/, '');
  let time: Date | undefined;
  const ts = TS_PREFIX.exec(message);
  if (ts) {
    const parsed = new Date(`${ts[1]}${ts[2]}:${ts[3]}`);
    if (!Number.isNaN(parsed.getTime())) time = parsed;
    message = message.slice(ts[0].length);
  } else {
    message = message.replace(UPTIME_PREFIX, '');
  }
  const event = parseEvent(message);
  return { message, ...(time ? { time } : {}), ...(event ? { event } : {}) };
}

function parseEvent(msg: string): CoturnLogEvent | undefined {
  if (!msg.startsWith('session ')) return undefined;
  let m: RegExpExecArray | null;
  if ((m = RE.usage.exec(msg))) {
    return { kind: 'usage', sessionId: m[1]!, realm: m[2]!, username: m[3]!, ...counters(m, 4) };
  }
  if ((m = RE.peerUsage.exec(msg))) {
    return {
      kind: 'peer-usage',
      sessionId: m[1]!,
      realm: m[2]!,
      username: m[3]!,
      ...counters(m, 4),
    };
  }
  if ((m = RE.new.exec(msg))) {
    return {
      kind: 'session-new',
      sessionId: m[1]!,
      realm: m[2]!,
      username: m[3]!,
      lifetime: Number(m[4]),
    };
  }
  if ((m = RE.refreshed.exec(msg))) {
    return {
      kind: 'session-refreshed',
      sessionId: m[1]!,
      realm: m[2]!,
      username: m[3]!,
      lifetime: Number(m[4]),
    };
  }
  if ((m = RE.peer.exec(msg))) {
    return { kind: 'peer', sessionId: m[1]!, peer: m[2]!, lifetime: Number(m[3]) };
  }
  if ((m = RE.closed.exec(msg))) {
    return {
      kind: 'session-closed',
      sessionId: m[1]!,
      username: m[2]!,
      realm: m[3]!,
      origin: m[4]!,
      local: m[5]!,
      remote: m[6]!,
      reason: m[7]!,
    };
  }
  if ((m = RE.deleted.exec(msg))) {
    return { kind: 'session-deleted', sessionId: m[1]!, realm: m[2]!, username: m[3]! };
  }
  if ((m = RE.request.exec(msg))) {
    const ok = m[5] === 'success';
    return {
      kind: 'request',
      sessionId: m[1]!,
      realm: m[2]!,
      username: m[3]!,
      request: m[4]!,
      ok,
      ...(ok ? {} : { errorCode: Number(m[6]), errorReason: m[7]! }),
    };
  }
  return undefined;
}

/** One finished TURN session (allocation), as billed/monitored. */
export interface TurnUsageRecord {
  /** coturn's session id (unique within one coturn process). */
  sessionId: string;
  /** The REST username, "<expiry>:<userId>". */
  username: string;
  /** The userId part of the username ('' when the credentials had none). */
  userId: string;
  realm: string;
  /** From the session's "new" line; absent if the session started before we saw the log. */
  startedAt?: Date;
  endedAt: Date;
  durationSeconds: number;
  /** Client side: bytes/packets coturn received from / sent to the TURN client. */
  bytesReceived: number;
  bytesSent: number;
  packetsReceived?: number;
  packetsSent?: number;
  /** Relay side: bytes/packets coturn received from / sent to peers. */
  peerBytesReceived?: number;
  peerBytesSent?: number;
  peerPacketsReceived?: number;
  peerPacketsSent?: number;
  /** Last peer the client installed a permission/channel for, and all of them. */
  peer?: string;
  peers: string[];
  /** The client's transport address as coturn saw it. */
  remote?: string;
  /** coturn's close reason, or 'turnserver exited' for sessions cut by a crash/stop. */
  reason: string;
  /** True when coturn died before the session closed: counters are a lower bound. */
  truncated: boolean;
}

interface SessionState {
  username: string;
  realm: string;
  startedAt?: Date;
  usage?: TrafficCounters;
  peerUsage?: TrafficCounters;
  peers: string[];
}

/**
 * Accumulates events per session id and yields a TurnUsageRecord when coturn closes a session.
 * Sessions that never allocated (e.g. refused with 401) produce nothing.
 */
export class UsageTracker {
  private readonly sessions = new Map<string, SessionState>();

  /** Sessions seen but not closed yet. */
  get openSessions(): number {
    return this.sessions.size;
  }

  /** Feeds one raw line; returns a record when the line closes a session. */
  pushLine(line: string, receivedAt: Date = new Date()): TurnUsageRecord | undefined {
    return this.push(parseCoturnLogLine(line), receivedAt);
  }

  push(parsed: ParsedLogLine, receivedAt: Date = new Date()): TurnUsageRecord | undefined {
    const e = parsed.event;
    if (!e) return undefined;
    const time = parsed.time ?? receivedAt;
    switch (e.kind) {
      case 'session-new': {
        const s = this.state(e.sessionId, e.username, e.realm);
        s.startedAt ??= time;
        return undefined;
      }
      case 'session-refreshed':
        this.state(e.sessionId, e.username, e.realm);
        return undefined;
      case 'usage':
      case 'peer-usage': {
        const s = this.state(e.sessionId, e.username, e.realm);
        // Deltas since coturn's previous report for this session: add them up.
        const key = e.kind === 'usage' ? 'usage' : 'peerUsage';
        const prev = s[key];
        s[key] = {
          packetsReceived: (prev?.packetsReceived ?? 0) + e.packetsReceived,
          bytesReceived: (prev?.bytesReceived ?? 0) + e.bytesReceived,
          packetsSent: (prev?.packetsSent ?? 0) + e.packetsSent,
          bytesSent: (prev?.bytesSent ?? 0) + e.bytesSent,
        };
        return undefined;
      }
      case 'peer': {
        const s = this.sessions.get(e.sessionId);
        if (s) {
          s.peers = [...s.peers.filter((p) => p !== e.peer), e.peer];
        }
        return undefined;
      }
      case 'session-closed': {
        const s = this.sessions.get(e.sessionId);
        this.sessions.delete(e.sessionId);
        if (!s || !e.username) return undefined;
        return this.record(e.sessionId, s, time, e.reason, false, e.remote);
      }
      default:
        return undefined;
    }
  }

  /** Records for every still-open session (coturn exited: nothing more will come). */
  flush(endedAt: Date = new Date(), reason = 'turnserver exited'): TurnUsageRecord[] {
    const out = [...this.sessions].map(([id, s]) => this.record(id, s, endedAt, reason, true));
    this.sessions.clear();
    return out;
  }

  private state(sessionId: string, username: string, realm: string): SessionState {
    let s = this.sessions.get(sessionId);
    if (!s) {
      s = { username, realm, peers: [] };
      this.sessions.set(sessionId, s);
    }
    return s;
  }

  private record(
    sessionId: string,
    s: SessionState,
    endedAt: Date,
    reason: string,
    truncated: boolean,
    remote?: string,
  ): TurnUsageRecord {
    const durationSeconds = s.startedAt
      ? Math.max(0, (endedAt.getTime() - s.startedAt.getTime()) / 1000)
      : 0;
    const peer = s.peers.at(-1);
    return {
      sessionId,
      username: s.username,
      userId: userIdFromUsername(s.username),
      realm: s.realm,
      ...(s.startedAt ? { startedAt: s.startedAt } : {}),
      endedAt,
      durationSeconds,
      bytesReceived: s.usage?.bytesReceived ?? 0,
      bytesSent: s.usage?.bytesSent ?? 0,
      ...(s.usage
        ? { packetsReceived: s.usage.packetsReceived, packetsSent: s.usage.packetsSent }
        : {}),
      ...(s.peerUsage
        ? {
            peerBytesReceived: s.peerUsage.bytesReceived,
            peerBytesSent: s.peerUsage.bytesSent,
            peerPacketsReceived: s.peerUsage.packetsReceived,
            peerPacketsSent: s.peerUsage.packetsSent,
          }
        : {}),
      ...(peer !== undefined ? { peer } : {}),
      peers: [...s.peers],
      ...(remote !== undefined ? { remote } : {}),
      reason,
      truncated,
    };
  }
}
