import type Hls from 'hls.js/light';
import { ErrorTypes, type ErrorData } from 'hls.js/light';
import { testHooks } from '@porchlight/web-ui';

export { LIVE_CONFIG, VOD_CONFIG } from './hlsConfig.ts';

declare global {
  interface PorchlightTestHooks {
    /** The recording player's hls.js instance while one plays (null otherwise). */
    hls?: Hls | null;
  }
}

export const HLS_MIME = 'application/vnd.apple.mpegurl';

/** Publishes the instance for end-to-end tests (test builds only), next to the client. */
export function exposeHls(hls: Hls | null, previous?: Hls): void {
  const hooks = testHooks();
  if (!hooks) return;
  // Another player may have taken over already: only clear our own.
  if (hls === null && previous !== undefined && hooks.hls !== previous) return;
  hooks.hls = hls;
}

/** One line for a fatal hls.js error. */
export function describeHlsError(data: ErrorData): string {
  const status = data.response?.code;
  const http = status ? `, HTTP ${status}` : '';
  if (
    data.type === ErrorTypes.NETWORK_ERROR &&
    (status === 401 || status === 403 || status === 410)
  )
    return `The playback link has expired or was refused (${data.details}${http}). Try again.`;
  if (data.type === ErrorTypes.NETWORK_ERROR)
    return `Cannot load the recording (${data.details}${http}).`;
  if (data.type === ErrorTypes.MEDIA_ERROR)
    return `The recording cannot be decoded (${data.details}).`;
  return `Playback failed (${data.type}: ${data.details}).`;
}

/** One line for a native `<video>` error (Safari's own HLS). */
export function describeMediaError(error: MediaError | null): string {
  if (!error) return 'Playback failed.';
  const what =
    error.code === MediaError.MEDIA_ERR_NETWORK
      ? 'Cannot load the recording'
      : error.code === MediaError.MEDIA_ERR_DECODE
        ? 'The recording cannot be decoded'
        : error.code === MediaError.MEDIA_ERR_SRC_NOT_SUPPORTED
          ? 'The recording cannot be played here'
          : 'Playback failed';
  return error.message ? `${what} (${error.message}).` : `${what}.`;
}
