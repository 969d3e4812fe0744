import type { CodecPlan } from './codecPlan.ts';
import type { PlainTrackTarget } from './PlainCamera.ts';
import type { FfmpegInput } from './probe.ts';

function rtpOut(t: PlainTrackTarget): string[] {
  return [
    ...['-f', 'rtp', '-ssrc', String(t.ssrc), '-payload_type', String(t.payloadType)],
    `rtp://127.0.0.1:${t.rtpPort}?rtcpport=${t.rtcpPort}&pkt_size=1200`,
  ];
}

/**
 * ffmpeg's arguments for one pull into a PlainCamera. H264 is copied, with its parameter sets
 * repeated before every keyframe (cameras often send them only in the SDP); everything else is
 * transcoded (libx264 repeats them itself) to constrained-baseline H264 (libx264 ultrafast, zerolatency, a keyframe every 2 s).
 * Audio: Opus copied, other audio transcoded to Opus 48 kHz.
 */
export function ffmpegArgs(
  input: FfmpegInput,
  plan: CodecPlan,
  video: PlainTrackTarget,
  audio: PlainTrackTarget | null,
): string[] {
  const fps = Math.max(1, Math.round(plan.video.fps ?? 15));
  const videoCodec =
    plan.video.action === 'copy'
      ? ['-c:v', 'copy', '-bsf:v', input.h264Bsf]
      : [
          ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency'],
          ...['-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-g', String(fps * 2)],
          ...['-x264-params', 'repeat-headers=1'],
        ];
  const out = [
    ...['-hide_banner', '-nostdin', '-loglevel', 'warning'],
    // The probe already found the tracks: a short analysis gets media flowing sooner.
    ...['-analyzeduration', '1000000'],
    ...input.args,
    ...['-i', input.url],
    ...['-map', '0:v:0', ...videoCodec, '-an'],
    ...rtpOut(video),
  ];
  if (audio && plan.audio) {
    const audioCodec =
      plan.audio.action === 'copy'
        ? ['-c:a', 'copy']
        : ['-c:a', 'libopus', '-ar', '48000', '-ac', '2', '-b:a', '48k'];
    out.push('-map', '0:a:0', ...audioCodec, '-vn', ...rtpOut(audio));
  }
  return out;
}
