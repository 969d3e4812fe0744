import type { DtlsParameters } from '@porchlight/protocol';
import type { SessionDescription } from './sdp.ts';
import { WhipError } from './WhipError.ts';

const ALGORITHMS = new Set(['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512']);

/**
 * The offerer's DTLS parameters for mediasoup's `connect` and our `a=setup` (RFC 8842): an
 * offerer that is `actpass` or `active` is the DTLS client, so we answer `passive`.
 */
export function dtlsOf(offer: SessionDescription): {
  remote: DtlsParameters;
  localSetup: 'active' | 'passive';
  remoteUfrag: string;
} {
  const m = offer.media.find((x) => x.fingerprint) ?? offer.media[0]!;
  const fp = (m.fingerprint ?? offer.fingerprint)!;
  if (!ALGORITHMS.has(fp.algorithm))
    throw WhipError.badSdp(`unsupported fingerprint algorithm ${fp.algorithm}`);
  const setup = m.setup ?? offer.setup ?? 'actpass';
  if (!['actpass', 'active', 'passive'].includes(setup))
    throw WhipError.badSdp(`a=setup:${setup} is not actpass, active or passive`);
  const remoteIsServer = setup === 'passive';
  return {
    remote: {
      role: remoteIsServer ? 'server' : 'client',
      fingerprints: [{ algorithm: fp.algorithm, value: fp.value }],
    } as DtlsParameters,
    localSetup: remoteIsServer ? 'active' : 'passive',
    remoteUfrag: (offer.media.find((x) => x.iceUfrag)?.iceUfrag ?? offer.iceUfrag)!,
  };
}
