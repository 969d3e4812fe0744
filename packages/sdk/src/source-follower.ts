import { findReplacement } from './matching.ts';
import type { ProducerDirectory } from './producer-directory.ts';
import type { Subscription } from './subscription.ts';

/**
 * Keeps subscriptions following their source (a camera's video, a viewer's talk-back) across
 * producers: a lost producer makes its subscription wait, a matching new one is claimed.
 */
export class SourceFollower {
  constructor(
    private readonly subs: ReadonlySet<Subscription>,
    private readonly directory: ProducerDirectory,
    private readonly graceMs: number,
    /** Whether the client is connected (only then can a replacement be announced). */
    private readonly connected: () => boolean,
  ) {}

  /** The subscription's producer is gone: wait for a replacement for the grace period. */
  lose(subscription: Subscription): void {
    subscription.lose(this.graceMs, () => {
      if (subscription.state !== 'waiting') return;
      // While reconnecting nobody can announce a replacement yet: keep waiting.
      if (this.connected()) subscription.end('producerClosed');
      else this.lose(subscription);
    });
  }

  /**
   * Points every subscription at a live producer: refreshes the followed producer's fields,
   * marks subscriptions whose producer is gone as waiting, and lets waiting ones claim a
   * replacement (see findReplacement). Synchronous, so that it runs before the producer events
   * reach the application and it can tell which producers are already watched.
   */
  reconcile(): void {
    const claimed = new Set<string>();
    for (const subscription of this.subs)
      if (subscription.state === 'active') claimed.add(subscription.producerId);
    for (const subscription of this.subs) {
      if (subscription.state === 'active') {
        const current = this.directory.get(subscription.producerId);
        if (current) {
          subscription.claim(current);
          continue;
        }
        this.lose(subscription);
      }
      if (subscription.state !== 'waiting') continue;
      const replacement = findReplacement(subscription.identity, this.directory.list(), {
        claimed,
        dead: subscription.lostProducers,
      });
      if (replacement) {
        subscription.claim(replacement);
        claimed.add(replacement.producerId);
      }
    }
  }

  byConsumer(consumerId: string): Subscription | undefined {
    for (const subscription of this.subs)
      if (subscription.consumerId === consumerId) return subscription;
    return undefined;
  }
}
