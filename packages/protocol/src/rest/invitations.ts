import { z } from 'zod';
import { SessionSchema } from './auth.ts';
import {
  EmailSchema,
  EmptySchema,
  MillisSchema,
  NullableMillisSchema,
  PasswordSchema,
  ResourceIdSchema,
  ResponseIdSchema,
  SiteParamsSchema,
  SiteRoleSchema,
  TextSchema,
} from './common.ts';
import { REST_ENDPOINTS } from './endpoints.ts';
import { DeviceChoiceSchema, GrantSchema, validWindowOk } from './grants.ts';
import { defineRoute, NoContentSchema, NoInputSchema } from './route.ts';

/** Default lifetime of an invitation link: 7 days. */
export const INVITATION_DEFAULT_TTL_SECONDS = 7 * 24 * 3600;
/** Longest lifetime an owner may choose: 30 days. */
export const INVITATION_MAX_TTL_SECONDS = 30 * 24 * 3600;

/** Where an invitation stands; only a `pending` one can be accepted. */
export const InvitationStatusSchema = z.enum(['pending', 'accepted', 'expired', 'revoked']);
export type InvitationStatus = z.infer<typeof InvitationStatusSchema>;

/** An invitation as its site's owners see it: never the token (shown once, at creation). */
export const InvitationSchema = z.object({
  id: ResponseIdSchema,
  siteId: ResponseIdSchema,
  /** Who it is for, as the owner wrote it (an e-mail, a name, or both). */
  email: z.string().nullable(),
  displayName: z.string().nullable(),
  role: SiteRoleSchema,
  /** null: every device of the site. */
  deviceIds: z.array(z.string()).nullable(),
  validFrom: NullableMillisSchema,
  validUntil: NullableMillisSchema,
  expiresAt: z.number(),
  createdAt: z.number(),
  createdBy: z.string(),
  status: InvitationStatusSchema,
  acceptedAt: NullableMillisSchema,
  acceptedBy: z.string().nullable(),
});
export type Invitation = z.infer<typeof InvitationSchema>;

/** Answer to creating one: the only time the link (with its secret) is shown. */
export const CreatedInvitationSchema = z.object({
  invitation: InvitationSchema,
  /** `<publicUrl>/invite#<token>`: the token is in the fragment, so it never reaches a log. */
  url: z.string(),
  token: z.string(),
});
export type CreatedInvitation = z.infer<typeof CreatedInvitationSchema>;

export const NewInvitationSchema = z
  .strictObject({
    /** Who it is for; at least one of the two, so the owner recognises it in the list. */
    email: EmailSchema.optional(),
    displayName: TextSchema(100).optional(),
    role: SiteRoleSchema,
    devices: DeviceChoiceSchema,
    validFrom: MillisSchema.optional(),
    validUntil: MillisSchema.optional(),
    /** How long the link works; default 7 days, at most 30. */
    ttlSeconds: z.number().int().min(60).max(INVITATION_MAX_TTL_SECONDS).optional(),
  })
  .refine((b) => b.email !== undefined || b.displayName !== undefined, {
    message: 'an e-mail or a name is required',
    path: ['email'],
  })
  .refine(validWindowOk, { message: 'validFrom must be before validUntil', path: ['validUntil'] });
export type NewInvitation = z.input<typeof NewInvitationSchema>;

/** An invitation token: base64url, as minted by the server. */
export const InvitationTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{20,128}$/, 'invalid token');

export const InvitationTokenBodySchema = z.strictObject({ token: InvitationTokenSchema });

/** What the person holding a link sees before accepting. */
export const InvitationPreviewSchema = z.object({
  siteName: z.string(),
  invitedBy: z.string(),
  role: SiteRoleSchema,
  email: z.string().nullable(),
  displayName: z.string().nullable(),
  /** null: every camera of the site, including ones added later. */
  deviceNames: z.array(z.string()).nullable(),
  validFrom: NullableMillisSchema,
  validUntil: NullableMillisSchema,
  expiresAt: z.number(),
});
export type InvitationPreview = z.infer<typeof InvitationPreviewSchema>;

export const AcceptInvitationSchema = z.strictObject({
  token: InvitationTokenSchema,
  /** Required when the invitation names no e-mail; must match it when it does. */
  email: EmailSchema.optional(),
  displayName: TextSchema(100),
  password: PasswordSchema,
});
export type AcceptInvitation = z.input<typeof AcceptInvitationSchema>;

export const InvitationParamsSchema = z.strictObject({
  siteId: ResourceIdSchema,
  invitationId: ResourceIdSchema,
});

export const invitationRoutes = {
  listInvitations: defineRoute({
    ...REST_ENDPOINTS.listInvitations,
    summary: "A site's invitations, newest first (pending ones and what became of the others).",
    tag: 'members',
    params: SiteParamsSchema,
    query: EmptySchema,
    body: NoInputSchema,
    response: z.array(InvitationSchema),
    status: 200,
  }),
  createInvitation: defineRoute({
    ...REST_ENDPOINTS.createInvitation,
    summary: 'Invite a person by a single-use, expiring link; they choose their own password.',
    tag: 'members',
    params: SiteParamsSchema,
    query: NoInputSchema,
    body: NewInvitationSchema,
    response: CreatedInvitationSchema,
    status: 201,
  }),
  revokeInvitation: defineRoute({
    ...REST_ENDPOINTS.revokeInvitation,
    summary: 'Withdraw a pending invitation: its link stops working at once.',
    tag: 'members',
    params: InvitationParamsSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: NoContentSchema,
    status: 204,
  }),
  previewInvitation: defineRoute({
    ...REST_ENDPOINTS.previewInvitation,
    summary: 'Who invites the link holder to which site with which access (the token is the key).',
    tag: 'members',
    params: NoInputSchema,
    query: NoInputSchema,
    body: InvitationTokenBodySchema,
    response: InvitationPreviewSchema,
    status: 200,
  }),
  acceptInvitation: defineRoute({
    ...REST_ENDPOINTS.acceptInvitation,
    summary:
      'Accept as a new person: creates the account and its grant, consumes the link, logs in.',
    tag: 'members',
    params: NoInputSchema,
    query: NoInputSchema,
    body: AcceptInvitationSchema,
    response: SessionSchema,
    status: 201,
  }),
  acceptInvitationAsMe: defineRoute({
    ...REST_ENDPOINTS.acceptInvitationAsMe,
    summary: 'Accept into the logged-in account: adds the grant, consumes the link.',
    tag: 'members',
    params: NoInputSchema,
    query: NoInputSchema,
    body: InvitationTokenBodySchema,
    response: GrantSchema,
    status: 201,
  }),
};
