import { useCallback, useEffect, useRef, useState } from 'react';
import type { PorchlightClient, Publication } from '@porchlight/sdk';
import { describeError } from '../../media/errors.ts';

export interface LocalCallMedia {
  muted: boolean;
  cameraOn: boolean;
  /** My camera while it is on (self view). */
  cameraTrack: MediaStreamTrack | null;
  /** Why the microphone or camera could not be opened. */
  error: string | null;
  toggleMute(): void;
  toggleCamera(): void;
}

const MIC: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

/**
 * The answerer's own media in a call room: the microphone (`callAudio`, echo cancellation and
 * noise suppression on) published as soon as the room is joined, the camera (`callVideo`) off
 * until turned on. Everything is stopped on unmount.
 */
export function useLocalCallMedia(client: PorchlightClient | null): LocalCallMedia {
  const [muted, setMuted] = useState(false);
  const [cameraTrack, setCameraTrack] = useState<MediaStreamTrack | null>(null);
  const [error, setError] = useState<string | null>(null);
  const mic = useRef<Publication | null>(null);
  const camera = useRef<{ track: MediaStreamTrack; publication: Publication | null } | null>(null);

  useEffect(() => {
    if (!client) return;
    let stopped = false;
    let track: MediaStreamTrack | null = null;
    void (async () => {
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: MIC });
        track = stream.getAudioTracks()[0] ?? null;
        if (stopped || !track) {
          track?.stop();
          return;
        }
        const publication = await client.publish(track, { source: 'callAudio' });
        if (stopped) publication.close();
        else mic.current = publication;
      } catch (e) {
        if (!stopped) setError(describeError(e));
      }
    })();
    return () => {
      stopped = true;
      mic.current?.close();
      mic.current = null;
      track?.stop();
      camera.current?.publication?.close();
      camera.current?.track.stop();
      camera.current = null;
    };
  }, [client]);

  const toggleMute = useCallback(() => {
    const publication = mic.current;
    if (!publication) return;
    const next = !publication.paused;
    void (next ? publication.pause() : publication.resume()).then(() => setMuted(next));
  }, []);

  const toggleCamera = useCallback(() => {
    if (!client) return;
    const current = camera.current;
    if (current) {
      current.publication?.close();
      current.track.stop();
      camera.current = null;
      setCameraTrack(null);
      return;
    }
    void (async () => {
      try {
        const stream = await navigator.mediaDevices.getUserMedia({
          video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: 'user' },
        });
        const track = stream.getVideoTracks()[0];
        if (!track) return;
        const slot: { track: MediaStreamTrack; publication: Publication | null } = {
          track,
          publication: null,
        };
        camera.current = slot;
        setCameraTrack(track);
        const publication = await client.publish(track, { source: 'callVideo', simulcast: false });
        if (camera.current === slot) slot.publication = publication;
        else publication.close();
      } catch (e) {
        setError(describeError(e));
      }
    })();
  }, [client]);

  return { muted, cameraOn: cameraTrack !== null, cameraTrack, error, toggleMute, toggleCamera };
}
