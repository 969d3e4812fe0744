import { z } from 'zod';
import {
  EmailSchema,
  EmptySchema,
  ResponseIdSchema,
  PasswordSchema,
  ResourceIdSchema,
  TextSchema,
} from './common.ts';
import { REST_ENDPOINTS } from './endpoints.ts';
import { defineRoute, NoInputSchema } from './route.ts';

/** An account as the API shows it: never a hash, never a secret. */
export const AccountSchema = z.object({
  id: ResponseIdSchema,
  email: z.string(),
  displayName: z.string(),
  isAdmin: z.boolean(),
  disabled: z.boolean(),
  createdAt: z.number(),
});
export type Account = z.infer<typeof AccountSchema>;

export const NewAccountSchema = z.strictObject({
  email: EmailSchema,
  displayName: TextSchema(100),
  password: PasswordSchema,
  isAdmin: z.boolean().default(false),
});
export type NewAccount = z.input<typeof NewAccountSchema>;

export const AccountPatchSchema = z.strictObject({
  disabled: z.boolean().optional(),
  isAdmin: z.boolean().optional(),
  displayName: TextSchema(100).optional(),
});
export type AccountPatch = z.input<typeof AccountPatchSchema>;

export const accountRoutes = {
  listAccounts: defineRoute({
    ...REST_ENDPOINTS.listAccounts,
    summary: 'Every account (admin).',
    tag: 'admin',
    params: NoInputSchema,
    query: EmptySchema,
    body: NoInputSchema,
    response: z.array(AccountSchema),
    status: 200,
  }),
  createAccount: defineRoute({
    ...REST_ENDPOINTS.createAccount,
    summary: 'Create an account (admin).',
    tag: 'admin',
    params: NoInputSchema,
    query: NoInputSchema,
    body: NewAccountSchema,
    response: AccountSchema,
    status: 201,
  }),
  updateAccount: defineRoute({
    ...REST_ENDPOINTS.updateAccount,
    summary:
      'Disable/enable an account, change admin flag or name (admin). Disabling cuts sessions.',
    tag: 'admin',
    params: z.strictObject({ accountId: ResourceIdSchema }),
    query: NoInputSchema,
    body: AccountPatchSchema,
    response: AccountSchema,
    status: 200,
  }),
};
