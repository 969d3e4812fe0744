import { z } from 'zod';
import { PROTOCOL_HEADER, PROTOCOL_VERSION_REFUSED } from './version.ts';

/** A protocol version as sent by a client: a small non-negative integer. */
export const protocolVersionSchema = z.number().int().min(0).max(65_535);

/**
 * socket.io `auth` at connect: the bearer and (since protocol version 1) the client's protocol
 * version. A client that sends no version is not checked (raw socket.io tools, old builds).
 */
export const handshakeAuthSchema = z.object({
  token: z.string().max(8192),
  protocol: protocolVersionSchema.optional(),
});

/** The `Porchlight-Protocol` request header: decimal digits only. */
export const protocolHeaderSchema = z
  .string()
  .regex(/^\d{1,5}$/, `${PROTOCOL_HEADER} must be a decimal protocol version`)
  .transform(Number)
  .pipe(protocolVersionSchema);

/** The refusal sent in a handshake error's `data` and in a REST 400's `error.protocol`. */
export const protocolVersionRefusalSchema = z.object({
  code: z.literal(PROTOCOL_VERSION_REFUSED),
  message: z.string(),
  client: z.number(),
  server: z.object({ min: z.number(), max: z.number() }),
});
