import type { StateCreator } from 'zustand';
import type { Action } from '@porchlight/protocol';
import type { Source, Subscription, SubscriptionState } from '@porchlight/sdk';
import type { Store } from './index.ts';

/** A subscription as the UI sees it: a snapshot plus the live object for attaching media. */
export interface Feed {
  /** Stable across media resets (the producer id is not): use as React key. */
  id: string;
  subscription: Subscription;
  producerId: string;
  peerId: string;
  label: string;
  /** The publishing camera, when the producer is a device's. */
  deviceId: string | null;
  kind: 'audio' | 'video';
  source: Source;
  state: SubscriptionState;
  layers: number;
  /** What this viewer may do with the camera (the server's word; controls follow it). */
  allowed: readonly Action[];
}

export interface FeedsSlice {
  feeds: Record<string, Feed>;
  /** Feed id of the enlarged tile (single view), if any. */
  focusedFeedId: string | null;
  /** Video feed ids whose camera audio is unmuted. */
  unmuted: Record<string, true>;

  syncFeed(subscription: Subscription): void;
  /** Re-reads every feed's producer (a rename, changed permissions). */
  refreshFeeds(): void;
  removeFeed(id: string): void;
  clearFeeds(): void;
  toggleFocus(id: string): void;
  toggleMuted(id: string): void;
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  const copy = { ...record };
  delete copy[key];
  return copy;
}

function snapshot(subscription: Subscription): Feed {
  const p = subscription.producer;
  return {
    id: subscription.localId,
    subscription,
    producerId: p.producerId,
    peerId: p.peerId,
    label: p.label,
    deviceId: p.deviceId ?? null,
    kind: subscription.kind,
    source: subscription.source,
    state: subscription.state,
    layers: p.layers,
    allowed: p.allowed,
  };
}

export const createFeedsSlice: StateCreator<Store, [], [], FeedsSlice> = (set) => ({
  feeds: {},
  focusedFeedId: null,
  unmuted: {},

  syncFeed: (subscription) =>
    set((s) => ({ feeds: { ...s.feeds, [subscription.localId]: snapshot(subscription) } })),
  refreshFeeds: () =>
    set((s) => {
      let changed = false;
      const feeds: Record<string, Feed> = {};
      for (const [id, feed] of Object.entries(s.feeds)) {
        const next = snapshot(feed.subscription);
        const same =
          next.label === feed.label && next.allowed === feed.allowed && next.state === feed.state;
        feeds[id] = same ? feed : next;
        changed ||= !same;
      }
      return changed ? { feeds } : {};
    }),
  removeFeed: (id) =>
    set((s) => ({
      feeds: without(s.feeds, id),
      unmuted: without(s.unmuted, id),
      focusedFeedId: s.focusedFeedId === id ? null : s.focusedFeedId,
    })),
  clearFeeds: () => set({ feeds: {}, focusedFeedId: null, unmuted: {} }),
  toggleFocus: (id) => set((s) => ({ focusedFeedId: s.focusedFeedId === id ? null : id })),
  toggleMuted: (id) =>
    set((s) => ({
      unmuted: s.unmuted[id] ? without(s.unmuted, id) : { ...s.unmuted, [id]: true },
    })),
});
