import type { types } from 'mediasoup';

/**
 * Ends a WHIP/WHEP session whose transport is dead: DTLS failed or closed, DTLS not connected
 * `timeoutMs` after creation, or ICE disconnected (the client vanished without a DELETE: no
 * consent checks for ~30 s) and not back within `timeoutMs` (room for an ICE restart).
 * Returns the function that stops watching.
 */
export function watchTransport(
  transport: types.WebRtcTransport,
  timeoutMs: number,
  onDead: (reason: string) => void,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = (reason: string): void => {
    clearTimeout(timer);
    timer = setTimeout(() => onDead(reason), timeoutMs);
    timer.unref();
  };
  arm('never connected');
  transport.on('dtlsstatechange', (state) => {
    if (state === 'failed' || state === 'closed') onDead(`DTLS ${state}`);
    else if (state === 'connected') clearTimeout(timer);
  });
  transport.on('icestatechange', (state) => {
    if (state === 'disconnected') arm('ICE disconnected');
    else if (
      (state === 'connected' || state === 'completed') &&
      transport.dtlsState === 'connected'
    )
      clearTimeout(timer);
  });
  return () => clearTimeout(timer);
}
