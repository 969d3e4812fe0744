import { z } from 'zod';
import { createLogger } from '@porchlight/runtime';
import type { ClusterBus } from '../cluster/ClusterBus.ts';
import type { IdentityEvents, PrincipalRef } from './IdentityEvents.ts';

const logger = createLogger('IdentityEventsRelay');

/** The bus channel identity changes travel on. */
export const IDENTITY_CHANNEL = 'identity';

const id = z.string().min(1).max(128);
const relayedSchema = z.discriminatedUnion('event', [
  z.object({
    event: z.literal('principalChanged'),
    who: z.object({ kind: z.enum(['account', 'device', 'apikey', 'detector']), id }),
  }),
  z.object({
    event: z.literal('deviceRenamed'),
    siteId: id,
    deviceId: id,
    name: z.string().min(1).max(200),
  }),
]);
type Relayed = z.infer<typeof relayedSchema>;

/**
 * Carries the identity changes other nodes must act on (`principalChanged`: re-authorize live
 * sessions; `deviceRenamed`: live tiles) to every node over the cluster bus. `deviceStatus` is not
 * relayed: its one listener writes webhook outbox rows, which the node that changed the status
 * does once. Relayed events are emitted with `emitRelayed` and never published back.
 */
export class IdentityEventsRelay {
  readonly #events: IdentityEvents;
  readonly #bus: ClusterBus;
  readonly #unsubscribe: () => void;
  readonly #onPrincipal = (who: PrincipalRef): void => {
    if (!this.#events.relayed) this.#publish({ event: 'principalChanged', who });
  };
  readonly #onRenamed = (r: { siteId: string; deviceId: string; name: string }): void => {
    if (!this.#events.relayed) this.#publish({ event: 'deviceRenamed', ...r });
  };
  #closed = false;

  constructor(events: IdentityEvents, bus: ClusterBus) {
    this.#events = events;
    this.#bus = bus;
    events.on('principalChanged', this.#onPrincipal);
    events.on('deviceRenamed', this.#onRenamed);
    this.#unsubscribe = bus.subscribe(IDENTITY_CHANNEL, relayedSchema, (m, fromNode) => {
      logger.debug('identity event from another node', { event: m.event, fromNode });
      if (m.event === 'principalChanged') events.emitRelayed('principalChanged', m.who);
      else
        events.emitRelayed('deviceRenamed', {
          siteId: m.siteId,
          deviceId: m.deviceId,
          name: m.name,
        });
    });
  }

  /** Stops relaying both ways. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#events.off('principalChanged', this.#onPrincipal);
    this.#events.off('deviceRenamed', this.#onRenamed);
    this.#unsubscribe();
  }

  #publish(m: Relayed): void {
    if (this.#closed) return;
    this.#bus.publish(IDENTITY_CHANNEL, m).catch((error: unknown) => {
      // Pub/sub is at-most-once: a lost change leaves remote sessions until their next check.
      logger.warn('could not relay an identity event', { event: m.event, error });
    });
  }
}
