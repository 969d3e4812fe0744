import { useCallback, useEffect, useState, type RefObject } from 'react';
import type { Subscription } from '@porchlight/sdk';

/**
 * Shows a subscription's stream in a media element and keeps it shown across media resets: the
 * SDK swaps the track inside the same MediaStream, and re-assigning srcObject makes every
 * browser pick the new track up. `blocked` is true when autoplay policy refused to play sound;
 * call `unblock` from a user gesture.
 */
export function useAttachedStream(
  ref: RefObject<HTMLMediaElement | null>,
  subscription: Subscription,
): { blocked: boolean; unblock: () => void } {
  const [blocked, setBlocked] = useState(false);

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const attach = (): void => {
      element.srcObject = null;
      element.srcObject = subscription.stream;
      element.play().then(
        () => setBlocked(false),
        (error: unknown) => {
          if (error instanceof DOMException && error.name === 'NotAllowedError') setBlocked(true);
        },
      );
    };
    attach();
    const off = subscription.on('trackChanged', attach);
    return () => {
      off();
      element.srcObject = null;
    };
  }, [ref, subscription]);

  const unblock = useCallback(() => {
    ref.current?.play().then(
      () => setBlocked(false),
      () => undefined,
    );
  }, [ref]);

  return { blocked, unblock };
}
