import type { types } from 'mediasoup';
import type { MediaPlan } from './negotiate.ts';

/** What our side of one section sends (WHEP): the consumer's SSRCs and stream ids. */
export interface SendInfo {
  ssrc: number;
  cname: string;
  streamId: string;
  trackId: string;
}

export interface AnswerInput {
  sessionVersion: number;
  plans: MediaPlan[];
  transport: Pick<types.WebRtcTransport, 'iceParameters' | 'iceCandidates' | 'dtlsParameters'>;
  /** Our DTLS role: `passive` when the offerer is the DTLS client (actpass/active). */
  setup: 'active' | 'passive';
  /** recvonly for WHIP (we receive), sendonly for WHEP. */
  direction: 'recvonly' | 'sendonly';
  /** WHEP: the consumer behind each accepted section, by mid. */
  send?: Map<string, SendInfo>;
  /** WHIP: rid-based simulcast sections get `a=rid:<id> recv` + `a=simulcast:recv`. */
}

/** `a=candidate` lines for mediasoup's (ICE-lite) candidates. */
export function candidateLines(transport: Pick<types.WebRtcTransport, 'iceCandidates'>): string[] {
  return transport.iceCandidates.map(
    (c) =>
      `a=candidate:${c.foundation} 1 ${c.protocol} ${c.priority} ${c.address} ${c.port} typ ${c.type}` +
      (c.protocol === 'tcp' ? ` tcptype ${c.tcpType ?? 'passive'}` : ''),
  );
}

/**
 * The SDP answer (JSEP rules): one section per offered section in the same order, rejected ones
 * with port 0, accepted ones BUNDLEd on the single mediasoup transport, ICE-lite.
 */
export function writeAnswer(input: AnswerInput): string {
  const { transport, plans } = input;
  const fingerprint =
    transport.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256') ??
    transport.dtlsParameters.fingerprints[0]!;
  const accepted = plans.filter((p) => p.accepted).map((p) => p.media.mid!);
  const lines = [
    'v=0',
    `o=- ${Date.now()} ${input.sessionVersion} IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'a=ice-lite',
    `a=group:BUNDLE ${accepted.join(' ')}`,
    'a=msid-semantic: WMS *',
  ];
  let first = true;
  for (const plan of plans) {
    const m = plan.media;
    const a = plan.accepted;
    if (!a) {
      const formats = m.payloadTypes.length > 0 ? m.payloadTypes.join(' ') : '0';
      lines.push(`m=${m.kind} 0 ${m.protocol} ${formats}`, 'c=IN IP4 0.0.0.0');
      if (m.mid !== undefined) lines.push(`a=mid:${m.mid}`);
      lines.push('a=inactive');
      continue;
    }
    const pts = a.rtxPt === undefined ? [a.pt] : [a.pt, a.rtxPt];
    lines.push(
      `m=${a.kind} 9 UDP/TLS/RTP/SAVPF ${pts.join(' ')}`,
      'c=IN IP4 0.0.0.0',
      'a=rtcp:9 IN IP4 0.0.0.0',
      `a=ice-ufrag:${transport.iceParameters.usernameFragment}`,
      `a=ice-pwd:${transport.iceParameters.password}`,
      'a=ice-options:renomination',
      `a=fingerprint:${fingerprint.algorithm} ${fingerprint.value}`,
      `a=setup:${input.setup}`,
      `a=mid:${m.mid}`,
      `a=${input.direction}`,
      'a=rtcp-mux',
      'a=rtcp-rsize',
    );
    for (const e of a.extmap) lines.push(`a=extmap:${e.id} ${e.uri}`);
    const name = a.mimeType.split('/')[1]!;
    lines.push(
      `a=rtpmap:${a.pt} ${name}/${a.clockRate}${a.channels !== undefined ? `/${a.channels}` : ''}`,
    );
    if (a.fmtp) lines.push(`a=fmtp:${a.pt} ${a.fmtp}`);
    for (const fb of a.rtcpFb) lines.push(`a=rtcp-fb:${a.pt} ${fb}`);
    if (a.rtxPt !== undefined) {
      lines.push(`a=rtpmap:${a.rtxPt} rtx/${a.clockRate}`, `a=fmtp:${a.rtxPt} apt=${a.pt}`);
    }
    const rids = m.rids.filter((r) => r.direction === 'send');
    if (input.direction === 'recvonly' && rids.length > 0) {
      for (const r of rids) lines.push(`a=rid:${r.id} recv`);
      lines.push(`a=simulcast:recv ${rids.map((r) => r.id).join(';')}`);
    }
    const send = input.send?.get(m.mid!);
    if (send) {
      lines.push(
        `a=msid:${send.streamId} ${send.trackId}`,
        `a=ssrc:${send.ssrc} cname:${send.cname}`,
        `a=ssrc:${send.ssrc} msid:${send.streamId} ${send.trackId}`,
      );
    }
    // Candidates once (BUNDLE): on the first accepted section.
    if (first) lines.push(...candidateLines(transport), 'a=end-of-candidates');
    first = false;
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The body of a 200 answer to an ICE restart (RFC 8840 sdpfrag): new credentials, candidates. */
export function writeRestartFragment(
  transport: Pick<types.WebRtcTransport, 'iceParameters' | 'iceCandidates'>,
  first: { kind: string; mid: string },
): string {
  const lines = [
    'a=ice-lite',
    `a=ice-ufrag:${transport.iceParameters.usernameFragment}`,
    `a=ice-pwd:${transport.iceParameters.password}`,
    `m=${first.kind} 9 UDP/TLS/RTP/SAVPF 0`,
    `a=mid:${first.mid}`,
    ...candidateLines(transport),
    'a=end-of-candidates',
  ];
  return `${lines.join('\r\n')}\r\n`;
}
