import type { HttpApp, HttpReply } from '../../http/HttpServer.ts';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { ClipQuerySchema, ErrorCode, LivePlaylistQuerySchema } from '@porchlight/protocol';
import type { Authorizer } from '../../identity/authorization/Authorizer.ts';
import type { Principal } from '../../identity/authorization/Principal.ts';
import { deviceResource } from '../../identity/authorization/resources.ts';
import { PorchlightError } from '../../errors.ts';
import { DecryptionError, KeyUnavailableError } from '../crypto/errors.ts';
import type { RecordingIndex } from '../index/RecordingIndex.ts';
import type { SegmentVault } from '../SegmentVault.ts';
import { ObjectNotFoundError } from '../storage/errors.ts';
import type { ServedKind, UsageMeter } from '../UsageMeter.ts';
import type { RecordingRun, SegmentRecord } from '../types.ts';
import type { ClipExporter } from './ClipExporter.ts';
import type { PlaybackGrant, PlaybackScope, PlaybackTokens } from './PlaybackTokens.ts';
import type { LivePlaylist } from './LivePlaylist.ts';
import { mediaPlaylist } from './playlists.ts';
import type { Snapshotter } from './Snapshotter.ts';
import { trimRunEdges } from './clipRange.ts';
import type { WindowLimiter } from '../../SlidingWindowLimiter.ts';
import { ipBucket } from '../../identity/authentication/ipBucket.ts';
import { RateLimitedError } from '../../identity/authentication/RateLimitedError.ts';

/** A revoked grant stops playback within this long (authorization is re-checked, cached). */
const AUTHZ_CACHE_MS = 5_000;
/** The most segments one on-demand playlist lists (24 h of 2 s segments, with headroom). */
const MAX_VOD_SEGMENTS = 50_000;

const Token = z
  .string()
  .min(10)
  .max(1024)
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
const TokenParams = z.strictObject({ token: Token });
const InitParams = z.strictObject({
  token: Token,
  file: z.string().regex(/^run_[A-Za-z0-9_-]{1,40}\.mp4$/),
});
const SegParams = z.strictObject({ token: Token, file: z.string().regex(/^\d{1,15}\.m4s$/) });
const PartParams = z.strictObject({
  token: Token,
  file: z.string().regex(/^\d{1,15}\.\d{1,4}\.m4s$/),
});
const SnapshotQuery = z.strictObject({
  at: z.coerce.number().int().min(0),
  width: z.coerce.number().int().min(16).max(1920).optional(),
});

/** Lookups a playback URL needs, typed structurally so recording/ does not import the store. */
export interface PlaybackLookups {
  devices: { get(id: string): Promise<{ siteId: string } | null> };
  apiKeys: { get(id: string): Promise<Parameters<Authorizer['apiKeyPrincipal']>[0] | null> };
  /**
   * Streams that are not a device's own (a visitor's message): the device whose rights govern
   * them, or null for a device's stream. Absent: every stream is a device's.
   */
  streamOwner?: (streamKey: string) => Promise<string | null>;
}

export interface MediaServerDeps {
  tokens: PlaybackTokens;
  index: RecordingIndex;
  vault: SegmentVault;
  clips: ClipExporter;
  snapshots: Snapshotter;
  usage: UsageMeter;
  authorizer: Authorizer;
  lookups: PlaybackLookups;
  segmentMs: number;
  /** The live (LL-HLS) playlist, its parts, and segments still on their way to storage. */
  live: LivePlaylist;
  now?: () => number;
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  // A malformed token is as unauthorized as a forged one.
  const token = (value as { token?: unknown } | undefined)?.token;
  if (token !== undefined && !Token.safeParse(token).success) {
    throw PorchlightError.unauthorized('invalid or expired playback URL');
  }
  const r = schema.safeParse(value);
  if (!r.success) throw PorchlightError.badRequest(r.error.issues.map((i) => i.message).join('; '));
  return r.data;
}

/** Aborts when the client goes away: a blocked request stops waiting for it. */
function closed(reply: HttpReply): AbortSignal {
  const abort = new AbortController();
  reply.raw.once('close', () => abort.abort());
  return abort.signal;
}

/** Storage and crypto failures as clean HTTP errors; a wrong master key must not look like a 500. */
function mapStorageError(error: unknown): never {
  if (error instanceof ObjectNotFoundError) throw PorchlightError.notFound('segment');
  if (error instanceof KeyUnavailableError || error instanceof DecryptionError) {
    throw new PorchlightError(
      ErrorCode.Unavailable,
      'recording cannot be decrypted with the configured keys (key unavailable or data corrupt)',
    );
  }
  throw error;
}

/**
 * Serves recordings to players under `/media/<signed token>/…`: live and on-demand HLS playlists
 * built from the index, init and media segments decrypted on the fly, MP4 clips and JPEG
 * snapshots. Every request verifies the token (signature, expiry, device, time bounds) and that
 * whoever minted it may still view recordings of the device.
 */
export class MediaServer {
  readonly #d: MediaServerDeps;
  readonly #now: () => number;
  readonly #authz = new Map<string, { ok: boolean; until: number }>();
  /** Bumped by every forget: a check that started before one is not cached. */
  #authzGeneration = 0;

