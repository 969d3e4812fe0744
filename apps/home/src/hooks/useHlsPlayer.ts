import { useEffect, useState, type RefObject } from 'react';
import Hls, { ErrorTypes } from 'hls.js/light';
import {
  describeHlsError,
  describeMediaError,
  exposeHls,
  HLS_MIME,
  LIVE_CONFIG,
  VOD_CONFIG,
} from '../recording/hls.ts';
import type { PlaybackSource } from '../recording/playback.ts';

export interface HlsPlayerState {
  /** The hls.js instance playing `source`; null with native HLS or nothing to play. */
  hls: Hls | null;
  /** A fatal playback error, for the UI. */
  error: string | null;
}

/**
 * Plays an HLS playlist in a video element: with hls.js wherever Media Source Extensions work
 * (Chromium answers "maybe" to canPlayType(HLS) but cannot play it natively), with the browser's
 * own HLS only where hls.js cannot run (iOS Safari). A new source gets a new hls.js instance;
 * the old one is destroyed, as on unmount. After a fatal error the instance stays (stopped) until
 * the next source: retrying means asking for fresh signed URLs.
 */
export function useHlsPlayer(
  videoRef: RefObject<HTMLVideoElement | null>,
  source: PlaybackSource | null,
): HlsPlayerState {
  const [hls, setHls] = useState<Hls | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const video = videoRef.current;
    setError(null);
    if (!video || !source) return;

    const play = (): void => {
      video.play().catch((e: unknown) => {
        // Autoplay with sound refused: play muted, the controls can unmute.
        if (e instanceof DOMException && e.name === 'NotAllowedError' && !video.muted) {
          video.muted = true;
          video.play().catch(() => undefined);
        }
      });
    };

    if (Hls.isSupported()) {
      const instance = new Hls(source.kind === 'live' ? LIVE_CONFIG : VOD_CONFIG);
      let recovered = false;
      instance.on(Hls.Events.MANIFEST_PARSED, play);
      instance.on(Hls.Events.ERROR, (_event, data) => {
        if (!data.fatal) return;
        // A decoding hiccup (e.g. at a discontinuity) usually clears with one media recovery.
        if (data.type === ErrorTypes.MEDIA_ERROR && !recovered) {
          recovered = true;
          instance.recoverMediaError();
          return;
        }
        setError(describeHlsError(data));
      });
      instance.loadSource(source.url);
      instance.attachMedia(video);
      setHls(instance);
      exposeHls(instance);
      return () => {
        instance.destroy();
        exposeHls(null, instance);
        setHls(null);
      };
    }

    if (video.canPlayType(HLS_MIME)) {
      const onError = (): void => setError(describeMediaError(video.error));
      video.addEventListener('error', onError);
      video.src = source.url;
      play();
      return () => {
        video.removeEventListener('error', onError);
        video.removeAttribute('src');
        video.load();
      };
    }

    setError('This browser cannot play recordings (no HLS support).');
    return undefined;
  }, [videoRef, source]);

  return { hls, error };
}
