import { z } from 'zod';
import { ACTIONS, DEVICE_KINDS, SITE_ROLES } from './enums.ts';
import { ResourceIdSchema } from '../text.ts';

export { ResourceIdSchema, TextSchema } from '../text.ts';

export const EmailSchema = z.string().trim().toLowerCase().max(254).email();
export const PasswordSchema = z.string().min(10).max(256);
/** Unix milliseconds (bounded to what a JavaScript Date can hold). */
export const MillisSchema = z.number().int().min(0).max(8_640_000_000_000_000);
/** A query-string number in unix ms. */
export const QueryMillisSchema = z.coerce.number<number>().pipe(MillisSchema);
export const SiteRoleSchema = z.enum(SITE_ROLES);
export const ActionSchema = z.enum(ACTIONS);
export const DeviceKindSchema = z.enum(DEVICE_KINDS);

export const SiteParamsSchema = z.strictObject({ siteId: ResourceIdSchema });
export const DeviceParamsSchema = z.strictObject({
  siteId: ResourceIdSchema,
  deviceId: ResourceIdSchema,
});
export const GrantParamsSchema = z.strictObject({
  siteId: ResourceIdSchema,
  grantId: ResourceIdSchema,
});
/** No query parameters / an empty JSON object body. */
export const EmptySchema = z.strictObject({});

// Responses: plain objects (unknown fields are tolerated, so a newer server does not break an
// older client); ids in answers are not re-checked against the input pattern.
export const ResponseIdSchema = z.string();
export const NullableMillisSchema = z.number().nullable();
