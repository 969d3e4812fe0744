import type { IngestFailure } from '@porchlight/protocol';

/** What ffprobe found in a source, per track (null: no such track). */
export interface ProbedVideo {
  codec: string;
  width: number | null;
  height: number | null;
  fps: number | null;
  /** H264 with B-frames cannot go to WebRTC viewers as is (no reordering in RTP). */
  hasBFrames: boolean;
}
export interface ProbedAudio {
  codec: string;
  sampleRate: number | null;
  channels: number | null;
}

export interface CodecPlan {
  video: ProbedVideo & { action: 'copy' | 'transcode' };
  audio: (ProbedAudio & { action: 'copy' | 'transcode' }) | null;
}

/** Video codecs decoded and transcoded to H264 (libx264 ultrafast, zerolatency): see docs/cameras.md. */
const TRANSCODED_VIDEO = new Set(['hevc', 'mjpeg', 'mpeg4']);
/** Audio codecs transcoded to Opus (cheap: a few % of one core). */
const TRANSCODED_AUDIO = new Set([
  'aac',
  'pcm_alaw',
  'pcm_mulaw',
  'mp3',
  'pcm_s16be',
  'pcm_s16le',
  'adpcm_g726',
  'adpcm_g726le',
]);

export type PlanResult =
  { ok: true; plan: CodecPlan } | { ok: false; failure: IngestFailure; message: string };

/**
 * H264 without B-frames passes through untouched; H264 with B-frames, H265, MJPEG and MPEG-4 are
 * transcoded to H264; anything else is refused. Opus passes through, common camera audio (AAC,
 * G.711, G.726, MP3, PCM) becomes Opus, other audio is left out (the camera still works silent).
 */
export function planCodecs(video: ProbedVideo | null, audio: ProbedAudio | null): PlanResult {
  if (!video) return { ok: false, failure: 'no-video', message: 'the stream has no video track' };
  let action: 'copy' | 'transcode';
  if (video.codec === 'h264') action = video.hasBFrames ? 'transcode' : 'copy';
  else if (TRANSCODED_VIDEO.has(video.codec)) action = 'transcode';
  else
    return {
      ok: false,
      failure: 'unsupported-codec',
      message: `video codec ${video.codec} is not supported (H264, H265, MJPEG or MPEG-4 are)`,
    };
  const plannedAudio =
    audio === null
      ? null
      : audio.codec === 'opus'
        ? { ...audio, action: 'copy' as const }
        : TRANSCODED_AUDIO.has(audio.codec)
          ? { ...audio, action: 'transcode' as const }
          : null;
  return { ok: true, plan: { video: { ...video, action }, audio: plannedAudio } };
}
