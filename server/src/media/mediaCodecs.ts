import type { types } from 'mediasoup';

/**
 * Router codecs. H264 constrained-baseline first (what the browser camera mode prefers, and what
 * recording needs), VP8 as the fallback every WebRTC stack has, Opus for audio.
 */
export const mediaCodecs: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: {
      'packetization-mode': 1,
      'profile-level-id': '42e01f',
      'level-asymmetry-allowed': 1,
    },
  },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
];
