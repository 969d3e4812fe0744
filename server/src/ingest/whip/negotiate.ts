import { randomBytes } from 'node:crypto';
import type { types } from 'mediasoup';
import type { SdpMedia, SessionDescription } from './sdp.ts';
import { WhipError } from './WhipError.ts';

/**
 * Offer -> mediasoup: which m-sections we take, with which codec (the offer's payload types),
 * and the RtpParameters of a producer (WHIP) or the RtpCapabilities of a consumer (WHEP).
 */

export type MediaKind = 'audio' | 'video';

/** One offered m-section and what we answer for it. */
export interface MediaPlan {
  media: SdpMedia;
  /** Undefined: rejected (answered with port 0). */
  accepted:
    | {
        kind: MediaKind;
        /** The chosen codec's payload type (the offer's number) and its RTX, if any. */
        pt: number;
        rtxPt: number | undefined;
        mimeType: string;
        clockRate: number;
        channels: number | undefined;
        /** fmtp of the chosen codec, as answered. */
        fmtp: string | undefined;
        /** rtcp-fb types both sides support, e.g. `nack`, `nack pli`, `transport-cc`. */
        rtcpFb: string[];
        /** Header extensions both sides support (offer's ids). */
        extmap: { id: number; uri: string }[];
      }
    | undefined;
}

const RTCP_FB = new Set(['nack', 'nack pli', 'ccm fir', 'goog-remb', 'transport-cc']);

export function parseFmtp(fmtp: string | undefined): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (!fmtp) return out;
  for (const part of fmtp.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    out[key] = /^\d{1,9}$/.test(value) ? Number(value) : value;
  }
  return out;
}

/**
 * Whether an H264 profile-level-id is Constrained Baseline (RFC 6184 / the WebRTC profile table:
 * 42 x1xx0000, 4D 1xxx0000, 58 11xx0000), the only profile the router takes.
 */
export function isConstrainedBaseline(profileLevelId: unknown): boolean {
  if (typeof profileLevelId !== 'string' || !/^[0-9a-fA-F]{6}$/.test(profileLevelId)) return false;
  const idc = profileLevelId.slice(0, 2).toLowerCase();
  const iop = parseInt(profileLevelId.slice(2, 4), 16);
  if (idc === '42') return (iop & 0x4f) === 0x40;
  if (idc === '4d') return (iop & 0x8f) === 0x80;
  if (idc === '58') return (iop & 0xcf) === 0xc0;
  return false;
}

/** Whether an offered payload type is the router codec `cap`. */
function matches(m: SdpMedia, pt: number, cap: types.RtpCodecCapability): boolean {
  const map = m.rtpmap.get(pt);
  if (!map) return false;
  if (`${cap.kind}/${map.name}`.toLowerCase() !== cap.mimeType.toLowerCase()) return false;
  if (map.clockRate !== cap.clockRate) return false;
  if (cap.kind === 'audio' && (map.channels ?? 1) !== (cap.channels ?? 1)) return false;
  if (cap.mimeType.toLowerCase() === 'video/h264') {
    const p = parseFmtp(m.fmtp.get(pt));
    return (
      Number(p['packetization-mode'] ?? 0) === 1 && isConstrainedBaseline(p['profile-level-id'])
    );
  }
  return true;
}

function rtxFor(m: SdpMedia, pt: number): number | undefined {
  for (const candidate of m.payloadTypes) {
    const map = m.rtpmap.get(candidate);
    if (map?.name.toLowerCase() !== 'rtx') continue;
    if (Number(parseFmtp(m.fmtp.get(candidate))['apt']) === pt) return candidate;
  }
  return undefined;
}

