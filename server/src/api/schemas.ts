import { z } from 'zod';
import { ACTIONS } from '../identity/authorization/actions.ts';
import { SITE_ROLES } from '../store/types.ts';

/** Ids we mint are UUIDs; anything else is refused before it reaches the store. */
export const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'invalid id');
/** Display text: trimmed, bounded, no control characters. */
export const Text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    // eslint-disable-next-line no-control-regex
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'control characters are not allowed');
export const Email = z.string().trim().toLowerCase().max(254).email();
export const Password = z.string().min(10).max(256);
export const Role = z.enum(SITE_ROLES as [string, ...string[]]);
export const Scope = z.enum(ACTIONS);
export const Millis = z.number().int().min(0).max(8_640_000_000_000_000);

export const SiteParams = z.strictObject({ siteId: Id });
export const DeviceParams = z.strictObject({ siteId: Id, deviceId: Id });
export const GrantParams = z.strictObject({ siteId: Id, grantId: Id });
export const Empty = z.strictObject({});
