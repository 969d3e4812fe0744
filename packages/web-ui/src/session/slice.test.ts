import { describe, expect, it, vi } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { ApiError, type SessionAccount } from '@porchlight/sdk/rest';
import {
  createBannerSlice,
  createSessionSlice,
  type BannerSlice,
  type SessionSlice,
} from './slice.ts';

/** A store shaped like the apps': a mode next to the shared slices. */
interface TestStore extends SessionSlice, BannerSlice {
  mode: 'login' | 'person';
  loaded: string | null;
}

const account: SessionAccount = {
  id: 'a1',
  email: 'a@b.c',
  displayName: 'A',
  isAdmin: false,
  createdAt: 0,
  disabledAt: null,
};

function setup(loginError?: Error) {
  const session = {
    login: vi.fn(async () => {
      if (loginError) throw loginError;
      return account;
    }),
    logout: vi.fn(async () => undefined),
  };
  const afterLogin = vi.fn((get: () => TestStore) => {
    store.setState({ mode: 'person', loaded: 'sites' });
    expect(get().banner).toBeNull();
  });
  const onLogout = vi.fn(() => expect(session.logout).not.toHaveBeenCalled());
  const store = createStore<TestStore>()((set, get) => ({
    mode: 'login',
    loaded: null,
    ...createBannerSlice(set),
    ...createSessionSlice<TestStore>(set, get, {
      session,
      afterLogin,
      loggedOut: () => ({ mode: 'login', account: null, loaded: null }),
      followsSession: (s) => s.mode === 'person',
      onLogout,
    }),
  }));
  return { store, session, afterLogin, onLogout };
}

describe('session slice', () => {
  it('logs in: clears the banner, then lets the app decide what to show', async () => {
    const { store, session, afterLogin } = setup();
    store.getState().setBanner('old problem');
    await store.getState().login('a@b.c', 'pw');
    expect(session.login).toHaveBeenCalledWith('a@b.c', 'pw');
    expect(afterLogin).toHaveBeenCalledTimes(1);
    expect(store.getState()).toMatchObject({ mode: 'person', loaded: 'sites', banner: null });
  });

  it('puts a refused login in the banner and stays on the login screen', async () => {
    const refused = new ApiError('UNAUTHORIZED', 'invalid email or password', 401);
    const { store, afterLogin } = setup(refused);
    await store.getState().login('a@b.c', 'wrong');
    expect(afterLogin).not.toHaveBeenCalled();
    expect(store.getState().mode).toBe('login');
    expect(store.getState().banner).toMatch(/invalid email or password/i);
  });

  it('logs out: back to the login screen, app clean-up before the server is told', async () => {
    const { store, session, onLogout } = setup();
    await store.getState().login('a@b.c', 'pw');
    await store.getState().logout();
    expect(onLogout).toHaveBeenCalledTimes(1);
    expect(session.logout).toHaveBeenCalledTimes(1);
    expect(store.getState()).toMatchObject({ mode: 'login', account: null, loaded: null });
  });

  it('shows why a session ended elsewhere, only when the page follows one', async () => {
    const { store, onLogout } = setup();
    store.getState().sessionEnded('expired');
    expect(store.getState().banner).toBeNull();

    await store.getState().login('a@b.c', 'pw');
    store.getState().sessionEnded('expired');
    expect(store.getState()).toMatchObject({ mode: 'login', loaded: null, banner: 'expired' });
    // Not a logout: nothing to tell the server, nothing else to forget.
    expect(onLogout).not.toHaveBeenCalled();
  });
});
