import { useCallback, useState } from 'react';
import type { RecordingThumbnail } from '@porchlight/sdk';
import type { RecordingContext } from './useRecordingApi.ts';
import { usePolling } from './usePolling.ts';
import { serverNow } from './useTimeline.ts';

/**
 * Pictures change slowly and each refresh re-downloads them all (their signed URLs change):
 * re-read less often than the ranges, but well within the URLs' lifetime.
 */
const THUMBNAILS_REFRESH_MS = 30_000;

/** Thumbnails spread over the window ending now; empty while loading or when none. */
export function useThumbnails(
  context: RecordingContext,
  deviceId: string,
  spanMs: number,
  count: number,
): RecordingThumbnail[] {
  const [thumbnails, setThumbnails] = useState<RecordingThumbnail[]>([]);

  const load = useCallback(
    async (isCurrent: () => boolean): Promise<void> => {
      const to = serverNow(context);
      try {
        const found = await context.api.listRecordingThumbnails(context.siteId, deviceId, {
          from: to - spanMs,
          to,
          count,
        });
        if (isCurrent()) setThumbnails(found);
      } catch {
        // Pictures are a nicety: the timeline shows what is recorded without them.
        if (isCurrent()) setThumbnails([]);
      }
    },
    [context, deviceId, spanMs, count],
  );
  usePolling(load, THUMBNAILS_REFRESH_MS);

  return thumbnails;
}