function rtcpFbOf(m: SdpMedia, pt: number, supported: types.RtcpFeedback[] | undefined): string[] {
  const ours = new Set(
    (supported ?? []).map((f) => (f.parameter ? `${f.type} ${f.parameter}` : f.type)),
  );
  const out: string[] = [];
  for (const fb of m.rtcpFb) {
    if (fb.pt !== '*' && fb.pt !== pt) continue;
    const name = fb.parameter ? `${fb.type} ${fb.parameter}` : fb.type;
    if (RTCP_FB.has(name) && ours.has(name) && !out.includes(name)) out.push(name);
  }
  return out;
}

function extmapOf(
  m: SdpMedia,
  kind: MediaKind,
  caps: types.RtpCapabilities,
  sameIdsOnly: boolean,
): { id: number; uri: string }[] {
  return m.extmap.filter((e) =>
    (caps.headerExtensions ?? []).some(
      (h) =>
        h.uri === e.uri &&
        h.kind === kind &&
        h.direction !== 'inactive' &&
        (!sameIdsOnly || h.preferredId === e.id),
    ),
  );
}

/** A section's kind, if it is RTP audio or video we could take at all. */
function mediaKind(m: SdpMedia): MediaKind | undefined {
  if (m.kind !== 'audio' && m.kind !== 'video') return undefined;
  if (!m.protocol.includes('RTP/SAVPF')) return undefined;
  // Port 0 is a rejected section unless the offerer asked to bundle it (max-bundle).
  if (m.port === 0 && !m.bundleOnly) return undefined;
  return m.kind;
}

/**
 * The common checks of a WebRTC offer: mids, ICE credentials and a DTLS fingerprint (at session
 * level or in a section: BUNDLE shares one transport, and bundle-only sections may carry none).
 */
export function checkOffer(offer: SessionDescription): void {
  if (offer.media.length === 0) throw WhipError.badSdp('the offer has no media section');
  for (const m of offer.media)
    if (m.mid === undefined) throw WhipError.badSdp(`an m=${m.kind} section has no a=mid`);
  const some = (f: (m: SdpMedia) => unknown): boolean => offer.media.some((m) => f(m));
  if (!(offer.iceUfrag ?? '') && !some((m) => m.iceUfrag))
    throw WhipError.badSdp('the offer has no ICE credentials (a=ice-ufrag, a=ice-pwd)');
  if (!(offer.icePwd ?? '') && !some((m) => m.icePwd))
    throw WhipError.badSdp('the offer has no ICE credentials (a=ice-ufrag, a=ice-pwd)');
  if (!offer.fingerprint && !some((m) => m.fingerprint))
    throw WhipError.badSdp('the offer has no DTLS fingerprint (a=fingerprint)');
}

/**
 * WHIP: the sections to take and the codec of each. Our codec preference wins (the router's
 * order: H264 Constrained Baseline, which recording copies, before VP8 which it must transcode).
 * One audio and one video section at most; the rest are rejected.
 */
export function planPublish(offer: SessionDescription, caps: types.RtpCapabilities): MediaPlan[] {
  checkOffer(offer);
  const taken = new Set<MediaKind>();
  const offeredCodecs: string[] = [];
  const plans = offer.media.map((m): MediaPlan => {
    const kind = mediaKind(m);
    for (const pt of m.payloadTypes) {
      const map = m.rtpmap.get(pt);
      if (map && !['rtx', 'red', 'ulpfec', 'flexfec-03'].includes(map.name.toLowerCase()))
        offeredCodecs.push(`${m.kind}/${map.name}`);
    }
    if (!kind || taken.has(kind) || m.direction === 'recvonly' || m.direction === 'inactive')
      return { media: m, accepted: undefined };
    for (const cap of caps.codecs ?? []) {
      if (cap.kind !== kind || cap.mimeType.toLowerCase().endsWith('/rtx')) continue;
      const pt = m.payloadTypes.find((p) => matches(m, p, cap));
      if (pt === undefined) continue;
      taken.add(kind);
      const map = m.rtpmap.get(pt)!;
      return {
        media: m,
        accepted: {
          kind,
          pt,
          rtxPt: kind === 'video' ? rtxFor(m, pt) : undefined,
          mimeType: cap.mimeType,
          clockRate: map.clockRate,
          channels: map.channels,
          fmtp: m.fmtp.get(pt),
          rtcpFb: rtcpFbOf(m, pt, cap.rtcpFeedback),
          extmap: extmapOf(m, kind, caps, false),
        },
      };
    }
    return { media: m, accepted: undefined };
  });
  if (!plans.some((p) => p.accepted)) {
    const offered = [...new Set(offeredCodecs)].join(', ') || 'none';
    throw WhipError.unsupportedCodec(
      `no codec we can take: offered ${offered}; accepted are video/H264 (packetization-mode=1, ` +
        'Constrained Baseline), video/VP8 and audio/opus (48000/2)',
    );
  }
  return plans;
}

