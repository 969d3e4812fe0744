import {
  checkProtocolVersion,
  PROTOCOL_HEADER,
  protocolHeaderSchema,
  type ProtocolVersionRange,
  type ProtocolVersionRefusal,
} from '@porchlight/protocol';
import { PorchlightError } from '../errors.ts';

/**
 * The REST side of version negotiation: undefined when the request sent no
 * `Porchlight-Protocol` header or one in `range`, else the refusal to answer with (400).
 * A malformed header is a BAD_REQUEST of its own.
 */
export function refusedProtocol(
  header: string | string[] | undefined,
  range: Readonly<ProtocolVersionRange>,
): ProtocolVersionRefusal | undefined {
  if (header === undefined) return undefined;
  const parsed = protocolHeaderSchema.safeParse(Array.isArray(header) ? header.join(',') : header);
  if (!parsed.success)
    throw PorchlightError.badRequest(`${PROTOCOL_HEADER} must be a decimal protocol version`);
  return checkProtocolVersion(parsed.data, range);
}
