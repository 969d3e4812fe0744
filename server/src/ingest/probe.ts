import type { IngestFailure } from '@porchlight/protocol';
import { spawnTied } from '../recording/recorder/spawnTied.ts';
import { planCodecs, type CodecPlan, type ProbedAudio, type ProbedVideo } from './codecPlan.ts';
import { redact } from './redact.ts';

/** An ffmpeg input: the options before `-i`, the URL (may hold credentials), what to redact. */
export interface FfmpegInput {
  args: readonly string[];
  url: string;
  secrets: readonly string[];
  /**
   * How copied H264 gets its parameter sets in-band before each keyframe: RTSP's are Annex B (in
   * the SDP: `dump_extra`), RTMP/FLV's are avcC (`h264_mp4toannexb` converts and inserts them).
   */
  h264Bsf: 'dump_extra=freq=keyframe' | 'h264_mp4toannexb';
}

export type ProbeOutcome =
  | { ok: true; plan: CodecPlan; video: ProbedVideo; audio: ProbedAudio | null }
  | {
      ok: false;
      failure: IngestFailure;
      message: string;
      video: ProbedVideo | null;
      audio: ProbedAudio | null;
    };

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  has_b_frames?: number;
  sample_rate?: string;
  channels?: number;
}

/** Reads which failure ffmpeg/ffprobe describes on stderr; null when it does not say. */
export function classifyFailure(
  stderr: string,
): { failure: IngestFailure; message: string } | null {
  if (/401|unauthori[sz]ed|403 forbidden/i.test(stderr))
    return { failure: 'unauthorized', message: 'the camera refused the user name or password' };
  if (/404 not found|454 session not found|stream not found/i.test(stderr))
    return { failure: 'unreachable', message: 'the camera has no stream at that path' };
  if (
    /connection refused|no route to host|network is unreachable|name or service not known|temporary failure in name resolution|host is unreachable|connection reset|end of file|server returned 5/i.test(
      stderr,
    )
  )
    return { failure: 'unreachable', message: 'the camera could not be reached' };
  // Not /timeout/: ffmpeg prints its own URLs with `?timeout=`.
  if (/timed out/i.test(stderr))
    return { failure: 'timeout', message: 'the camera did not answer in time' };
  return null;
}

function rate(r: string | undefined): number | null {
  const [n, d] = (r ?? '').split('/').map(Number);
  if (!n || !d || !Number.isFinite(n / d)) return null;
  return Math.round((n / d) * 100) / 100;
}

/**
 * Connects once with ffprobe (killed after `timeoutMs`) and plans what to do with the tracks;
 * never throws for a bad source: the outcome says why. Messages and logs never hold credentials.
 */
export async function probeInput(
  input: FfmpegInput,
  timeoutMs: number,
  /** Aborting kills ffprobe at once (the camera is being stopped). */
  signal?: AbortSignal,
): Promise<ProbeOutcome> {
  const child = spawnTied('ffprobe', [
    ...['-v', 'error', '-hide_banner'],
    ...['-analyzeduration', '1000000', '-probesize', '2000000'],
    ...input.args,
    ...['-show_entries', 'stream', '-of', 'json', '-i', input.url],
  ]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8192)));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const abort = (): void => void child.kill('SIGKILL');
  signal?.addEventListener('abort', abort, { once: true });
  const code = await new Promise<number | null>((resolve) => {
    child.once('close', (c) => resolve(c));
    child.once('error', () => resolve(-1));
  });
  clearTimeout(timer);
  signal?.removeEventListener('abort', abort);
  const none = { video: null, audio: null };
  if (timedOut)
    return { ok: false, failure: 'timeout', message: 'the camera did not answer in time', ...none };
  if (code !== 0) {
    const known = classifyFailure(stderr);
    if (known) return { ok: false, ...known, ...none };
    const last = redact(stderr.trim().split('\n').pop() ?? '', input.secrets).slice(0, 200);
    return { ok: false, failure: 'error', message: last || `ffprobe exited with ${code}`, ...none };
  }
  let streams: FfprobeStream[] = [];
  try {
    streams = (JSON.parse(stdout) as { streams?: FfprobeStream[] }).streams ?? [];
  } catch {
    return {
      ok: false,
      failure: 'error',
      message: 'ffprobe answered something unreadable',
      ...none,
    };
  }
  const v = streams.find((s) => s.codec_type === 'video');
  const a = streams.find((s) => s.codec_type === 'audio');
  const video: ProbedVideo | null = v
    ? {
        codec: v.codec_name ?? 'unknown',
        width: v.width ?? null,
        height: v.height ?? null,
        fps: rate(v.avg_frame_rate) ?? rate(v.r_frame_rate),
        hasBFrames: (v.has_b_frames ?? 0) > 0,
      }
    : null;
  const audio: ProbedAudio | null = a
    ? {
        codec: a.codec_name ?? 'unknown',
        sampleRate: a.sample_rate ? Number(a.sample_rate) : null,
        channels: a.channels ?? null,
      }
    : null;
  const planned = planCodecs(video, audio);
  if (!planned.ok) return { ...planned, video, audio };
  return { ok: true, plan: planned.plan, video: video!, audio };
}
