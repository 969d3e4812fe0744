import type { types } from 'mediasoup-client';
import type { ProducerCodecOptions } from 'mediasoup-client/types';

/** Video codecs the SDK publishes with (H264 preferred, VP8 otherwise). */
export type VideoCodecName = 'h264' | 'vp8';

const MIME: Record<VideoCodecName, string> = { h264: 'video/h264', vp8: 'video/vp8' };

/**
 * Rank of an H264 variant: packetization-mode 1 is what hardware encoders and mediasoup expect;
 * constrained baseline (profile-level-id 42e0xx / 42e01f) decodes everywhere, including iOS.
 */
function h264Rank(codec: types.RtpCodecCapability): number {
  const params = codec.parameters as Record<string, unknown> | undefined;
  let rank = 0;
  if (Number(params?.['packetization-mode'] ?? 0) === 1) rank += 2;
  const profile = String(params?.['profile-level-id'] ?? '').toLowerCase();
  if (profile.startsWith('42e0')) rank += 1;
  return rank;
}

function findCodec(
  codecs: readonly types.RtpCodecCapability[],
  name: VideoCodecName,
): types.RtpCodecCapability | undefined {
  const matching = codecs.filter((c) => c.mimeType.toLowerCase() === MIME[name]);
  if (name !== 'h264') return matching[0];
  return matching.reduce<types.RtpCodecCapability | undefined>(
    (best, c) => (best === undefined || h264Rank(c) > h264Rank(best) ? c : best),
    undefined,
  );
}

/**
 * The video codec to send with, from the device's send capabilities: the preferred one if the
 * browser and router share it, else the other of H264/VP8, else undefined (mediasoup-client then
 * uses the first common codec).
 */
export function pickVideoCodec(
  capabilities: types.RtpCapabilities,
  preferred: VideoCodecName = 'h264',
): types.RtpCodecCapability | undefined {
  const codecs = capabilities.codecs ?? [];
  const fallback: VideoCodecName = preferred === 'h264' ? 'vp8' : 'h264';
  return findCodec(codecs, preferred) ?? findCodec(codecs, fallback);
}

/** Opus for speech from a doorstep: DTX off, so silence is not mistaken for a dead stream. */
export function audioCodecOptions(): ProducerCodecOptions {
  return { opusDtx: false, opusFec: true, opusStereo: false };
}

/** The opus codec of the capabilities, if any. */
export function pickAudioCodec(
  capabilities: types.RtpCapabilities,
): types.RtpCodecCapability | undefined {
  return (capabilities.codecs ?? []).find((c) => c.mimeType.toLowerCase() === 'audio/opus');
}
