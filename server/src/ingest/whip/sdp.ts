import { WhipError } from './WhipError.ts';

/**
 * A small SDP reader for WebRTC offers (RFC 8866 lines, the JSEP attributes WHIP/WHEP clients
 * send). It keeps what the SFU needs and nothing else; anything malformed is a 400 BAD_SDP with
 * the line that broke it. (sdp-transform is in node_modules only as mediasoup-client's dependency,
 * not one of the server's: this reader is ours.)
 */

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface RtpMap {
  name: string;
  clockRate: number;
  channels: number | undefined;
}

export interface SdpMedia {
  kind: string;
  port: number;
  protocol: string;
  /** Payload types as offered, most preferred first. */
  payloadTypes: number[];
  mid: string | undefined;
  direction: Direction;
  bundleOnly: boolean;
  iceUfrag: string | undefined;
  icePwd: string | undefined;
  fingerprint: { algorithm: string; value: string } | undefined;
  setup: string | undefined;
  rtpmap: Map<number, RtpMap>;
  fmtp: Map<number, string>;
  rtcpFb: { pt: number | '*'; type: string; parameter: string | undefined }[];
  extmap: { id: number; uri: string }[];
  ssrcs: { id: number; attribute: string; value: string | undefined }[];
  ssrcGroups: { semantics: string; ssrcs: number[] }[];
  rids: { id: string; direction: string }[];
  /** `a=simulcast:` value, e.g. `send h;m;l`. */
  simulcast: string | undefined;
  candidates: string[];
  endOfCandidates: boolean;
  rtcpRsize: boolean;
}

export interface SessionDescription {
  iceUfrag: string | undefined;
  icePwd: string | undefined;
  fingerprint: { algorithm: string; value: string } | undefined;
  setup: string | undefined;
  /** `a=group:BUNDLE` mids. */
  bundle: string[];
  media: SdpMedia[];
}

const MAX_LINES = 4000;
const MAX_MEDIA = 16;
const DIRECTIONS = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);
const TOKEN = /^[\x21-\x7e]{1,256}$/;

function bad(line: number, message: string): WhipError {
  return WhipError.badSdp(`line ${line}: ${message}`);
}

function int(text: string | undefined, line: number, what: string, max = 2 ** 32 - 1): number {
  if (text === undefined || !/^\d{1,10}$/.test(text)) throw bad(line, `${what} is not a number`);
  const n = Number(text);
  if (n > max) throw bad(line, `${what} is out of range`);
  return n;
}

function newMedia(kind: string, port: number, protocol: string, pts: number[]): SdpMedia {
  return {
    kind,
    port,
    protocol,
    payloadTypes: pts,
    mid: undefined,
    direction: 'sendrecv',
    bundleOnly: false,
    iceUfrag: undefined,
    icePwd: undefined,
    fingerprint: undefined,
    setup: undefined,
    rtpmap: new Map(),
    fmtp: new Map(),
    rtcpFb: [],
    extmap: [],
    ssrcs: [],
    ssrcGroups: [],
    rids: [],
    simulcast: undefined,
    candidates: [],
    endOfCandidates: false,
    rtcpRsize: false,
  };
}

/** Parses a full SDP (or, with `fragment`, a trickle-ice-sdpfrag which has no `v=` line). */
export function parseSdp(text: string, o: { fragment?: boolean } = {}): SessionDescription {
  const lines = text.split(/\r?\n/);
  if (lines.length > MAX_LINES) throw WhipError.badSdp('too many lines');
  const session: SessionDescription = {
    iceUfrag: undefined,
    icePwd: undefined,
    fingerprint: undefined,
    setup: undefined,
    bundle: [],
    media: [],
  };
  let current: SdpMedia | undefined;
  let sawVersion = false;
  for (const [index, raw] of lines.entries()) {
    const n = index + 1;
    if (raw === '') continue;
    if (!/^[a-z]=/.test(raw)) throw bad(n, 'not a "<type>=<value>" line');
    const type = raw[0]!;
    const value = raw.slice(2);
    if (!sawVersion && !o.fragment) {
      if (type !== 'v' || value !== '0') throw bad(n, 'an SDP starts with "v=0"');
      sawVersion = true;
      continue;
    }
    if (type === 'm') {
      const m = /^(\w+) (\d+)(?:\/\d+)? ([\w/]+) ?(.*)$/.exec(value);
      if (!m) throw bad(n, 'malformed m= line');
      if (session.media.length >= MAX_MEDIA) throw bad(n, 'too many media sections');
      const pts =
        m[3]!.includes('RTP') && m[4]
          ? m[4].split(' ').map((pt) => int(pt, n, 'payload type', 127))
          : [];
      current = newMedia(m[1]!, int(m[2], n, 'port', 65535), m[3]!, pts);
      session.media.push(current);
      continue;
    }
    if (type !== 'a') continue;
    const colon = value.indexOf(':');
    const name = colon === -1 ? value : value.slice(0, colon);
    const arg = colon === -1 ? undefined : value.slice(colon + 1);
    readAttribute(session, current, name, arg, n);
  }
  if (!o.fragment && !sawVersion) throw WhipError.badSdp('empty SDP');
  return session;
}

