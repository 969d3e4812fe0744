import { describe, expect, it } from 'vitest';
import { planCodecs } from './codecPlan.ts';
import { classifyFailure } from './probe.ts';
import { redact } from './redact.ts';

describe('reading ffmpeg’s failures', () => {
  it('names unauthorized, unreachable and timeout from what ffmpeg prints', () => {
    expect(
      classifyFailure('rtsp://a:b@h/c: Server returned 401 Unauthorized (authorization failed)'),
    ).toMatchObject({ failure: 'unauthorized' });
    expect(
      classifyFailure('Connection to tcp://127.0.0.1:1?timeout=5000000 failed: Connection refused'),
    ).toMatchObject({ failure: 'unreachable' });
    expect(classifyFailure('method DESCRIBE failed: 404 Not Found')).toMatchObject({
      failure: 'unreachable',
      message: 'the camera has no stream at that path',
    });
    expect(
      classifyFailure('Connection to tcp://10.0.0.9:554 failed: Connection timed out'),
    ).toMatchObject({ failure: 'timeout' });
    expect(classifyFailure('something else')).toBeNull();
  });
});

describe('redaction', () => {
  it('masks userinfo in any URL, key/token query values and the given secrets', () => {
    const line = 'rtsp://admin:p%40ss@10.0.0.2/cam rtmp://h/live/x?key=abc&token=def p@ss';
    const out = redact(line, ['p@ss']);
    expect(out).toBe('rtsp://***@10.0.0.2/cam rtmp://h/live/x?key=***&token=*** ***');
  });
});

describe('codec plan', () => {
  const v = { codec: 'h264', width: 640, height: 360, fps: 15, hasBFrames: false };
  it('copies H264 without B-frames and Opus; transcodes H264 with B-frames, H265, MJPEG and G.711', () => {
    const copy = planCodecs(v, { codec: 'opus', sampleRate: 48000, channels: 2 });
    expect(copy.ok && [copy.plan.video.action, copy.plan.audio?.action]).toEqual(['copy', 'copy']);
    for (const video of [
      { ...v, hasBFrames: true },
      { ...v, codec: 'hevc' },
      { ...v, codec: 'mjpeg' },
    ]) {
      const p = planCodecs(video, { codec: 'pcm_alaw', sampleRate: 8000, channels: 1 });
      expect(p.ok && [p.plan.video.action, p.plan.audio?.action]).toEqual([
        'transcode',
        'transcode',
      ]);
    }
  });
  it('refuses unknown video and a stream without video, with a reason', () => {
    expect(planCodecs({ ...v, codec: 'vp9' }, null)).toMatchObject({
      ok: false,
      failure: 'unsupported-codec',
    });
    expect(planCodecs(null, null)).toMatchObject({ ok: false, failure: 'no-video' });
  });
  it('leaves out audio it cannot use', () => {
    const p = planCodecs(v, { codec: 'truehd', sampleRate: 48000, channels: 6 });
    expect(p.ok && p.plan.audio).toBeNull();
  });
});
