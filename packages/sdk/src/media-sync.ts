import { isPorchlightError, toPorchlightError } from './errors.ts';
import type { MediaSession } from './media-session.ts';
import type { ReconnectPolicy } from './defaults.ts';
import type { Publication } from './publication.ts';
import type { SerialQueue } from './queue.ts';
import { retryTransient } from './retry.ts';
import type { SourceFollower } from './source-follower.ts';
import type { Subscription } from './subscription.ts';

/** What MediaSync needs from the client. */
export interface MediaSyncHost {
  readonly pubs: ReadonlySet<Publication>;
  readonly subs: ReadonlySet<Subscription>;
  readonly queue: SerialQueue;
  readonly follower: SourceFollower;
  readonly transientRetry: ReconnectPolicy;
  /** The current media session, if any. */
  session(): MediaSession | undefined;
  reportError(error: unknown): void;
}

/**
 * Binds publications (produce) and subscriptions (consume) to the current media session: each
 * one on demand, and everything unbound after a (re)join, a media reset or a producer change.
 */
export class MediaSync {
  private queued = false;

  constructor(private readonly host: MediaSyncHost) {}

  /** Binds everything that is not bound to the current session. */
  async sync(): Promise<void> {
    const session = this.host.session();
    if (!session || session.closed) return;
    // Talk-back without a target goes to the camera being watched: the server can only tell
    // which one once this client's subscriptions are consuming again.
    const untargeted = (p: Publication): boolean =>
      p.source === 'talkback' && p.targetPeerId === undefined;
    const publish = (pubs: Publication[]): Promise<void>[] =>
      pubs.map((publication) =>
        this.bindPublication(publication, session).catch((error: unknown) =>
          this.host.reportError(error),
        ),
      );
    const jobs = publish([...this.host.pubs].filter((p) => !untargeted(p)));
    for (const subscription of this.host.subs) {
      const producerId = subscription.producerId;
      jobs.push(
        this.bindSubscription(subscription, session).catch((error: unknown) => {
          if (isPorchlightError(error, 'NOT_FOUND'))
            this.onConsumeNotFound(subscription, producerId);
          else this.host.reportError(error);
        }),
      );
    }
    await Promise.all(jobs);
    await Promise.all(publish([...this.host.pubs].filter(untargeted)));
  }

  /** One sync on the media queue, however many times it is asked for meanwhile. */
  schedule(): void {
    if (this.queued || !this.host.session()) return;
    this.queued = true;
    this.host.queue
      .push(async () => {
        this.queued = false;
        await this.sync();
      })
      .catch((error: unknown) => this.host.reportError(error));
  }

  bindPublication(publication: Publication, session: MediaSession): Promise<void> {
    if (publication.closed || session.closed) return Promise.resolve();
    return this.bind(() => publication.bind(session), session);
  }

  bindSubscription(subscription: Subscription, session: MediaSession): Promise<void> {
    if (subscription.state !== 'active' || session.closed) return Promise.resolve();
    return this.bind(() => subscription.bind(session), session);
  }

  private async bind(attempt: () => Promise<void>, session: MediaSession): Promise<void> {
    try {
      await retryTransient(attempt, this.host.transientRetry);
    } catch (error) {
      // Reset or disconnected mid-way: the next session's sync binds it again.
      if (
        session.closed ||
        isPorchlightError(error, 'MEDIA_RESET') ||
        isPorchlightError(error, 'NOT_CONNECTED')
      ) {
        return;
      }
      throw toPorchlightError(error);
    }
  }

  /**
   * The producer vanished before its producerClosed arrived: treat it as closed. Unless the
   * subscription follows another producer by now (a replacement claimed while this consume was
   * in flight, e.g. a camera back on a surviving node while its old producer's node was dying):
   * losing that one would end the subscription; bind it instead.
   */
  private onConsumeNotFound(subscription: Subscription, producerId: string): void {
    if (subscription.state !== 'active') return;
    if (subscription.producerId !== producerId) {
      this.schedule();
      return;
    }
    this.host.follower.lose(subscription);
    this.host.follower.reconcile();
    this.schedule();
  }
}