  constructor(deps: MediaServerDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
  }

  /** `limiter`: /media/* requests per client address and per token (finding 5); none = no limit. */
  register(app: HttpApp, limiter?: WindowLimiter): void {
    if (limiter) {
      app.addHook('onRequest', async (req) => {
        if (!req.url.startsWith('/media/')) return;
        const token = req.url.split('/')[2] ?? '';
        for (const key of [`a:${ipBucket(req.ip)}`, `t:${token.slice(-43)}`]) {
          const wait = await limiter.attempt(key);
          if (wait > 0) throw new RateLimitedError(wait, 'too many media requests; slow down');
        }
      });
    }
    app.get('/media/:token/live.m3u8', async (req, reply) => {
      const grant = await this.#grant(parse(TokenParams, req.params).token);
      const q = parse(LivePlaylistQuerySchema, req.query);
      const want = q._HLS_msn === undefined ? undefined : { msn: q._HLS_msn, part: q._HLS_part };
      // A ranged URL lists only its range, as vod does (its segments and parts refuse the rest).
      const range = { from: grant.from, to: grant.to };
      const body = await this.#d.live.render(grant.deviceId, want, closed(reply), range);
      return this.#playlist(reply, grant, body);
    });

    // LL-HLS parts, from memory; the one a preload hint names is waited for.
    app.get('/media/:token/part/:file', async (req, reply) => {
      const p = parse(PartParams, req.params);
      const grant = await this.#grant(p.token);
      const [msn, index] = p.file.slice(0, -'.m4s'.length).split('.').map(Number) as [
        number,
        number,
      ];
      const part = await this.#d.live.part(grant.deviceId, msn, index, closed(reply));
      if (!this.#inRange(grant, part)) throw PorchlightError.notFound('part');
      return this.#media(
        reply,
        grant,
        part.bytes,
        'video/iso.segment',
        'private, max-age=60',
        'hls',
      );
    });

    app.get('/media/:token/vod.m3u8', async (req, reply) => {
      const grant = await this.#grant(parse(TokenParams, req.params).token);
      if (grant.from === null || grant.to === null) {
        throw PorchlightError.badRequest('this playback URL has no time range');
      }
      const segments = trimRunEdges(
        await this.#d.index.querySegments({
          deviceId: grant.deviceId,
          from: grant.from,
          to: grant.to,
          limit: MAX_VOD_SEGMENTS,
        }),
        grant.from,
        grant.to,
      );
      const runs = await this.#runs(grant.deviceId, segments);
      return this.#playlist(
        reply,
        grant,
        mediaPlaylist(segments, runs, { kind: 'vod', segmentMs: this.#d.segmentMs }),
      );
    });

    app.get('/media/:token/init/:file', async (req, reply) => {
      const p = parse(InitParams, req.params);
      const grant = await this.#grant(p.token);
      const run = await this.#d.index.getRun(p.file.slice(0, -'.mp4'.length));
      if (!run || run.deviceId !== grant.deviceId) throw PorchlightError.notFound('init segment');
      const bytes = await this.#d.vault.get(run.storageKey).catch(mapStorageError);
      return this.#media(reply, grant, bytes, 'video/mp4', 'private, max-age=3600', 'hls');
    });

    app.get('/media/:token/seg/:file', async (req, reply) => {
      const p = parse(SegParams, req.params);
      const grant = await this.#grant(p.token);
      const seq = Number(p.file.slice(0, -'.m4s'.length));
      const segment = await this.#d.index.getSegment(grant.deviceId, seq);
      // Just finished and listed by the live playlist, but still being encrypted and stored.
      const pending = segment ? undefined : this.#d.live.pendingSegment(grant.deviceId, seq);
      if (pending && this.#inRange(grant, pending)) {
        const age = 'private, max-age=60';
        return this.#media(reply, grant, pending.bytes, 'video/iso.segment', age, 'hls');
      }
      if (!segment || !this.#inRange(grant, segment)) throw PorchlightError.notFound('segment');
      const bytes = await this.#d.vault.get(segment.storageKey).catch(mapStorageError);
      return this.#media(reply, grant, bytes, 'video/iso.segment', 'private, max-age=3600', 'hls');
    });

    app.get('/media/:token/clip.mp4', async (req, reply) => {
      const grant = await this.#grant(parse(TokenParams, req.params).token);
      const { audio } = parse(ClipQuerySchema, req.query);
      if (grant.from === null || grant.to === null) {
        throw PorchlightError.badRequest('this playback URL has no time range');
      }
      const plan = await this.#d.clips
        .plan(grant.deviceId, grant.from, grant.to)
        .catch(mapStorageError);
      const usage = this.#d.usage;
      const source = this.#d.clips.bytes(plan, audio);
      // The first bytes before the status: an exporter that fails at once is a 5xx, not a 200.
      // A later failure aborts the response, so a cut-off clip never looks complete.
      const first = await source.next().catch(mapStorageError);
      // A client gone before the stream starts must still stop the exporter (and its ffmpeg).
      reply.raw.once('close', () => void source.return(undefined));
      const counted = async function* (): AsyncGenerator<Buffer> {
        if (first.done) return;
        usage.served(grant.deviceId, grant.siteId, first.value.length, 'download');
        yield first.value;
        for await (const chunk of source) {
          usage.served(grant.deviceId, grant.siteId, chunk.length, 'download');
          yield chunk;
        }
      };
      reply
        .header('content-type', 'video/mp4')
        .header('content-disposition', 'attachment') // the page's download attribute names it
        .header('cache-control', 'private, no-store');
      return reply.send(Readable.from(counted()));
    });

    app.get('/media/:token/snapshot.jpg', async (req, reply) => {
      const grant = await this.#grant(parse(TokenParams, req.params).token, 'snapshot');
      const q = parse(SnapshotQuery, req.query);
      if ((grant.from !== null && q.at < grant.from) || (grant.to !== null && q.at > grant.to)) {
        throw PorchlightError.forbidden('time outside this playback URL');
      }
      const jpeg = await this.#d.snapshots
        .snapshot(grant.deviceId, q.at, q.width ?? null)
        .catch(mapStorageError);
      return this.#media(reply, grant, jpeg, 'image/jpeg', 'private, max-age=600', 'download');
    });
  }

