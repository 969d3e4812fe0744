import type { types } from 'mediasoup';

export interface SdpTrack {
  kind: 'audio' | 'video';
  port: number;
  rtcpPort: number;
  codec: types.RtpCodecParameters;
}

/** The SDP ffmpeg reads (from stdin) to receive the recorder's RTP; payload types from mediasoup. */
export function recorderSdp(ip: string, tracks: readonly SdpTrack[]): string {
  const lines = ['v=0', `o=- 0 0 IN IP4 ${ip}`, 's=porchlight-recorder', `c=IN IP4 ${ip}`, 't=0 0'];
  for (const t of tracks) {
    const [, name] = t.codec.mimeType.split('/');
    const pt = t.codec.payloadType;
    const channels = t.kind === 'audio' && t.codec.channels ? `/${t.codec.channels}` : '';
    lines.push(`m=${t.kind} ${t.port} RTP/AVP ${pt}`);
    lines.push(`a=rtcp:${t.rtcpPort}`);
    lines.push(`a=rtpmap:${pt} ${name}/${t.codec.clockRate}${channels}`);
    const fmtp = Object.entries(t.codec.parameters ?? {})
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(';');
    if (fmtp) lines.push(`a=fmtp:${pt} ${fmtp}`);
    lines.push('a=recvonly');
  }
  return lines.join('\r\n') + '\r\n';
}
