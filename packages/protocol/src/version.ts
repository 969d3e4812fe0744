/**
 * Protocol version negotiation (no schema, no zod: browser bundles import this through
 * `@porchlight/protocol/vocabulary`). See docs/protocol.md, "Version negotiation".
 *
 * One number covers the socket protocol and the REST contract. It is bumped when a change would
 * break a client built against the previous version (a request or notification removed or
 * reshaped, a route's answer changed incompatibly); additions that old clients ignore keep it.
 */

/** The protocol version this build speaks (clients send it, servers answer it). */
export const PROTOCOL_VERSION = 1;

/** The oldest client protocol version a server of this build still serves. */
export const MIN_PROTOCOL_VERSION = 1;

/** An inclusive range of protocol versions. */
export interface ProtocolVersionRange {
  min: number;
  max: number;
}

/** What a server of this build accepts: [MIN_PROTOCOL_VERSION, PROTOCOL_VERSION]. */
export const SUPPORTED_PROTOCOL_VERSIONS: Readonly<ProtocolVersionRange> = Object.freeze({
  min: MIN_PROTOCOL_VERSION,
  max: PROTOCOL_VERSION,
});

/**
 * REST request header carrying the client's protocol version (`Porchlight-Protocol: 1`).
 * Optional: a request without it is not checked. Servers answer with it too.
 */
export const PROTOCOL_HEADER = 'porchlight-protocol';

/** The code of a refusal for a protocol version outside the server's range. */
export const PROTOCOL_VERSION_REFUSED = 'PROTOCOL_VERSION';

/**
 * Why a server refused a client's protocol version: the handshake error's `data` (socket) or the
 * `error.protocol` member of a 400 answer (REST).
 */
export interface ProtocolVersionRefusal {
  code: typeof PROTOCOL_VERSION_REFUSED;
  message: string;
  /** The version the client sent. */
  client: number;
  /** The range the server accepts. */
  server: ProtocolVersionRange;
}

/** Undefined when `client` is in `range`, else the refusal to send back. */
export function checkProtocolVersion(
  client: number,
  range: Readonly<ProtocolVersionRange> = SUPPORTED_PROTOCOL_VERSIONS,
): ProtocolVersionRefusal | undefined {
  if (client >= range.min && client <= range.max) return undefined;
  const advice =
    client < range.min
      ? 'upgrade the client (SDK or app)'
      : 'upgrade the server or use an older SDK';
  return {
    code: PROTOCOL_VERSION_REFUSED,
    message:
      `protocol version ${client} is not supported: this server speaks ` +
      `${range.min === range.max ? range.min : `${range.min} to ${range.max}`}; ${advice}`,
    client,
    server: { min: range.min, max: range.max },
  };
}
