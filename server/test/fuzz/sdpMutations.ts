/**
 * Seeded mutations of SDP offers and trickle-ICE fragments for the media fuzz: truncated, huge,
 * wrong media and codecs, bad fingerprints and ICE credentials, unicode, missing and repeated
 * lines. Each returns the text and a short name of what it did (for the findings).
 */

/** A seeded PRNG in [0, 1) (mulberry32): the same seed gives the same run. */
export type Rng = () => number;

export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
export const int = (r: Rng, max: number): number => Math.floor(r() * (max + 1));

/** The lines of `sdp` (at least one, maybe empty: mutations may have emptied it). */
function lines(sdp: string): string[] {
  const ls = sdp.split('\r\n');
  if (ls.length > 1 && ls[ls.length - 1] === '') ls.pop();
  return ls;
}
const join = (ls: string[]): string => `${ls.join('\r\n')}\r\n`;

/** Replaces the value of every line starting with `prefix` (or adds one if none). */
function setLine(sdp: string, prefix: string, line: string): string {
  const ls = lines(sdp);
  const hit = ls.some((l) => l.startsWith(prefix));
  return join(hit ? ls.map((l) => (l.startsWith(prefix) ? line : l)) : [...ls, line]);
}

type Mutation = (sdp: string, r: Rng, junk: string) => string;