const RID_RANK: Record<string, number> = {
  q: 0,
  l: 0,
  low: 0,
  m: 1,
  mid: 1,
  medium: 1,
  h: 2,
  high: 2,
  f: 3,
  full: 3,
};

/** The encodings a section sends: SSRCs (with RTX pairs), simulcast rids, or one by MID. */
function encodingsOf(m: SdpMedia, rtx: boolean): types.RtpEncodingParameters[] {
  const sendRids = m.rids.filter((r) => r.direction === 'send');
  if (sendRids.length > 0) {
    const order = sendRids.map((r) => r.id);
    // mediasoup wants the lowest spatial layer first; clients list theirs in any order.
    const ranked = [...order].sort(
      (a, b) => (RID_RANK[a.toLowerCase()] ?? 9) - (RID_RANK[b.toLowerCase()] ?? 9),
    );
    return ranked.map((rid) => ({ rid }));
  }
  const fid = new Map<number, number>();
  for (const g of m.ssrcGroups)
    if (g.semantics === 'FID' && g.ssrcs.length === 2) fid.set(g.ssrcs[0]!, g.ssrcs[1]!);
  const secondary = new Set(fid.values());
  const sim = m.ssrcGroups.find((g) => g.semantics === 'SIM');
  const primaries = sim
    ? sim.ssrcs
    : [...new Set(m.ssrcs.map((s) => s.id))].filter((s) => !secondary.has(s)).slice(0, 1);
  if (primaries.length === 0) return [{}];
  return primaries.map((ssrc) => {
    const r = fid.get(ssrc);
    return rtx && r !== undefined ? { ssrc, rtx: { ssrc: r } } : { ssrc };
  });
}

/** A producer's RtpParameters for an accepted WHIP section. */
export function producerParameters(plan: MediaPlan): types.RtpParameters {
  const a = plan.accepted;
  if (!a) throw new Error('section not accepted');
  const m = plan.media;
  const parameters = parseFmtp(a.fmtp);
  const codecs: types.RtpCodecParameters[] = [
    {
      mimeType: a.mimeType,
      payloadType: a.pt,
      clockRate: a.clockRate,
      ...(a.kind === 'audio' ? { channels: a.channels ?? 1 } : {}),
      parameters,
      rtcpFeedback: a.rtcpFb.map((f) => {
        const [type, parameter] = f.split(' ');
        return parameter ? { type: type!, parameter } : { type: type! };
      }),
    },
  ];
  if (a.rtxPt !== undefined)
    codecs.push({
      mimeType: `${a.kind}/rtx`,
      payloadType: a.rtxPt,
      clockRate: a.clockRate,
      parameters: { apt: a.pt },
      rtcpFeedback: [],
    });
  const cname = m.ssrcs.find((s) => s.attribute === 'cname')?.value;
  return {
    mid: m.mid!,
    codecs,
    headerExtensions: a.extmap.map((e) => ({
      uri: e.uri as types.RtpHeaderExtensionUri,
      id: e.id,
      encrypt: false,
      parameters: {},
    })),
    encodings: encodingsOf(m, a.rtxPt !== undefined),
    rtcp: {
      cname: cname ?? randomBytes(8).toString('hex'),
      reducedSize: m.rtcpRsize,
    },
  };
}

