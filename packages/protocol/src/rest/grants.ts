import { z } from 'zod';
import { AccountSchema } from './accounts.ts';
import {
  EmailSchema,
  EmptySchema,
  GrantParamsSchema,
  ResponseIdSchema,
  MillisSchema,
  NullableMillisSchema,
  PasswordSchema,
  ResourceIdSchema,
  SiteParamsSchema,
  SiteRoleSchema,
  TextSchema,
} from './common.ts';
import { REST_ENDPOINTS } from './endpoints.ts';
import { defineRoute, NoContentSchema, NoInputSchema } from './route.ts';

export const GrantSchema = z.object({
  id: ResponseIdSchema,
  accountId: ResponseIdSchema,
  siteId: ResponseIdSchema,
  role: SiteRoleSchema,
  /** null: every device of the site. */
  deviceIds: z.array(z.string()).nullable(),
  validFrom: NullableMillisSchema,
  validUntil: NullableMillisSchema,
  createdAt: z.number(),
  revoked: z.boolean(),
});
export type Grant = z.infer<typeof GrantSchema>;

export const GrantWithAccountSchema = GrantSchema.extend({
  account: AccountSchema.nullable(),
});
export type GrantWithAccount = z.infer<typeof GrantWithAccountSchema>;

/**
 * Which devices a grant or invitation covers, always chosen explicitly: every device of the site
 * (including ones added later), or these (at least one). There is no default, so forgetting to
 * tick a camera can never mean "all cameras".
 */
export const DeviceChoiceSchema = z.union([
  z.strictObject({ all: z.literal(true) }),
  z.strictObject({ ids: z.array(ResourceIdSchema).min(1).max(100) }),
]);
export type DeviceChoice = z.infer<typeof DeviceChoiceSchema>;

/** The stored form of a choice: null = every device, now and later. */
export const deviceIdsOf = (choice: DeviceChoice): string[] | null =>
  'all' in choice ? null : [...new Set(choice.ids)];

/** Optional time window of a grant or invitation; from must be before until. */
export const validWindowOk = (b: {
  validFrom?: number | undefined;
  validUntil?: number | undefined;
}): boolean =>
  b.validFrom === undefined || b.validUntil === undefined || b.validFrom < b.validUntil;

export const NewGrantSchema = z
  .strictObject({
    email: EmailSchema,
    role: SiteRoleSchema,
    devices: DeviceChoiceSchema,
    validFrom: MillisSchema.optional(),
    validUntil: MillisSchema.optional(),
    /** For a person without an account yet: their name and initial password. */
    displayName: TextSchema(100).optional(),
    password: PasswordSchema.optional(),
  })
  .refine(validWindowOk, { message: 'validFrom must be before validUntil', path: ['validUntil'] });
export type NewGrant = z.input<typeof NewGrantSchema>;

export const grantRoutes = {
  listGrants: defineRoute({
    ...REST_ENDPOINTS.listGrants,
    summary: 'People with access to a site, with their accounts.',
    tag: 'members',
    params: SiteParamsSchema,
    query: EmptySchema,
    body: NoInputSchema,
    response: z.array(GrantWithAccountSchema),
    status: 200,
  }),
  createGrant: defineRoute({
    ...REST_ENDPOINTS.createGrant,
    summary:
      'Platform admins: give an account (or a new one) a role on the site, optionally limited to devices and a time window. Site owners invite people instead (createInvitation), which reveals nothing about existing accounts.',
    tag: 'members',
    params: SiteParamsSchema,
    query: NoInputSchema,
    body: NewGrantSchema,
    response: GrantWithAccountSchema,
    status: 201,
  }),
  revokeGrant: defineRoute({
    ...REST_ENDPOINTS.revokeGrant,
    summary:
      "Revoke a person's access; their live sessions lose it within seconds. The last owner of a site cannot be revoked (409).",
    tag: 'members',
    params: GrantParamsSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: NoContentSchema,
    status: 204,
  }),
};
