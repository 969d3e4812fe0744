import { z } from 'zod';
import type { ClusterBus } from '../../cluster/ClusterBus.ts';
import type { IdentityEvents, PrincipalRef } from '../../identity/IdentityEvents.ts';

/** The bus channel of playback authorization changes. */
export const PLAYBACK_AUTHZ_CHANNEL = 'playback.authz';

const Changed = z.object({
  kind: z.enum(['account', 'device', 'apikey', 'detector']),
  id: z.string().min(1).max(200),
});

/**
 * Playback caches its authorization decisions for a few seconds (MediaServer). A grant, key or
 * account change drops them at once: on this node from the identity events, on every other node
 * from the cluster bus (a single box's bus is silent). Returns the function that disconnects it.
 */
export function connectPlaybackAuthz(o: {
  events: Pick<IdentityEvents, 'on' | 'off'>;
  bus: ClusterBus;
  forget: (who: PrincipalRef) => void;
}): () => void {
  const changed = (who: PrincipalRef): void => {
    if (who.kind !== 'account' && who.kind !== 'apikey') return;
    o.forget(who);
    void o.bus.publish(PLAYBACK_AUTHZ_CHANNEL, { kind: who.kind, id: who.id }).catch(() => {});
  };
  o.events.on('principalChanged', changed);
  // Never re-emitted locally: a relayed change only drops this node's cache (no echo).
  const unsubscribe = o.bus.subscribe(PLAYBACK_AUTHZ_CHANNEL, Changed, (who) => o.forget(who));
  return () => {
    o.events.off('principalChanged', changed);
    unsubscribe();
  };
}
