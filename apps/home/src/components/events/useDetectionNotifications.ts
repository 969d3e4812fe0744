import { useEffect, useRef } from 'react';
import type { NotificationMap } from '@porchlight/protocol';
import { useStore } from '../../store/index.ts';

export type DetectionNotification = NotificationMap['detection'];

/**
 * Calls `handler` with every person-detection notification (`started`, `updated`, `ended`) the
 * app's live connection receives, on any screen. The handler may change between renders.
 */
export function useDetectionNotifications(handler: (n: DetectionNotification) => void): void {
  const client = useStore((s) => s.client);
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => client?.on('detection', (n) => latest.current(n)), [client]);
}
