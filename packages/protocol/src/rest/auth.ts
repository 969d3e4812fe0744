import { z } from 'zod';
import { AccountSchema } from './accounts.ts';
import {
  EmailSchema,
  EmptySchema,
  PasswordSchema,
  ResourceIdSchema,
  ResponseIdSchema,
} from './common.ts';
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
  /**
   * The account must set a new password before anything else (a generated first password or an
   * admin's reset): every other call answers PASSWORD_CHANGE_REQUIRED until then.
   */
  mustChangePassword: z.boolean().optional(),
});
export type SessionAccount = z.infer<typeof SessionAccountSchema>;

export const SessionSchema = z.object({
  /** Short-lived (minutes); sent as `Authorization: Bearer` and in the socket handshake. */
  accessToken: z.string(),
  accessTokenExpiresAt: z.number(),
  /**
   * Long-lived, single use: each refresh returns a new one. Absent in cookie mode (a request with
   * the `Porchlight-Session: cookie` header, what browsers send): the token then travels only in
   * an HttpOnly cookie that page scripts cannot read.
   */
  refreshToken: z.string().optional(),
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
/** The body carries the token (Node integrators), or is empty/absent in cookie mode (browsers). */
export const RefreshBodySchema = z
  .strictObject({ refreshToken: z.string().min(1).max(512).optional() })
  .optional();

export * from './sessionCookie.ts';

export const ChangePasswordBodySchema = z.strictObject({
  currentPassword: z.string().min(1).max(256),
  newPassword: PasswordSchema,
});

/** One login session of an account (its refresh token family). */
export const SessionInfoSchema = z.object({
  id: ResponseIdSchema,
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  createdAt: z.number(),
  lastUsedAt: z.number(),
  expiresAt: z.number(),
  /** The session this request's refresh cookie belongs to (own list only). */
  current: z.boolean(),
});
/** One login session of an account: device, address, start and last use. */
export type SessionInfo = z.infer<typeof SessionInfoSchema>;
export const SessionListSchema = z.array(SessionInfoSchema);
export const SessionParamsSchema = z.strictObject({ sessionId: ResourceIdSchema });
export const AccountParamsSchema = z.strictObject({ accountId: ResourceIdSchema });
export const AccountSessionParamsSchema = z.strictObject({
  accountId: ResourceIdSchema,
  sessionId: ResourceIdSchema,
});
export const PasswordResetSchema = z.object({
  /** Shown once to the admin, who hands it over; the account must change it at next login. */
  temporaryPassword: z.string(),
});

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
  changePassword: defineRoute({
    ...REST_ENDPOINTS.changePassword,
    summary:
      'Change your password (the current one is required). Every session of the account ends; the answer is a fresh session for this client.',
    tag: 'auth',
    params: NoInputSchema,
    query: NoInputSchema,
    body: ChangePasswordBodySchema,
    response: SessionSchema,
    status: 200,
  }),
  listMySessions: defineRoute({
    ...REST_ENDPOINTS.listMySessions,
    summary: 'Your live login sessions (device, address, created, last used).',
    tag: 'auth',
    params: NoInputSchema,
    query: EmptySchema,
    body: NoInputSchema,
    response: SessionListSchema,
    status: 200,
  }),
  revokeMySession: defineRoute({
    ...REST_ENDPOINTS.revokeMySession,
    summary: 'Sign out one of your sessions.',
    tag: 'auth',
    params: SessionParamsSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: NoContentSchema,
    status: 204,
  }),
  revokeMySessions: defineRoute({
    ...REST_ENDPOINTS.revokeMySessions,
    summary: 'Sign out everywhere: every session ends and every access token dies at once.',
    tag: 'auth',
    params: NoInputSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: NoContentSchema,
    status: 204,
  }),
  resetAccountPassword: defineRoute({
    ...REST_ENDPOINTS.resetAccountPassword,
    summary:
      'Set a temporary password for an account (admin); it must be changed at next login and every session ends.',
    tag: 'admin',
    params: AccountParamsSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: PasswordResetSchema,
    status: 200,
  }),
  listAccountSessions: defineRoute({
    ...REST_ENDPOINTS.listAccountSessions,
    summary: "An account's live login sessions (admin).",
    tag: 'admin',
    params: AccountParamsSchema,
    query: EmptySchema,
    body: NoInputSchema,
    response: SessionListSchema,
    status: 200,
  }),
  revokeAccountSession: defineRoute({
    ...REST_ENDPOINTS.revokeAccountSession,
    summary: "End one of an account's sessions (admin).",
    tag: 'admin',
    params: AccountSessionParamsSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: NoContentSchema,
    status: 204,
  }),
  revokeAccountSessions: defineRoute({
    ...REST_ENDPOINTS.revokeAccountSessions,
    summary: 'End every session of an account and kill its access tokens (admin).',
    tag: 'admin',
    params: AccountParamsSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: NoContentSchema,
    status: 204,
  }),
};
