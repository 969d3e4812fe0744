/** Hand-written WebRTC offers for the WHIP/WHEP HTTP tests. */

const FP = Array.from({ length: 32 }, (_, i) => (i + 16).toString(16).toUpperCase()).join(':');

/** A hand-written max-bundle offer (audio + a bundle-only video section), codecs chosen per test. */
export function offer(o: { video?: string[]; audio?: boolean; bundleOnly?: boolean } = {}): string {
  const video = o.video ?? ['96 VP8/90000'];
  const lines = ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0'];
  const mids = [...(o.audio === false ? [] : ['0']), ...(video.length ? ['1'] : [])];
  lines.push(`a=group:BUNDLE ${mids.join(' ')}`);
  const transport = [
    'a=ice-ufrag:abcd',
    'a=ice-pwd:abcdefghijklmnopqrstuvwx',
    `a=fingerprint:sha-256 ${FP}`,
    'a=setup:actpass',
  ];
  let first = true;
  if (o.audio !== false) {
    lines.push('m=audio 9 UDP/TLS/RTP/SAVPF 111', 'c=IN IP4 0.0.0.0', ...transport);
    lines.push('a=mid:0', 'a=sendonly', 'a=rtcp-mux', 'a=rtpmap:111 opus/48000/2');
    lines.push('a=ssrc:1111 cname:test');
    first = false;
  }
  if (video.length) {
    const pts = video.map((v) => v.split(' ')[0]);
    const bundleOnly = !first && (o.bundleOnly ?? true);
    lines.push(
      `m=video ${bundleOnly ? 0 : 9} UDP/TLS/RTP/SAVPF ${pts.join(' ')}`,
      'c=IN IP4 0.0.0.0',
    );
    if (bundleOnly) lines.push('a=bundle-only');
    else lines.push(...transport);
    lines.push('a=mid:1', 'a=sendonly', 'a=rtcp-mux');
    for (const v of video) lines.push(`a=rtpmap:${v}`);
    lines.push('a=ssrc:2222 cname:test');
  }
  return `${lines.join('\r\n')}\r\n`;
}
