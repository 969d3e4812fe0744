import { useEffect, useState } from 'react';
import type { EventView, TimeRange } from '@porchlight/sdk';
import type { RecordingContext } from './useRecordingApi.ts';

/** Events that started this long before the window may still reach into it. */
const LOOKBACK_MS = 10 * 60_000;

/**
 * The camera's detection events overlapping the timeline's window, re-read whenever the window
 * moves (the timeline re-reads it every few seconds). Errors leave the markers as they were: the
 * timeline works without them (e.g. for a link viewer who may not list events).
 */
export function useTimelineEvents(
  context: RecordingContext,
  deviceId: string,
  bounds: TimeRange,
): EventView[] {
  const [events, setEvents] = useState<EventView[]>([]);
  const { from, to } = bounds;
  useEffect(() => {
    let stale = false;
    context.api
      .listEvents({ siteId: context.siteId, deviceId, from: from - LOOKBACK_MS, to, limit: 100 })
      .then(
        (page) => stale || setEvents(page.events.filter((e) => (e.endedAt ?? to) >= from)),
        () => undefined,
      );
    return () => {
      stale = true;
    };
  }, [context, deviceId, from, to]);
  return events;
}
