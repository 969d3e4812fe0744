import { PorchlightApi, SessionManager } from '@porchlight/sdk';

/**
 * The page's connections to the REST API, one of each: `publicApi` for routes that carry their
 * own secret (login, provisioning), `session` for the person's login, and `api` for everything
 * a logged-in person does (its bearer comes from the session and is refreshed as needed).
 */
export const publicApi = new PorchlightApi();
export const session = new SessionManager({ api: publicApi });
export const api = publicApi.withToken(session.getToken);
