import { useEffect, useState } from 'react';
import { describeApiError, type TimeRange } from '@porchlight/sdk';
import type { RecordingContext } from './useRecordingApi.ts';

/** Typing a time fires a change per keystroke: ask once it settles. */
const DEBOUNCE_MS = 400;
/** Signed clip links are asked for with this lifetime and renewed a little before it ends. */
const CLIP_TTL_SECONDS = 15 * 60;
const RENEW_BEFORE_MS = 30_000;

export interface ClipUrlState {
  url: string | null;
  pending: boolean;
  error: string | null;
}

/** A signed MP4 download link of `range`, kept fresh while shown. */
export function useClipUrl(
  context: RecordingContext,
  deviceId: string,
  range: TimeRange | null,
): ClipUrlState {
  const [state, setState] = useState<ClipUrlState>({ url: null, pending: false, error: null });
  const from = range?.from;
  const to = range?.to;
  // Bumped to renew the link before it expires.
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (from === undefined || to === undefined) {
      setState({ url: null, pending: false, error: null });
      return;
    }
    if (!(to > from)) {
      setState({ url: null, pending: false, error: 'The end must be after the start.' });
      return;
    }
    let current = true;
    let renew: ReturnType<typeof setTimeout> | undefined;
    // The old link is for another range: none until this one is ready.
    setState({ url: null, pending: true, error: null });
    const timer = setTimeout(() => {
      context.api
        .createPlayback(context.siteId, deviceId, { from, to, ttlSeconds: CLIP_TTL_SECONDS })
        .then(
          (playback) => {
            if (!current) return;
            if (!playback.clip) {
              setState({ url: null, pending: false, error: 'No clip for this time range.' });
              return;
            }
            setState({ url: playback.clip, pending: false, error: null });
            // expiresAt is in the server's time.
            const left = playback.expiresAt - (Date.now() + context.api.serverOffsetMs);
            renew = setTimeout(
              () => setGeneration((n) => n + 1),
              Math.max(left - RENEW_BEFORE_MS, 10_000),
            );
          },
          (error: unknown) => {
            if (current) setState({ url: null, pending: false, error: describeApiError(error) });
          },
        );
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
      clearTimeout(renew);
    };
  }, [context, deviceId, from, to, generation]);

  return state;
}
