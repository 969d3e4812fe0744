import { createApiServices } from '@porchlight/web-ui';

/** Same origin and same stored session as the home app: logging in here logs in there. */
export const { publicApi, session, api } = createApiServices();