const MUTATIONS: Record<string, Mutation> = {
  truncate: (s, r) => s.slice(0, int(r, s.length - 1)),
  dropLine: (s, r) => {
    const ls = lines(s);
    ls.splice(int(r, ls.length - 1), 1);
    return join(ls);
  },
  dropAll: (s, r) => {
    const prefix = pick(r, [
      'a=ice-ufrag',
      'a=ice-pwd',
      'a=fingerprint',
      'a=setup',
      'a=mid',
      'a=group',
      'a=rtpmap',
      'a=rtcp-mux',
      'a=ssrc',
      'm=',
      'c=',
      'v=',
      'o=',
    ]);
    return join(lines(s).filter((l) => !l.startsWith(prefix)));
  },
  repeatLine: (s, r) => {
    const ls = lines(s);
    const at = int(r, ls.length - 1);
    ls.splice(at, 0, ...Array<string>(1 + int(r, 50)).fill(ls[at]!));
    return join(ls);
  },
  junkValue: (s, r, junk) => {
    const ls = lines(s);
    const at = int(r, ls.length - 1);
    const l = ls[at]!;
    const cut = Math.max(l.indexOf(':'), l.indexOf('=')) + 1;
    ls[at] = l.slice(0, cut) + junk;
    return join(ls);
  },
  junkLine: (s, r, junk) => {
    const ls = lines(s);
    ls.splice(int(r, ls.length), 0, pick(r, [junk, `a=${junk}`, `m=${junk}`, `x=${junk}`]));
    return join(ls);
  },
  codec: (s, r) =>
    s.replace(
      /(VP8|opus|H264)\//g,
      `${pick(r, ['H265', 'AV1X', 'FOO', '', 'vp8', 'OPUS', 'telephone-event', 'rtx', 'red'])}/`,
    ),
  clockRate: (s, r) => s.replace(/\/(90000|48000)/g, `/${pick(r, ['0', '-1', 'abc', '1e9', ''])}`),
  payloadType: (s, r) => {
    const pt = pick(r, ['999', '-1', 'abc', '128', '0', '96 96 96', '', '127 35']);
    return s.replace(/^(m=\w+ \d+ \S+) .*$/gm, `$1 ${pt}`);
  },
  fingerprint: (s, r, junk) =>
    setLine(
      s,
      'a=fingerprint:',
      pick(r, [
        'a=fingerprint:sha-1 00',
        'a=fingerprint:md5 ZZ:ZZ',
        'a=fingerprint:sha-256',
        'a=fingerprint:sha-256 ' + 'GG:'.repeat(31) + 'GG',
        'a=fingerprint:sha-512 ' + 'AB:'.repeat(63) + 'AB',
        'a=fingerprint:foo ' + 'AB:'.repeat(31) + 'AB',
        'a=fingerprint: ',
        `a=fingerprint:${junk}`,
        `a=fingerprint:sha-256 ${junk}`,
      ]),
    ),
  iceUfrag: (s, r, junk) =>
    setLine(
      s,
      'a=ice-ufrag:',
      `a=ice-ufrag:${pick(r, ['', 'x', 'A'.repeat(300), '😀', 'a b', junk])}`,
    ),
  icePwd: (s, r, junk) =>
    setLine(
      s,
      'a=ice-pwd:',
      `a=ice-pwd:${pick(r, ['', 'short', 'B'.repeat(500), '\u202e', junk])}`,
    ),
  iceOptions: (s, r, junk) =>
    setLine(
      s,
      'a=ice-options:',
      `a=ice-options:${pick(r, ['trickle', 'ice2', 'renomination', junk])}`,
    ),
  media: (s, r) =>
    s.replace(
      /^m=(audio|video)/gm,
      `m=${pick(r, ['application', 'text', 'message', 'VIDEO', '', 'video video', 'image'])}`,
    ),
  protocol: (s, r, junk) =>
    s.replace(
      /UDP\/TLS\/RTP\/SAVPF/g,
      pick(r, [
        'RTP/AVP',
        'UDP/DTLS/SCTP',
        'TCP/TLS/RTP/SAVPF',
        'RTP/SAVP',
        junk.replace(/\s/g, ''),
      ]),
    ),
  port: (s, r) => s.replace(/^(m=\w+) \d+/gm, `$1 ${pick(r, ['-1', '70000', 'abc', '9/2', ''])}`),
  lineEndings: (s, r) => s.replace(/\r\n/g, pick(r, ['\n', '\r', '\r\r\n', '\n\r', '\u2028'])),
  unicode: (s, r) => {
    const ls = lines(s);
    const at = int(r, ls.length - 1);
    const u = pick(r, ['\u202e', '😀', '\u0000', '\ud800', '\ufeff', 'é', '\u2066', '\u0085']);
    const l = ls[at]!;
    const cut = int(r, l.length);
    ls[at] = l.slice(0, cut) + u + l.slice(cut);
    return join(ls);
  },
  direction: (s, r) =>
    s.replace(
      /^a=(sendonly|recvonly|sendrecv|inactive)$/gm,
      `a=${pick(r, ['sendonly', 'recvonly', 'sendrecv', 'inactive', 'sendonly\r\na=recvonly'])}`,
    ),
  setup: (s, r, junk) =>
    setLine(
      s,
      'a=setup:',
      `a=setup:${pick(r, ['active', 'passive', 'holdconn', 'actpass', junk])}`,
    ),
  bundle: (s, r, junk) =>
    setLine(
      s,
      'a=group:',
      pick(r, [
        'a=group:BUNDLE',
        'a=group:BUNDLE 7 8 9',
        'a=group:BUNDLE 0 0 0 0',
        `a=group:BUNDLE ${Array.from({ length: 1000 }, (_, i) => i).join(' ')}`,
        'a=group:LS 0 1',
        `a=group:${junk}`,
      ]),
    ),
  mid: (s, r, junk) =>
    s.replace(/^a=mid:.*$/gm, `a=mid:${pick(r, ['0', '', 'x'.repeat(300), '😀', junk])}`),
  simulcast: (s, r) =>
    s.replace(
      /^(a=mid:1)$/m,
      `$1\r\n${pick(r, [
        'a=rid:h send\r\na=rid:m send\r\na=rid:l send\r\na=simulcast:send h;m;l',
        'a=simulcast:send h;m;l',
        'a=rid:h send\r\na=simulcast:send ~h;;;',
        `a=rid:${'r'.repeat(100)} send\r\na=simulcast:send ${'r'.repeat(100)}`,
        Array.from({ length: 64 }, (_, i) => `a=rid:r${i} send`).join('\r\n') +
          `\r\na=simulcast:send ${Array.from({ length: 64 }, (_, i) => `r${i}`).join(';')}`,
        'a=rid:h recv pt=999;max-width=-1\r\na=simulcast:recv h',
      ])}`,
    ),
  attribute: (s, r, junk) =>
    s.replace(
      /^(a=mid:\w+)$/m,
      `$1\r\n${pick(r, [
        'a=extmap:0 urn:x',
        'a=extmap:15000 urn:ietf:params:rtp-hdrext:sdes:mid',
        `a=extmap:${junk}`,
        `a=fmtp:96 ${junk}`,
        'a=fmtp:96 profile-level-id=zzzzzz;packetization-mode=9',
        'a=rtcp-fb:96 nack pli ccm fir goog-remb transport-cc x y z',
        'a=ssrc:0 cname:x',
        'a=ssrc:4294967296 cname:x',
        'a=ssrc-group:FID 1 2 3 4 5',
        `a=ssrc:1 msid:${junk}`,
        'a=candidate:1 1 udp 2130706431 999.999.1.1 99999 typ host',
        'a=candidate:1 1 tcp 1 127.0.0.1 9 typ host tcptype active',
        `a=candidate:${junk}`,
        'a=sctp-port:5000',
        'a=max-message-size:-1',
      ])}`,
    ),
  manySections: (s, r) => {
    const m = /(m=video[\s\S]*)$/.exec(s);
    if (!m) return s;
    const n = 2 + int(r, 300);
    const copies = Array.from({ length: n }, (_, i) => m[1]!.replace(/a=mid:\S+/, `a=mid:v${i}`));
    return s + copies.join('');
  },
  huge: (s, r) => {
    // Near the 64 KiB limit, at it, or well beyond (413).
    const target = pick(r, [30_000, 65_000, 65_536, 70_000, 300_000]);
    const pad = 'a=x-padding:' + 'p'.repeat(100) + '\r\n';
    return s + pad.repeat(Math.max(0, Math.ceil((target - s.length) / pad.length)));
  },
  empty: () => '',
  binary: (_s, r) =>
    Array.from({ length: int(r, 2000) }, () => String.fromCharCode(int(r, 255))).join(''),
};

