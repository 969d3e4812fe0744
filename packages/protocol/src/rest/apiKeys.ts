import { z } from 'zod';
import {
  ActionSchema,
  EmptySchema,
  ResponseIdSchema,
  ResourceIdSchema,
  TextSchema,
} from './common.ts';
import { REST_ENDPOINTS } from './endpoints.ts';
import { defineRoute, NoContentSchema, NoInputSchema } from './route.ts';

export const ApiKeySchema = z.object({
  id: ResponseIdSchema,
  name: z.string(),
  scopes: z.array(z.string()),
  siteId: z.string().nullable(),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
  revoked: z.boolean(),
});
export type ApiKey = z.infer<typeof ApiKeySchema>;

export const NewApiKeySchema = z.strictObject({
  name: TextSchema(64),
  /** Actions the key may use: a subset of what its owner may do (on its site). */
  scopes: z.array(ActionSchema).min(1).max(20),
  siteId: ResourceIdSchema.optional(),
});
export type NewApiKey = z.input<typeof NewApiKeySchema>;

export const CreatedApiKeySchema = z.object({
  /** The secret (`plk_...`), shown this one time. */
  key: z.string(),
  apiKey: ApiKeySchema,
});
export type CreatedApiKey = z.infer<typeof CreatedApiKeySchema>;

export const apiKeyRoutes = {
  listApiKeys: defineRoute({
    ...REST_ENDPOINTS.listApiKeys,
    summary: "The caller's API keys (never the secrets).",
    tag: 'api-keys',
    params: NoInputSchema,
    query: EmptySchema,
    body: NoInputSchema,
    response: z.array(ApiKeySchema),
    status: 200,
  }),
  createApiKey: defineRoute({
    ...REST_ENDPOINTS.createApiKey,
    summary: 'Create a scoped API key for integrations; the secret is shown once.',
    tag: 'api-keys',
    params: NoInputSchema,
    query: NoInputSchema,
    body: NewApiKeySchema,
    response: CreatedApiKeySchema,
    status: 201,
  }),
  revokeApiKey: defineRoute({
    ...REST_ENDPOINTS.revokeApiKey,
    summary: 'Revoke an API key; connections using it are cut within seconds.',
    tag: 'api-keys',
    params: z.strictObject({ keyId: ResourceIdSchema }),
    query: NoInputSchema,
    body: NoInputSchema,
    response: NoContentSchema,
    status: 204,
  }),
};
