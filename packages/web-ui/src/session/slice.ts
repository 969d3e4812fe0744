import type { SessionAccount, SessionManager } from '@porchlight/sdk/rest';
import { describeApiError } from '@porchlight/sdk/rest';

/** The error banner's state: the last refused action. */
export interface BannerSlice {
  banner: string | null;
  setBanner(message: string | null): void;
}

/** A banner slice for a zustand store (`set` is the store's). */
export function createBannerSlice(
  set: (partial: Pick<BannerSlice, 'banner'>) => void,
): BannerSlice {
  return { banner: null, setBanner: (banner) => set({ banner }) };
}

/** A person's login as the store sees it; each app adds its own modes around it. */
export interface SessionSlice {
  account: SessionAccount | null;
  login(email: string, password: string): Promise<void>;
  logout(): Promise<void>;
  /** The session ended elsewhere: refused refresh token, or logout in another tab. */
  sessionEnded(message: string | null): void;
}

/** Where the apps differ. `S` is the app's whole store. */
export interface SessionSliceOptions<S extends SessionSlice & BannerSlice> {
  session: Pick<SessionManager, 'login' | 'logout'>;
  /** After a successful login: what this page shows for the account. */
  afterLogin(get: () => S): void | Promise<void>;
  /** Back to the login screen: drops what the person saw; returns the state to set. */
  loggedOut(get: () => S): Partial<S>;
  /** Whether a session that ended elsewhere concerns this page as it is now. */
  followsSession(state: S): boolean;
  /** Also forgotten on an explicit logout, before the server hears of it. */
  onLogout?(): void;
}

export function createSessionSlice<S extends SessionSlice & BannerSlice>(
  set: (partial: Partial<S>) => void,
  get: () => S,
  options: SessionSliceOptions<S>,
): SessionSlice {
  const { session } = options;
  return {
    account: null,

    login: async (email, password) => {
      get().setBanner(null);
      try {
        await session.login(email, password);
      } catch (error) {
        get().setBanner(describeApiError(error));
        return;
      }
      await options.afterLogin(get);
    },

    logout: async () => {
      set(options.loggedOut(get));
      options.onLogout?.();
      await session.logout();
    },

    sessionEnded: (message) => {
      if (!options.followsSession(get())) return;
      set(options.loggedOut(get));
      get().setBanner(message);
    },
  };
}
