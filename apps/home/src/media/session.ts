import { PorchlightClient, type ForceRelay, type TokenSource } from '@porchlight/sdk';
import { exposeTestHook } from '@porchlight/web-ui';
import { useStore } from '../store/index.ts';
import { autoWatch } from './autoWatch.ts';
import { TalkController } from './talk.ts';

declare global {
  /** Test builds only (see @porchlight/web-ui testHooks); the recording player adds `hls`. */
  interface PorchlightTestHooks {
    /** End-to-end tests call window.porchlight.client.getStats(). */
    client?: PorchlightClient;
  }
}

/**
 * Diagnostics setting for strict networks and tests: localStorage `porchlight.forceRelay` =
 * 'any' | 'udp' | 'tcp' | 'tls' sends all media through the TURN relay (of that transport).
 */
function forcedRelay(): { forceRelay?: ForceRelay } {
  const v = globalThis.localStorage?.getItem('porchlight.forceRelay');
  if (v === 'any') return { forceRelay: true };
  return v === 'udp' || v === 'tcp' || v === 'tls' ? { forceRelay: v } : {};
}

/**
 * One connection to the server: creates the client, mirrors it into the store, watches what is
 * announced and owns push-to-talk. Returns a function that ends it all. `token` is usually a
 * provider, asked at every (re)connect; `siteId` picks the site for people with several.
 */
export function startSession(token: TokenSource, siteId: string | null): () => void {
  const client = new PorchlightClient({ token, ...(siteId ? { siteId } : {}), ...forcedRelay() });
  exposeTestHook('client', client);

  const store = useStore.getState();
  store.setClient(client);
  store.clearFeeds();
  store.setConnectionState(client.state);
  const talk = new TalkController(client, {
    onTalkingTo: (peerId) => useStore.getState().setTalkingTo(peerId),
    onMicError: (message) => useStore.getState().setMicError(message),
  });
  store.setTalkController(talk);

  const offs = [
    client.on('stateChanged', (state) => useStore.getState().setConnectionState(state)),
    client.on('joined', (info) => {
      useStore.getState().setJoined(info.role, info.peerId);
      if (info.role === 'camera') useStore.getState().setDeviceName(info.label);
    }),
    client.on('renamed', (name) => useStore.getState().setDeviceName(name)),
    client.on('producersChanged', (producers) => {
      useStore.getState().setProducers(producers);
      // A rename or a grant change updates the followed producers: tiles take it at once.
      useStore.getState().refreshFeeds();
    }),
    client.on('error', (error) =>
      useStore.getState().setError({ code: error.code, message: error.message }),
    ),
  ];
  const stopWatching = autoWatch(client);

  // Failures surface through the 'error' event and the 'closed' state.
  client.connect().catch(() => undefined);

  return () => {
    stopWatching();
    talk.close();
    client.close();
    for (const off of offs) off();
  };
}
