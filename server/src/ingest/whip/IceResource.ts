import { randomBytes } from 'node:crypto';
import type { types } from 'mediasoup';
import { writeRestartFragment } from './answer.ts';
import { parseSdp } from './sdp.ts';
import { WhipError } from './WhipError.ts';

export type PatchResult = { status: 204 } | { status: 200; body: string; etag: string };

function newEtag(): string {
  return `"${randomBytes(9).toString('base64url')}"`;
}

/**
 * The ICE side of a WHIP/WHEP session resource (RFC 9725 4.3): its ETag (one per ICE session),
 * trickle PATCHes (204; mediasoup is ICE-lite and learns the client's addresses from its checks,
 * so candidates are validated and dropped) and ICE restarts (`If-Match: "*"`: 200 with the new
 * credentials and a new ETag).
 */
export class IceResource {
  #etag = newEtag();
  #remoteUfrag: string;
  readonly #transport: types.WebRtcTransport;
  readonly #first: { kind: string; mid: string };

  constructor(
    transport: types.WebRtcTransport,
    remoteUfrag: string,
    first: { kind: string; mid: string },
  ) {
    this.#transport = transport;
    this.#remoteUfrag = remoteUfrag;
    this.#first = first;
  }

  get etag(): string {
    return this.#etag;
  }

  /**
   * `ifMatch`: the request's `If-Match`, or a stray `ETag` request header (some clients send
   * that instead); absent is accepted for a trickle.
   */
  async patch(fragment: string, ifMatch: string | undefined): Promise<PatchResult> {
    const frag = parseSdp(fragment, { fragment: true });
    const ufrag = frag.iceUfrag ?? frag.media.find((m) => m.iceUfrag)?.iceUfrag;
    const pwd = frag.icePwd ?? frag.media.find((m) => m.icePwd)?.icePwd;
    const restart = ifMatch?.trim() === '*';
    if (restart) {
      if (!ufrag || !pwd)
        throw WhipError.unsupportedPatch(
          'an ICE restart carries the new a=ice-ufrag and a=ice-pwd',
        );
      await this.#transport.restartIce();
      this.#remoteUfrag = ufrag;
      this.#etag = newEtag();
      return {
        status: 200,
        body: writeRestartFragment(this.#transport, this.#first),
        etag: this.#etag,
      };
    }
    if (ifMatch !== undefined && !sameEtag(ifMatch, this.#etag)) throw WhipError.precondition();
    const candidates = frag.media.reduce((n, m) => n + m.candidates.length, 0);
    const end = frag.media.some((m) => m.endOfCandidates);
    if (candidates === 0 && !end)
      throw WhipError.unsupportedPatch(
        'unsupported PATCH: send trickle candidates, end-of-candidates, or an ICE restart (If-Match: "*")',
      );
    if (ufrag !== undefined && ufrag !== this.#remoteUfrag)
      throw WhipError.unsupportedPatch('the fragment is for another ICE session (a=ice-ufrag)');
    return { status: 204 };
  }
}

function sameEtag(header: string, etag: string): boolean {
  const strip = (s: string): string => s.trim().replace(/^W\//, '');
  return header.split(',').some((h) => strip(h) === etag || strip(h) === etag.slice(1, -1));
}