function readAttribute(
  session: SessionDescription,
  m: SdpMedia | undefined,
  name: string,
  arg: string | undefined,
  n: number,
): void {
  const need = (): string => {
    if (arg === undefined || arg.length === 0) throw bad(n, `a=${name} needs a value`);
    return arg;
  };
  switch (name) {
    case 'ice-ufrag':
    case 'ice-pwd': {
      const v = need();
      if (!TOKEN.test(v)) throw bad(n, `bad ${name}`);
      if (m) m[name === 'ice-ufrag' ? 'iceUfrag' : 'icePwd'] = v;
      else session[name === 'ice-ufrag' ? 'iceUfrag' : 'icePwd'] = v;
      return;
    }
    case 'fingerprint': {
      const f = /^([\w-]+) ([0-9A-Fa-f:]+)$/.exec(need());
      if (!f) throw bad(n, 'malformed a=fingerprint');
      const fp = { algorithm: f[1]!.toLowerCase(), value: f[2]!.toUpperCase() };
      if (m) m.fingerprint = fp;
      else session.fingerprint = fp;
      return;
    }
    case 'setup':
      if (m) m.setup = need();
      else session.setup = need();
      return;
    case 'group': {
      const g = need().split(' ');
      if (g[0] === 'BUNDLE') session.bundle = g.slice(1);
      return;
    }
  }
  if (!m) return;
  if (DIRECTIONS.has(name)) {
    m.direction = name as Direction;
    return;
  }
  switch (name) {
    case 'mid':
      if (!TOKEN.test(need())) throw bad(n, 'bad a=mid');
      m.mid = need();
      return;
    case 'bundle-only':
      m.bundleOnly = true;
      return;
    case 'rtcp-rsize':
      m.rtcpRsize = true;
      return;
    case 'end-of-candidates':
      m.endOfCandidates = true;
      return;
    case 'candidate':
      m.candidates.push(need());
      return;
    case 'rtpmap': {
      const r = /^(\d+) ([\w.-]+)\/(\d+)(?:\/(\d+))?$/.exec(need());
      if (!r) throw bad(n, 'malformed a=rtpmap');
      m.rtpmap.set(int(r[1], n, 'payload type', 127), {
        name: r[2]!,
        clockRate: int(r[3], n, 'clock rate'),
        channels: r[4] === undefined ? undefined : int(r[4], n, 'channels', 8),
      });
      return;
    }
    case 'fmtp': {
      const f = /^(\d+) (.*)$/.exec(need());
      if (!f) throw bad(n, 'malformed a=fmtp');
      m.fmtp.set(int(f[1], n, 'payload type', 127), f[2]!);
      return;
    }
    case 'rtcp-fb': {
      const f = /^(\d+|\*) ([\w-]+)(?: (.+))?$/.exec(need());
      if (!f) throw bad(n, 'malformed a=rtcp-fb');
      m.rtcpFb.push({
        pt: f[1] === '*' ? '*' : int(f[1], n, 'payload type', 127),
        type: f[2]!,
        parameter: f[3],
      });
      return;
    }
    case 'extmap': {
      const e = /^(\d+)(?:\/\w+)? (\S+)/.exec(need());
      if (!e) throw bad(n, 'malformed a=extmap');
      m.extmap.push({ id: int(e[1], n, 'extension id', 255), uri: e[2]! });
      return;
    }
    case 'ssrc': {
      const s = /^(\d+) ([\w-]+)(?::(.*))?$/.exec(need());
      if (!s) throw bad(n, 'malformed a=ssrc');
      m.ssrcs.push({ id: int(s[1], n, 'ssrc'), attribute: s[2]!, value: s[3] });
      return;
    }
    case 'ssrc-group': {
      const [semantics, ...ids] = need().split(' ');
      m.ssrcGroups.push({ semantics: semantics!, ssrcs: ids.map((i) => int(i, n, 'ssrc')) });
      return;
    }
    case 'rid': {
      const r = /^([\w-]{1,16}) (send|recv)(?: .*)?$/.exec(need());
      if (!r) throw bad(n, 'malformed a=rid');
      m.rids.push({ id: r[1]!, direction: r[2]! });
      return;
    }
    case 'simulcast':
      m.simulcast = need();
      return;
  }
}

/** The ICE credentials of a media section (media level first, then session level). */
export function iceOf(
  session: SessionDescription,
  m: SdpMedia | undefined,
): { ufrag: string | undefined; pwd: string | undefined } {
  return { ufrag: m?.iceUfrag ?? session.iceUfrag, pwd: m?.icePwd ?? session.icePwd };
}