export const SDP_MUTATIONS = Object.keys(MUTATIONS);

/** 1 to 3 mutations of `sdp`; `junk` supplies a hostile string. */
export function mutateSdp(sdp: string, r: Rng, junk: () => string): { text: string; how: string } {
  let text = sdp;
  const how: string[] = [];
  for (let i = 0, n = 1 + int(r, 2); i < n; i++) {
    const name = pick(r, SDP_MUTATIONS);
    text = MUTATIONS[name]!(text, r, junk());
    how.push(name);
  }
  return { text, how: how.join('+') };
}

/** A trickle-ICE fragment (RFC 8840) for the session's ufrag, valid or broken. */
export function trickleFragment(
  ufrag: string,
  r: Rng,
  junk: () => string,
): { text: string; how: string } {
  const head = `a=ice-ufrag:${ufrag}\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n`;
  const cand = (i: number): string =>
    `a=candidate:${i} 1 udp 2130706431 127.0.0.1 ${5000 + i} typ host\r\n`;
  const section = 'm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\n';
  const variants: Record<string, () => string> = {
    valid: () => `${head}${section}${cand(1)}`,
    endOfCandidates: () => `${head}${section}${cand(1)}a=end-of-candidates\r\n`,
    restart: () => `a=ice-ufrag:r${int(r, 1e6)}\r\na=ice-pwd:zyxwvutsrqponmlkjihgfedc\r\n`,
    wrongUfrag: () => `a=ice-ufrag:nope\r\na=ice-pwd:x\r\n${section}${cand(1)}`,
    noMid: () => `${head}m=audio 9 UDP/TLS/RTP/SAVPF 0\r\n${cand(1)}`,
    unknownMid: () => `${head}m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:77\r\n${cand(1)}`,
    badCandidate: () =>
      `${head}${section}${pick(r, [
        `a=candidate:${junk()}`,
        'a=candidate:1 1 udp 2130706431 999.999.999.999 5000 typ host',
        'a=candidate:1 1 udp -5 127.0.0.1 -1 typ host',
        'a=candidate:1 1 udp 1 abcd.local 5000 typ host',
        'a=candidate:1 1 sctp 1 127.0.0.1 5000 typ relay raddr x rport y',
        'a=candidate:1',
      ])}\r\n`,
    manyCandidates: () =>
      `${head}${section}${Array.from({ length: 500 }, (_, i) => cand(i)).join('')}`,
    garbage: () => junk(),
    empty: () => '',
    onlyEnd: () => 'a=end-of-candidates\r\n',
  };
  const how = pick(r, Object.keys(variants));
  const text = variants[how]!();
  if (r() < 0.2) {
    const m = mutateSdp(text, r, junk);
    return { text: m.text, how: `${how}+${m.how}` };
  }
  return { text, how };
}
