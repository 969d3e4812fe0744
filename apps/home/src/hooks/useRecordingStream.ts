import { useCallback, useRef, useState } from 'react';
import { describeApiError, type RecordingStreamView } from '@porchlight/sdk';
import { TIMELINE_REFRESH_MS } from '../recording/zoom.ts';
import type { RecordingContext } from './useRecordingApi.ts';
import { usePolling } from './usePolling.ts';

export interface RecordingStreamState {
  stream: RecordingStreamView | null;
  /** No device of the site has this name. */
  missing: boolean;
  error: string | null;
}

/**
 * The recording stream of the camera a live tile shows, re-read while shown. Live feeds carry the
 * camera's device id; only for producers without one is the device found by name (its label),
 * after which its id is followed (so a rename does not lose it).
 */
export function useRecordingStream(
  context: RecordingContext | null,
  label: string,
  knownDeviceId: string | null = null,
): RecordingStreamState & { setStream: (stream: RecordingStreamView) => void } {
  const [state, setState] = useState<RecordingStreamState>({
    stream: null,
    missing: false,
    error: null,
  });
  const deviceId = useRef<string | null>(knownDeviceId);

  const load = useCallback(
    async (isCurrent: () => boolean): Promise<void> => {
      if (!context) return;
      const { api, siteId } = context;
      try {
        const streams = await api.listRecordings(siteId);
        let stream =
          streams.find((s) => s.deviceId === deviceId.current) ??
          streams.find((s) => s.deviceName === label);
        if (!stream && deviceId.current !== null) {
          stream = await api.getRecording(siteId, deviceId.current);
        } else if (!stream) {
          // Not listed (no settings stored yet?): ask for this device's stream directly.
          const device = (await api.listDevices(siteId)).find(
            (d) => d.name === label && !d.revoked,
          );
          if (device) stream = await api.getRecording(siteId, device.id);
        }
        if (!isCurrent()) return;
        if (stream) deviceId.current = stream.deviceId;
        setState({ stream: stream ?? null, missing: !stream, error: null });
      } catch (error) {
        if (isCurrent()) setState((s) => ({ ...s, error: describeApiError(error) }));
      }
    },
    [context, label],
  );
  usePolling(load, TIMELINE_REFRESH_MS);

  const setStream = useCallback((stream: RecordingStreamView) => {
    deviceId.current = stream.deviceId;
    setState({ stream, missing: false, error: null });
  }, []);

  return { ...state, setStream };
}
