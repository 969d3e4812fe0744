import { useCallback, useState } from 'react';
import { describeApiError, type RecordingTimeline, type TimeRange } from '@porchlight/sdk';
import { TIMELINE_REFRESH_MS } from '../recording/zoom.ts';
import type { RecordingContext } from './useRecordingApi.ts';
import { usePolling } from './usePolling.ts';

export interface TimelineState {
  /** The window shown: `spanMs` ending at the server's now, as of the last read. */
  bounds: TimeRange;
  /** Null until the first answer for this window size. */
  timeline: RecordingTimeline | null;
  error: string | null;
}

/**
 * The server's clock, whole ms (the API takes integers): recordings are stamped with it, the
 * viewer's may be off.
 */
export function serverNow(context: RecordingContext): number {
  return Math.round(Date.now() + context.api.serverOffsetMs);
}

/** Recorded ranges and gaps of the window ending now, re-read every few seconds. */
export function useTimeline(
  context: RecordingContext,
  deviceId: string,
  spanMs: number,
): TimelineState {
  const [state, setState] = useState<TimelineState>(() => {
    const now = serverNow(context);
    return { bounds: { from: now - spanMs, to: now }, timeline: null, error: null };
  });
  // Another window size: the old ranges would be drawn at the wrong scale.
  const [shownSpan, setShownSpan] = useState(spanMs);
  if (shownSpan !== spanMs) {
    setShownSpan(spanMs);
    const now = serverNow(context);
    setState({ bounds: { from: now - spanMs, to: now }, timeline: null, error: null });
  }

  const load = useCallback(
    async (isCurrent: () => boolean): Promise<void> => {
      const now = serverNow(context);
      const bounds = { from: now - spanMs, to: now };
      try {
        const timeline = await context.api.getRecordingTimeline(context.siteId, deviceId, bounds);
        if (isCurrent()) setState({ bounds, timeline, error: null });
      } catch (error) {
        if (isCurrent()) setState((s) => ({ ...s, error: describeApiError(error) }));
      }
    },
    [context, deviceId, spanMs],
  );
  usePolling(load, TIMELINE_REFRESH_MS);

  return state;
}