  /**
   * Drops the cached decisions of a principal whose grants, key or account changed (on this node
   * or, relayed by the cluster bus, on another), so the next request is checked afresh.
   */
  forgetAuthorization(who: { kind: string; id: string }): void {
    this.#authzGeneration++;
    const prefix = `${who.kind}:${who.id}:`;
    for (const key of this.#authz.keys()) if (key.startsWith(prefix)) this.#authz.delete(key);
  }

  async #grant(token: string, need: PlaybackScope = 'media'): Promise<PlaybackGrant> {
    const grant = this.#d.tokens.verify(token);
    // A thumbnails URL opens snapshots only: not playlists, segments or clips.
    if (grant.scope === 'snapshot' && need !== 'snapshot') {
      throw PorchlightError.forbidden('this playback URL opens snapshots only');
    }
    const owner = (await this.#d.lookups.streamOwner?.(grant.deviceId)) ?? grant.deviceId;
    const key = `${grant.principal.kind}:${grant.principal.id}:${grant.siteId}:${grant.deviceId}`;
    const now = this.#now();
    let cached = this.#authz.get(key);
    if (!cached || cached.until <= now) {
      const generation = this.#authzGeneration;
      cached = { ok: await this.#stillAllowed(grant, owner), until: now + AUTHZ_CACHE_MS };
      if (generation === this.#authzGeneration) this.#authz.set(key, cached);
      if (this.#authz.size > 10_000) this.#authz.clear();
    }
    if (!cached.ok) throw PorchlightError.forbidden('no longer allowed to view these recordings');
    const device = await this.#d.lookups.devices.get(owner);
    if (!device || device.siteId !== grant.siteId) throw PorchlightError.notFound('device');
    return grant;
  }

  async #stillAllowed(grant: PlaybackGrant, owner: string): Promise<boolean> {
    try {
      let principal: Principal;
      if (grant.principal.kind === 'account') {
        principal = await this.#d.authorizer.accountPrincipal(grant.principal.id);
      } else {
        const key = await this.#d.lookups.apiKeys.get(grant.principal.id);
        if (!key) return false;
        principal = await this.#d.authorizer.apiKeyPrincipal(key);
      }
      return this.#d.authorizer.can(
        principal,
        'stream:view-recording',
        deviceResource(grant.siteId, owner),
      );
    } catch {
      return false;
    }
  }

  #inRange(grant: PlaybackGrant, s: Pick<SegmentRecord, 'producerTime' | 'durationMs'>): boolean {
    if (grant.from !== null && s.producerTime + s.durationMs <= grant.from) return false;
    if (grant.to !== null && s.producerTime >= grant.to) return false;
    return true;
  }

  async #runs(
    deviceId: string,
    segments: readonly SegmentRecord[],
  ): Promise<Map<string, RecordingRun>> {
    const runs = new Map<string, RecordingRun>();
    for (const id of new Set(segments.map((s) => s.runId))) {
      const run = await this.#d.index.getRun(id);
      if (run && run.deviceId === deviceId) runs.set(id, run);
    }
    return runs;
  }

  #playlist(reply: HttpReply, grant: PlaybackGrant, body: string): HttpReply {
    this.#d.usage.served(grant.deviceId, grant.siteId, Buffer.byteLength(body), 'hls');
    return reply
      .header('content-type', 'application/vnd.apple.mpegurl')
      .header('cache-control', 'no-store')
      .send(body);
  }

  #media(
    reply: HttpReply,
    grant: PlaybackGrant,
    bytes: Buffer,
    type: string,
    cache: string,
    kind: ServedKind,
  ): HttpReply {
    this.#d.usage.served(grant.deviceId, grant.siteId, bytes.length, kind);
    return reply.header('content-type', type).header('cache-control', cache).send(bytes);
  }
}
