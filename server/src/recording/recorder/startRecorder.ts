import type { types } from 'mediasoup';
import { InProcessRecorder } from './InProcessRecorder.ts';
import { Recorder } from './Recorder.ts';
import type { RecorderRun, RecorderStartOptions } from './RecorderTypes.ts';

/** The in-process muxer handles H264 video and Opus audio (either may be absent). */
export function inProcessCapable(
  video: types.Producer | undefined,
  audio: types.Producer | undefined,
): boolean {
  const mime = (p: types.Producer | undefined): string | undefined =>
    p?.rtpParameters.codecs[0]?.mimeType.toLowerCase();
  return (!video || mime(video) === 'video/h264') && (!audio || mime(audio) === 'audio/opus');
}

/**
 * Starts a recorder run: in process for H264 (+ Opus) unless the config says ffmpeg; ffmpeg for
 * what needs a codec (VP8 is transcoded to H264 for fMP4/HLS players).
 */
export async function startRecorder(o: RecorderStartOptions): Promise<RecorderRun> {
  if (o.muxer === 'inprocess' && inProcessCapable(o.video, o.audio)) {
    return InProcessRecorder.start({
      router: o.router,
      video: o.video,
      audio: o.audio,
      segmentMs: o.segmentMs,
    });
  }
  return Recorder.start({
    router: o.router,
    video: o.video,
    audio: o.audio,
    ffmpegPath: o.ffmpegPath,
    segmentMs: o.segmentMs,
  });
}
