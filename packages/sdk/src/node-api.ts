import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { ClipAudio } from '@porchlight/protocol';
import { clipUrl, PorchlightApi } from './api.ts';
import { ApiError } from './errors.ts';

/** Options of {@link createApiKeyClient}. */
export interface ApiKeyClientOptions {
  /** Server origin, e.g. `https://porchlight.example`. Required: there is no page origin in Node. */
  url: string;
  /**
   * A scoped API key (created in the home app or with `PorchlightApi.createApiKey`). It can do
   * what its scopes allow on its site, nothing more; it is sent as a bearer token.
   */
  apiKey: string;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  /** Check answers against the contract (default: on unless NODE_ENV=production). */
  validateResponses?: boolean;
}

/**
 * A REST client for a server-side integration, authenticated with a scoped API key. Calls beyond
 * the key's scopes fail with an {@link ApiError} `FORBIDDEN`; a revoked key with `UNAUTHORIZED`.
 *
 * @example
 * ```ts
 * const api = createApiKeyClient({ url: 'https://porchlight.example', apiKey: process.env.KEY! });
 * const cameras = await api.listDevices(siteId);
 * ```
 */
export function createApiKeyClient(options: ApiKeyClientOptions): PorchlightApi {
  if (!options.apiKey) throw new TypeError('createApiKeyClient: `apiKey` is required');
  const { apiKey } = options;
  return new PorchlightApi({
    url: options.url,
    getToken: () => apiKey,
    ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
    ...(options.validateResponses !== undefined
      ? { validateResponses: options.validateResponses }
      : {}),
  });
}

/**
 * GETs a signed media URL of a playback (`clip`, `snapshot`, `live`; relative to the server or
 * absolute). Signed URLs carry their own short-lived authorization: no bearer is sent.
 * Rejects with an {@link ApiError} unless the answer is 2xx.
 */
export async function fetchSignedMedia(
  api: PorchlightApi,
  url: string,
  fetchImpl: typeof fetch = globalThis.fetch,
): Promise<Response> {
  const absolute = new URL(url, `${api.url}/`).toString();
  let response: Response;
  try {
    response = await fetchImpl(absolute, { credentials: 'omit', cache: 'no-store' });
  } catch (error) {
    throw new ApiError('NETWORK', `cannot reach the server (${String(error)})`, 0, {
      cause: error,
    });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new ApiError(
      response.status === 404 ? 'NOT_FOUND' : response.status === 403 ? 'FORBIDDEN' : 'BAD_REQUEST',
      `${response.status} for the signed media URL`,
      response.status,
    );
  }
  return response;
}

/** What {@link downloadClip} cuts: one camera, [from, to] in unix ms. */
export interface ClipRequest {
  siteId: string;
  deviceId: string;
  /** Start, unix ms. */
  from: number;
  /** End, unix ms. */
  to: number;
  /** Audio codec of the clip (default `aac`; see `clipUrl`). */
  audio?: ClipAudio;
}

/** Where a clip went and how big it is. */
export interface ClipDownload {
  file: string;
  bytes: number;
}

/**
 * Downloads the MP4 clip of a recording to `file`: asks for a signed playback of [from, to]
 * (needs the `stream:view-recording` scope), then streams `clip.mp4` to disk.
 */
export async function downloadClip(
  api: PorchlightApi,
  request: ClipRequest,
  file: string,
): Promise<ClipDownload> {
  const playback = await api.createPlayback(request.siteId, request.deviceId, {
    from: request.from,
    to: request.to,
  });
  if (playback.clip === null) throw new ApiError('INTERNAL', 'the server offered no clip', 200);
  const url =
    request.audio !== undefined ? clipUrl(playback.clip, { audio: request.audio }) : playback.clip;
  const response = await fetchSignedMedia(api, url);
  if (!response.body) throw new ApiError('INTERNAL', 'empty clip', response.status);
  let bytes = 0;
  const body = Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => (bytes += chunk.length));
  await pipeline(body, createWriteStream(file));
  return { file, bytes };
}
