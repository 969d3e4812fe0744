import { isPorchlightError, type PorchlightClient, type Subscription } from '@porchlight/sdk';
import { useStore } from '../store/index.ts';

/** After a failed watch, look again this much later (the producer may still be there). */
const RETRY_MS = 2_000;

/**
 * Watches every producer announced to this peer and mirrors the subscriptions into the feeds
 * slice. The server only announces what this role may consume (cameras get talkback, viewers get
 * camera video and microphone), so no filtering by role is needed here.
 *
 * Subscriptions survive media resets by re-consuming the replacement producer themselves; the
 * SDK marks the replacement as claimed before announcing it, so it is not watched twice.
 */
export function autoWatch(client: PorchlightClient): () => void {
  let stopped = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const follow = (subscription: Subscription): void => {
    const sync = (): void => useStore.getState().syncFeed(subscription);
    subscription.on('trackChanged', sync);
    subscription.on('stateChanged', sync);
    subscription.on('closed', () => {
      useStore.getState().removeFeed(subscription.localId);
      // Its producer may still be announced (e.g. ended after a long outage): watch it again.
      run();
    });
    sync();
  };

  const run = (): void => {
    if (stopped || client.state === 'closed') return;
    for (const producer of client.producers) {
      if (client.subscriptions.some((s) => s.producerId === producer.producerId)) continue;
      client.watch(producer.producerId).then(
        (subscription) => {
          if (stopped) subscription.close();
          else follow(subscription);
        },
        (error: unknown) => {
          if (
            stopped ||
            isPorchlightError(error, 'NOT_FOUND') ||
            isPorchlightError(error, 'CLOSED')
          )
            return;
          clearTimeout(retryTimer);
          retryTimer = setTimeout(run, RETRY_MS);
        },
      );
    }
  };

  const offs = [client.on('producersChanged', run), client.on('joined', run)];
  run();
  return () => {
    stopped = true;
    clearTimeout(retryTimer);
    for (const off of offs) off();
  };
}
