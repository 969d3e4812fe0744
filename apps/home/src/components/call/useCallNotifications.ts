import { useEffect, useRef } from 'react';
import type { CallNotification } from '@porchlight/sdk';
import { useStore } from '../../store/index.ts';

/**
 * Calls `handler` with every doorbell notification (`callRinging`, `callUpdated`) the app's live
 * connection receives, on any screen. The handler may change between renders.
 */
export function useCallNotifications(handler: (n: CallNotification) => void): void {
  const client = useStore((s) => s.client);
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => client?.on('call', (n) => latest.current(n)), [client]);
}
