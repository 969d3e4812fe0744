import { describe, expect, it } from 'vitest';
import type { types } from 'mediasoup-client';
import { audioCodecOptions, pickAudioCodec, pickVideoCodec } from './codecs.ts';

const vp8: types.RtpCodecCapability = {
  kind: 'video',
  mimeType: 'video/VP8',
  preferredPayloadType: 96,
  clockRate: 90000,
};
const h264Baseline: types.RtpCodecCapability = {
  kind: 'video',
  mimeType: 'video/H264',
  preferredPayloadType: 100,
  clockRate: 90000,
  parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' },
};
const h264Mode0: types.RtpCodecCapability = {
  kind: 'video',
  mimeType: 'video/H264',
  preferredPayloadType: 100,
  clockRate: 90000,
  parameters: { 'packetization-mode': 0, 'profile-level-id': '42e01f' },
};
const h264High: types.RtpCodecCapability = {
  kind: 'video',
  mimeType: 'video/H264',
  preferredPayloadType: 100,
  clockRate: 90000,
  parameters: { 'packetization-mode': 1, 'profile-level-id': '640032' },
};
const opus: types.RtpCodecCapability = {
  kind: 'audio',
  mimeType: 'audio/opus',
  preferredPayloadType: 111,
  clockRate: 48000,
  channels: 2,
};

describe('pickVideoCodec', () => {
  it('prefers H264 when available', () => {
    expect(pickVideoCodec({ codecs: [opus, vp8, h264Baseline] })).toBe(h264Baseline);
  });

  it('falls back to VP8 without H264', () => {
    expect(pickVideoCodec({ codecs: [opus, vp8] })).toBe(vp8);
  });

  it('honours an explicit VP8 preference', () => {
    expect(pickVideoCodec({ codecs: [h264Baseline, vp8] }, 'vp8')).toBe(vp8);
  });

  it('falls back to H264 when VP8 is preferred but missing', () => {
    expect(pickVideoCodec({ codecs: [h264Baseline] }, 'vp8')).toBe(h264Baseline);
  });

  it('picks packetization-mode 1 constrained baseline among H264 variants', () => {
    expect(pickVideoCodec({ codecs: [h264Mode0, h264High, h264Baseline] })).toBe(h264Baseline);
    expect(pickVideoCodec({ codecs: [h264Mode0, h264High] })).toBe(h264High);
  });

  it('matches mime types case-insensitively', () => {
    const lower = { ...vp8, mimeType: 'video/vp8' };
    expect(pickVideoCodec({ codecs: [lower] })).toBe(lower);
  });

  it('returns undefined when neither codec exists', () => {
    expect(pickVideoCodec({ codecs: [opus] })).toBeUndefined();
    expect(pickVideoCodec({})).toBeUndefined();
  });
});

describe('audio', () => {
  it('finds opus', () => {
    expect(pickAudioCodec({ codecs: [vp8, opus] })).toBe(opus);
  });

  it('turns DTX off', () => {
    expect(audioCodecOptions().opusDtx).toBe(false);
  });
});
