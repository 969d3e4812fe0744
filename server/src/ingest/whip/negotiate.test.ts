import { describe, expect, it } from 'vitest';
import type { types } from 'mediasoup';
import { mediaCodecs } from '../../media/mediaCodecs.ts';
import { isConstrainedBaseline, planPublish, producerParameters } from './negotiate.ts';
import { parseSdp } from './sdp.ts';
import { iceServerLinks } from './linkHeaders.ts';
import { WhipError } from './WhipError.ts';

/** Router capabilities shaped like mediasoup's for our codecs (ids as mediasoup assigns). */
const caps: types.RtpCapabilities = {
  codecs: [
    { ...mediaCodecs[0]!, preferredPayloadType: 100, rtcpFeedback: [{ type: 'transport-cc' }] },
    {
      ...mediaCodecs[1]!,
      preferredPayloadType: 101,
      rtcpFeedback: [
        { type: 'nack' },
        { type: 'nack', parameter: 'pli' },
        { type: 'ccm', parameter: 'fir' },
        { type: 'goog-remb' },
        { type: 'transport-cc' },
      ],
    },
    {
      kind: 'video',
      mimeType: 'video/rtx',
      clockRate: 90000,
      preferredPayloadType: 102,
      parameters: { apt: 101 },
    },
    { ...mediaCodecs[2]!, preferredPayloadType: 103, rtcpFeedback: [{ type: 'nack' }] },
  ],
  headerExtensions: [
    {
      kind: 'video',
      uri: 'urn:ietf:params:rtp-hdrext:sdes:mid',
      preferredId: 1,
      direction: 'sendrecv',
    },
    {
      kind: 'video',
      uri: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
      preferredId: 2,
      direction: 'recvonly',
    },
  ],
};

const HEAD = [
  'v=0',
  'o=- 1 1 IN IP4 0.0.0.0',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'a=ice-ufrag:u',
  'a=ice-pwd:pppppppppppppppppppppp',
  'a=fingerprint:sha-256 AA:BB',
];

function sdp(lines: string[]): string {
  return [...HEAD, ...lines].join('\r\n') + '\r\n';
}

describe('SDP reader', () => {
  it('names the broken line', () => {
    expect(() => parseSdp('v=0\r\nm=video x\r\n')).toThrow(/line 2: malformed m= line/);
    expect(() => parseSdp('hello')).toThrow(WhipError);
    expect(() =>
      parseSdp('v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:300 VP8/90000\r\n'),
    ).toThrow(/payload type is out of range/);
  });
});

describe('planPublish', () => {
  it('prefers H264 Constrained Baseline over VP8, keeps its RTX and shared rtcp-fb, skips other profiles', () => {
    const offer = parseSdp(
      sdp([
        'm=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 100',
        'a=mid:0',
        'a=sendonly',
        'a=rtcp-rsize',
        'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
        'a=extmap:9 urn:ietf:params:rtp-hdrext:toffset',
        'a=rtpmap:96 VP8/90000',
        'a=rtpmap:97 H264/90000',
        'a=fmtp:97 packetization-mode=1;profile-level-id=640c1f',
        'a=rtpmap:98 H264/90000',
        'a=fmtp:98 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
        'a=rtcp-fb:98 nack pli',
        'a=rtcp-fb:98 goog-lntf',
        'a=rtpmap:99 rtx/90000',
        'a=fmtp:99 apt=98',
        'a=rtpmap:100 rtx/90000',
        'a=fmtp:100 apt=96',
        'a=ssrc-group:FID 11 12',
        'a=ssrc:11 cname:cam',
        'a=ssrc:12 cname:cam',
      ]),
    );
    const [plan] = planPublish(offer, caps);
    expect(plan!.accepted).toMatchObject({
      pt: 98,
      rtxPt: 99,
      mimeType: 'video/H264',
      rtcpFb: ['nack pli'],
    });
    // toffset is not something the router takes; mid is (the offer's id is kept for a producer).
    expect(plan!.accepted!.extmap).toEqual([{ id: 4, uri: 'urn:ietf:params:rtp-hdrext:sdes:mid' }]);
    const rtp = producerParameters(plan!);
    expect(rtp.mid).toBe('0');
    expect(rtp.encodings).toEqual([{ ssrc: 11, rtx: { ssrc: 12 } }]);
    expect(rtp.rtcp).toMatchObject({ cname: 'cam', reducedSize: true });
    expect(rtp.codecs.map((c) => c.payloadType)).toEqual([98, 99]);
  });

  it('orders rid simulcast lowest first, whatever order the client lists', () => {
    const offer = parseSdp(
      sdp([
        'm=video 9 UDP/TLS/RTP/SAVPF 96',
        'a=mid:0',
        'a=sendonly',
        'a=rtpmap:96 VP8/90000',
        'a=rid:h send',
        'a=rid:m send',
        'a=rid:l send',
        'a=simulcast:send h;m;l',
      ]),
    );
    const rtp = producerParameters(planPublish(offer, caps)[0]!);
    expect(rtp.encodings).toEqual([{ rid: 'l' }, { rid: 'm' }, { rid: 'h' }]);
  });

  it('refuses an offer with nothing we take, naming what was offered', () => {
    const offer = parseSdp(
      sdp(['m=video 9 UDP/TLS/RTP/SAVPF 96', 'a=mid:0', 'a=sendonly', 'a=rtpmap:96 H265/90000']),
    );
    expect(() => planPublish(offer, caps)).toThrow(/offered video\/H265/);
    try {
      planPublish(offer, caps);
    } catch (e) {
      expect((e as WhipError).status).toBe(406);
    }
  });

  it('recognises Constrained Baseline profile-level-ids only', () => {
    expect(isConstrainedBaseline('42e01f')).toBe(true);
    expect(isConstrainedBaseline('42c01f')).toBe(true);
    expect(isConstrainedBaseline('4d801f')).toBe(true);
    expect(isConstrainedBaseline('42001f')).toBe(false); // Baseline
    expect(isConstrainedBaseline('640c1f')).toBe(false); // Constrained High
    expect(isConstrainedBaseline(undefined)).toBe(false);
  });
});

describe('iceServerLinks', () => {
  it('writes RFC 9725 Link values with quoted TURN credentials', () => {
    const links = iceServerLinks([
      { urls: 'stun:box.local:3478' },
      {
        urls: ['turn:box.local:3478?transport=udp', 'turns:box.local:5349?transport=tcp'],
        username: '1700000000:device.x.site',
        credential: 'a"b\\c',
      },
      { urls: 'https://not-ice' },
    ]);
    expect(links).toEqual([
      '<stun:box.local:3478>; rel="ice-server"',
      '<turn:box.local:3478?transport=udp>; rel="ice-server"; username="1700000000:device.x.site"; credential="a\\"b\\\\c"; credential-type="password"',
      '<turns:box.local:5349?transport=tcp>; rel="ice-server"; username="1700000000:device.x.site"; credential="a\\"b\\\\c"; credential-type="password"',
    ]);
  });
});