/** What a WHEP viewer can receive of one camera producer. */
export interface ViewSource {
  kind: MediaKind;
  codec: types.RtpCodecParameters;
}

/**
 * WHEP: for each offered section, the camera producer of its kind whose codec the viewer offered
 * (we cannot transcode). Header extensions are answered only where the viewer's id is the router's
 * (mediasoup sends every consumer the router's ids).
 */
export function planView(
  offer: SessionDescription,
  sources: ViewSource[],
  caps: types.RtpCapabilities,
): MediaPlan[] {
  checkOffer(offer);
  const taken = new Set<MediaKind>();
  const plans = offer.media.map((m): MediaPlan => {
    const kind = mediaKind(m);
    const source = sources.find((s) => s.kind === kind);
    if (
      !kind ||
      !source ||
      taken.has(kind) ||
      m.direction === 'sendonly' ||
      m.direction === 'inactive'
    )
      return { media: m, accepted: undefined };
    const cap: types.RtpCodecCapability = {
      kind,
      preferredPayloadType: 0,
      mimeType: source.codec.mimeType as types.RtpCodecCapability['mimeType'],
      clockRate: source.codec.clockRate,
      ...(source.codec.channels !== undefined ? { channels: source.codec.channels } : {}),
    };
    const routerCodec = caps.codecs?.find(
      (c) => c.mimeType.toLowerCase() === cap.mimeType.toLowerCase(),
    );
    const pt = m.payloadTypes.find((p) => matches(m, p, cap) && sameH264(m, p, source.codec));
    if (pt === undefined) return { media: m, accepted: undefined };
    taken.add(kind);
    const params = source.codec.parameters ?? {};
    const fmtp = Object.entries(params)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(';');
    return {
      media: m,
      accepted: {
        kind,
        pt,
        rtxPt: undefined,
        mimeType: cap.mimeType,
        clockRate: cap.clockRate,
        channels: source.codec.channels,
        fmtp: fmtp || undefined,
        rtcpFb: rtcpFbOf(m, pt, routerCodec?.rtcpFeedback),
        extmap: extmapOf(m, kind, caps, true),
      },
    };
  });
  if (!plans.some((p) => p.accepted)) {
    const have = sources.map((s) => s.codec.mimeType).join(', ');
    throw WhipError.unsupportedCodec(
      `the offer cannot receive this camera: it sends ${have}; offer a recvonly section with that codec`,
    );
  }
  return plans;
}

/** H264 only: the viewer's payload type must be the producer's profile (no transcoding). */
function sameH264(m: SdpMedia, pt: number, codec: types.RtpCodecParameters): boolean {
  if (codec.mimeType.toLowerCase() !== 'video/h264') return true;
  const p = parseFmtp(m.fmtp.get(pt));
  return isConstrainedBaseline(p['profile-level-id']);
}

/** A consumer's RtpCapabilities for an accepted WHEP section: the offer's numbers. */
export function consumerCapabilities(plan: MediaPlan): types.RtpCapabilities {
  const a = plan.accepted;
  if (!a) throw new Error('section not accepted');
  return {
    codecs: [
      {
        kind: a.kind,
        mimeType: a.mimeType as types.RtpCodecCapability['mimeType'],
        preferredPayloadType: a.pt,
        clockRate: a.clockRate,
        ...(a.channels !== undefined ? { channels: a.channels } : {}),
        parameters: parseFmtp(a.fmtp),
        rtcpFeedback: a.rtcpFb.map((f) => {
          const [type, parameter] = f.split(' ');
          return parameter ? { type: type!, parameter } : { type: type! };
        }),
      },
    ],
    headerExtensions: a.extmap.map((e) => ({
      kind: a.kind,
      uri: e.uri as types.RtpHeaderExtensionUri,
      preferredId: e.id,
      direction: 'sendrecv' as const,
    })),
  };
}
