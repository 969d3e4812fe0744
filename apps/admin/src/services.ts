import { PorchlightApi, SessionManager } from '@porchlight/sdk/rest';

/**
 * Same origin and same stored session as the home app: logging in here logs in there, and the
 * SessionManager's cross-tab lock keeps the two from rotating one refresh token twice.
 */
export const publicApi = new PorchlightApi();
export const session = new SessionManager({ api: publicApi });
export const api = publicApi.withToken(session.getToken);
