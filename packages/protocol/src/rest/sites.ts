import { z } from 'zod';
import { EmptySchema, ResponseIdSchema, SiteParamsSchema, TextSchema } from './common.ts';
import { REST_ENDPOINTS } from './endpoints.ts';
import { defineRoute, NoContentSchema, NoInputSchema } from './route.ts';

export const SiteSchema = z.object({
  id: ResponseIdSchema,
  name: z.string(),
  createdAt: z.number(),
});
export type Site = z.infer<typeof SiteSchema>;

export const NewSiteSchema = z.strictObject({
  name: TextSchema(100),
  /** This account, if given, becomes the site's owner. */
  ownerAccountId: z.string().max(64).optional(),
});
export type NewSite = z.input<typeof NewSiteSchema>;

export const siteRoutes = {
  listSites: defineRoute({
    ...REST_ENDPOINTS.listSites,
    summary: 'Sites the caller can see.',
    tag: 'sites',
    params: NoInputSchema,
    query: EmptySchema,
    body: NoInputSchema,
    response: z.array(SiteSchema),
    status: 200,
  }),
  createSite: defineRoute({
    ...REST_ENDPOINTS.createSite,
    summary: 'Create a site (admin). The given owner account, if any, becomes its owner.',
    tag: 'sites',
    params: NoInputSchema,
    query: NoInputSchema,
    body: NewSiteSchema,
    response: SiteSchema,
    status: 201,
  }),
  getSite: defineRoute({
    ...REST_ENDPOINTS.getSite,
    summary: 'One site.',
    tag: 'sites',
    params: SiteParamsSchema,
    query: EmptySchema,
    body: NoInputSchema,
    response: SiteSchema,
    status: 200,
  }),
  renameSite: defineRoute({
    ...REST_ENDPOINTS.renameSite,
    summary: 'Rename a site.',
    tag: 'sites',
    params: SiteParamsSchema,
    query: NoInputSchema,
    body: z.strictObject({ name: TextSchema(100) }),
    response: SiteSchema,
    status: 200,
  }),
  deleteSite: defineRoute({
    ...REST_ENDPOINTS.deleteSite,
    summary: 'Delete a site with its devices and grants (admin).',
    tag: 'sites',
    params: SiteParamsSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: NoContentSchema,
    status: 204,
  }),
  listAllSites: defineRoute({
    ...REST_ENDPOINTS.listAllSites,
    summary: 'Every site (admin).',
    tag: 'admin',
    params: NoInputSchema,
    query: EmptySchema,
    body: NoInputSchema,
    response: z.array(SiteSchema),
    status: 200,
  }),
};
