import { createApiServices } from '@porchlight/web-ui';

/** The page's REST connections (see createApiServices): shared with the admin app's login. */
export const { publicApi, session, api } = createApiServices();
