import { PorchlightApi, SessionManager } from '@porchlight/sdk/rest';

/**
 * A page's connections to the REST API, one of each: `publicApi` for routes that carry their own
 * secret (login, provisioning), `session` for the person's login, and `api` for everything a
 * logged-in person does (its bearer comes from the session and is refreshed as needed).
 */
export interface ApiServices {
  publicApi: PorchlightApi;
  session: SessionManager;
  api: PorchlightApi;
}

/**
 * Both apps are served from one origin and keep the session under one storage key: logging in
 * to one logs in to the other, and the SessionManager's cross-tab lock keeps them from rotating
 * one refresh token twice.
 */
export function createApiServices(): ApiServices {
  const publicApi = new PorchlightApi();
  // Cookie mode: the refresh token lives in an HttpOnly cookie, out of reach of page scripts.
  const session = new SessionManager({ api: publicApi, cookie: true });
  return { publicApi, session, api: publicApi.withToken(session.getToken) };
}
