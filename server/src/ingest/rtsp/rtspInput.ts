import type { IngestTransport } from '@porchlight/protocol';
import type { FfmpegInput } from '../probe.ts';

export interface RtspCredentials {
  username: string;
  password: string;
}

/** Socket I/O timeout given to ffmpeg's RTSP demuxer (µs): a silent camera ends the pull. */
const IO_TIMEOUT_US = 5_000_000;

/**
 * ffmpeg's input for an RTSP camera. ffmpeg takes RTSP credentials only inside the URL, so the URL
 * returned holds them: it goes to ffmpeg's argv (docs/cameras.md "Security") and nowhere else;
 * `secrets` lists what to redact from anything ffmpeg prints.
 */
export function rtspInput(
  url: string,
  credentials: RtspCredentials | null,
  transport: IngestTransport,
): FfmpegInput {
  const withCredentials = new URL(url);
  if (credentials) {
    withCredentials.username = encodeURIComponent(credentials.username);
    withCredentials.password = encodeURIComponent(credentials.password);
  }
  return {
    args: ['-rtsp_transport', transport, '-timeout', String(IO_TIMEOUT_US)],
    url: withCredentials.toString(),
    secrets: credentials ? [credentials.password] : [],
    h264Bsf: 'dump_extra=freq=keyframe',
  };
}

/** The host the device registry shows as the camera's address. */
export function rtspHost(url: string): string | null {
  try {
    return new URL(url).hostname || null;
  } catch {
    return null;
  }
}
