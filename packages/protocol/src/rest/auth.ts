import { z } from 'zod';
import { AccountSchema } from './accounts.ts';
import { EmailSchema, EmptySchema, ResponseIdSchema } from './common.ts';
import { GrantSchema } from './grants.ts';
import { REST_ENDPOINTS } from './endpoints.ts';
import { defineRoute, NoContentSchema, NoInputSchema } from './route.ts';

/** The account as returned with a session (login, refresh). */
export const SessionAccountSchema = z.object({
  id: ResponseIdSchema,
  email: z.string(),
  displayName: z.string(),
  isAdmin: z.boolean(),
  createdAt: z.number(),
  disabledAt: z.number().nullable(),
});
export type SessionAccount = z.infer<typeof SessionAccountSchema>;

export const SessionSchema = z.object({
  /** Short-lived (minutes); sent as `Authorization: Bearer` and in the socket handshake. */
  accessToken: z.string(),
  accessTokenExpiresAt: z.number(),
  /** Long-lived, single use: each refresh returns a new one. */
  refreshToken: z.string(),
  refreshTokenExpiresAt: z.number(),
  account: SessionAccountSchema,
  /**
   * From a password login: a known-device token. Sent back with the next login, it lets this
   * browser in while others' failed guesses have the account locked out or slowed down.
   */
  deviceToken: z.string().optional(),
});
export type Session = z.infer<typeof SessionSchema>;

/** `GET /api/v1/me`: a device, or an account (logged in or through one of its API keys). */
export const MeSchema = z.union([
  z.object({
    kind: z.literal('device'),
    device: z.object({ id: ResponseIdSchema, siteId: ResponseIdSchema, name: z.string() }),
  }),
  z.object({
    kind: z.enum(['account', 'apikey']),
    account: AccountSchema,
    grants: z.array(GrantSchema),
  }),
]);
export type Me = z.infer<typeof MeSchema>;

export const LoginBodySchema = z.strictObject({
  email: EmailSchema,
  password: z.string().min(1).max(256),
  /** The `deviceToken` of an earlier login from this browser (see SessionSchema). */
  deviceToken: z.string().min(1).max(512).optional(),
});
export const RefreshBodySchema = z.strictObject({ refreshToken: z.string().min(1).max(512) });

export const authRoutes = {
  login: defineRoute({
    ...REST_ENDPOINTS.login,
    summary: 'Log in with e-mail and password; returns an access token and a refresh token.',
    tag: 'auth',
    params: NoInputSchema,
    query: NoInputSchema,
    body: LoginBodySchema,
    response: SessionSchema,
    status: 200,
  }),
  refresh: defineRoute({
    ...REST_ENDPOINTS.refresh,
    summary: 'Rotate a refresh token for a new pair. Reusing a rotated token revokes its family.',
    tag: 'auth',
    params: NoInputSchema,
    query: NoInputSchema,
    body: RefreshBodySchema,
    response: SessionSchema,
    status: 200,
  }),
  logout: defineRoute({
    ...REST_ENDPOINTS.logout,
    summary: 'Revoke a refresh token.',
    tag: 'auth',
    params: NoInputSchema,
    query: NoInputSchema,
    body: RefreshBodySchema,
    response: NoContentSchema,
    status: 204,
  }),
  me: defineRoute({
    ...REST_ENDPOINTS.me,
    summary: 'The calling account (or device/API key) and its grants.',
    tag: 'auth',
    params: NoInputSchema,
    query: EmptySchema,
    body: NoInputSchema,
    response: MeSchema,
    status: 200,
  }),
};
