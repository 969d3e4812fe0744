import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionEvents } from '@porchlight/sdk/rest';
import { followSession, SESSION_ENDED_MESSAGE, type SessionFollower } from './followSession.ts';

type Listener<K extends keyof SessionEvents> = (...args: SessionEvents[K]) => void;

/** A session that the test drives: its events, what sync() finds, whether someone is logged in. */
function fakeSession() {
  const listeners: { [K in keyof SessionEvents]: Listener<K>[] } = { ended: [], changed: [] };
  return {
    loggedIn: false,
    synced: true,
    ended: listeners.ended,
    changed: listeners.changed,
    sync(): boolean {
      return this.synced;
    },
    on<K extends keyof SessionEvents>(event: K, listener: Listener<K>): () => void {
      listeners[event].push(listener);
      return () => undefined;
    },
  };
}

function follow(withChanged = true) {
  const storage: ((event: { key: string | null }) => void)[] = [];
  vi.stubGlobal(
    'addEventListener',
    (type: string, listener: (event: { key: string | null }) => void) => {
      if (type === 'storage') storage.push(listener);
    },
  );
  const session = fakeSession();
  const follower = {
    ended: vi.fn<SessionFollower['ended']>(),
    loggedInElsewhere: vi.fn<SessionFollower['loggedInElsewhere']>(),
    ...(withChanged ? { changed: vi.fn<NonNullable<SessionFollower['changed']>>() } : {}),
  };
  followSession(session, follower);
  const store = (key: string | null): void => {
    for (const listener of storage) listener({ key });
  };
  return { session, follower, store };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('followSession', () => {
  it('explains an expired session; a logout needs no message', () => {
    const { session, follower } = follow();
    session.ended[0]!('expired');
    session.ended[0]!('logout');
    expect(follower.ended.mock.calls).toEqual([[SESSION_ENDED_MESSAGE], [null]]);
  });

  it('passes account changes on, when the page wants them', () => {
    const { session, follower } = follow();
    session.changed[0]!(null);
    expect(follower.changed).toHaveBeenCalledWith(null);
    expect(follow(false).session.changed).toHaveLength(0);
  });

  it('reacts to a login in another tab: only the session key, only when it changed', () => {
    const { session, follower, store } = follow();
    session.loggedIn = true;
    store('something.else');
    expect(follower.loggedInElsewhere).not.toHaveBeenCalled();
    store('porchlight.session');
    store(null); // localStorage.clear() elsewhere
    expect(follower.loggedInElsewhere).toHaveBeenCalledTimes(2);

    session.synced = false;
    store('porchlight.session');
    session.synced = true;
    session.loggedIn = false;
    store('porchlight.session');
    expect(follower.loggedInElsewhere).toHaveBeenCalledTimes(2);
  });
});
