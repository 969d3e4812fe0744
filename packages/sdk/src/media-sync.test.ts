import { describe, expect, it } from 'vitest';
import { DEFAULT_TRANSIENT_RETRY_POLICY } from './defaults.ts';
import { RequestError } from './errors.ts';
import type { MediaSession } from './media-session.ts';
import { MediaSync } from './media-sync.ts';
import type { ProducerDirectory } from './producer-directory.ts';
import type { Publication } from './publication.ts';
import { SerialQueue } from './queue.ts';
import { SourceFollower } from './source-follower.ts';
import type { Subscription } from './subscription.ts';

const tick = () => new Promise((r) => setTimeout(r, 5));

/**
 * Talk-back without targetPeerId goes to "the camera being watched", which the server derives
 * from this client's consumers: after a (re)join it must be produced only once the subscriptions
 * consume again; everything else binds at once.
 */
describe('MediaSync binding order', () => {
  it('binds untargeted talk-back after the subscriptions, the rest concurrently', async () => {
    const log: string[] = [];
    const session = { closed: false } as MediaSession;
    const publication = (name: string, source: Publication['source'], targetPeerId?: string) =>
      ({
        source,
        targetPeerId,
        closed: false,
        bind: async () => {
          log.push(`${name} start`);
          await tick();
          log.push(`${name} done`);
        },
      }) as unknown as Publication;
    const subscription = {
      state: 'active',
      bind: async () => {
        log.push('watch start');
        await tick();
        log.push('watch done');
      },
    } as unknown as Subscription;
    const pubs = new Set([
      publication('talk', 'talkback'),
      publication('aimed', 'talkback', 'camera-peer'),
      publication('mic', 'microphone'),
    ]);
    const subs = new Set([subscription]);
    const sync = new MediaSync({
      pubs,
      subs,
      queue: new SerialQueue(),
      follower: new SourceFollower(subs, {} as ProducerDirectory, 1000, () => true),
      transientRetry: DEFAULT_TRANSIENT_RETRY_POLICY,
      session: () => session,
      reportError: (error) => log.push(`error ${String(error)}`),
    });
    await sync.sync();
    expect(log.slice(0, 3).sort()).toEqual(['aimed start', 'mic start', 'watch start']);
    expect(log.indexOf('talk start')).toBeGreaterThan(log.indexOf('watch done'));
    expect(log).toContain('talk done');
    expect(log.filter((l) => l.startsWith('error'))).toEqual([]);
  });
});

/**
 * A consume of a producer that died (its node was killed) can answer NOT_FOUND after the
 * subscription already claimed the camera's new producer on the surviving node: that answer must
 * not cost the subscription its new producer (it used to: the subscription ended after its grace).
 */
describe('MediaSync and a NOT_FOUND for a producer already replaced', () => {
  it('keeps the replacement and binds it', async () => {
    const session = { closed: false } as MediaSession;
    const consumed: string[] = [];
    const lost: string[] = [];
    const subscription = {
      state: 'active',
      producerId: 'old',
      bind: async () => {
        const id = subscription.producerId;
        consumed.push(id);
        await tick();
        if (id === 'old') {
          subscription.producerId = 'new'; // claimed while the consume was in flight
          throw new RequestError('consume', 'NOT_FOUND', 'producer not found');
        }
      },
    };
    const subs = new Set([subscription as unknown as Subscription]);
    const queue = new SerialQueue();
    const follower = {
      lose: (s: Subscription) => lost.push(s.producerId),
      reconcile: () => undefined,
    } as unknown as SourceFollower;
    const errors: unknown[] = [];
    const sync = new MediaSync({
      pubs: new Set(),
      subs,
      queue,
      follower,
      transientRetry: DEFAULT_TRANSIENT_RETRY_POLICY,
      session: () => session,
      reportError: (error) => errors.push(error),
    });
    sync.schedule();
    for (let i = 0; i < 100 && consumed.length < 2; i++) await tick();
    expect(consumed).toEqual(['old', 'new']);
    expect(lost).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('still loses the producer when the NOT_FOUND is for the one it follows', async () => {
    const session = { closed: false } as MediaSession;
    const lost: string[] = [];
    const subscription = {
      state: 'active',
      producerId: 'gone',
      bind: async () => {
        await tick();
        throw new RequestError('consume', 'NOT_FOUND', 'producer not found');
      },
    };
    const subs = new Set([subscription as unknown as Subscription]);
    const follower = {
      lose: (s: Subscription) => lost.push(s.producerId),
      reconcile: () => undefined,
    } as unknown as SourceFollower;
    const sync = new MediaSync({
      pubs: new Set(),
      subs,
      queue: new SerialQueue(),
      follower,
      transientRetry: DEFAULT_TRANSIENT_RETRY_POLICY,
      session: () => session,
      reportError: () => undefined,
    });
    await sync.sync();
    expect(lost).toEqual(['gone']);
  });
});
