import { useCallback, useRef, useState } from 'react';
import { describeApiError } from '@porchlight/sdk';
import { MIN_VOD_MS, PLAYBACK_TTL_SECONDS, type PlaybackSource } from '../recording/playback.ts';
import type { RecordingContext } from './useRecordingApi.ts';
import { serverNow } from './useTimeline.ts';

export interface PlaybackSourceState {
  source: PlaybackSource | null;
  /** A playback is being requested. */
  pending: boolean;
  error: string | null;
  /** Plays the recording from `at` (unix ms) up to now. */
  seek(at: number): void;
  /** Plays the live HLS playlist (the recording as it grows). */
  playLive(): void;
}

/** Asks the server for signed playlists and picks the one to play; the last request wins. */
export function usePlaybackSource(
  context: RecordingContext,
  deviceId: string,
): PlaybackSourceState {
  const [source, setSource] = useState<PlaybackSource | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0);

  const request = useCallback(
    async (range: { from: number; to: number } | null): Promise<void> => {
      const id = ++latest.current;
      setPending(true);
      setError(null);
      try {
        const playback = await context.api.createPlayback(context.siteId, deviceId, {
          ...(range ?? {}),
          ttlSeconds: PLAYBACK_TTL_SECONDS,
        });
        if (id !== latest.current) return;
        if (!range) setSource({ kind: 'live', url: playback.live, startAt: null });
        else if (playback.vod) setSource({ kind: 'vod', url: playback.vod, startAt: range.from });
        else setError('Nothing is recorded after this time.');
      } catch (e) {
        if (id === latest.current) setError(describeApiError(e));
      } finally {
        if (id === latest.current) setPending(false);
      }
    },
    [context, deviceId],
  );

  const seek = useCallback(
    (at: number) => {
      const now = serverNow(context);
      void request({ from: Math.min(Math.round(at), now - MIN_VOD_MS), to: now });
    },
    [context, request],
  );
  const playLive = useCallback(() => void request(null), [request]);

  return { source, pending, error, seek, playLive };
}
