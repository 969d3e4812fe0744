import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type {
  CreateRtspCamera,
  IngestSourceView,
  IngestStatus,
  ProbeResult,
  ProbeRtsp,
  UpdateIngestSource,
} from '@porchlight/protocol';
import { createLogger } from '@porchlight/runtime';
import type { Config } from '../config/schema.ts';
import { PorchlightError } from '../errors.ts';
import { MissingReferenceError } from '../store/errors.ts';
import type { RoomRegistry } from '../media/RoomRegistry.ts';
import { SecretBox } from '../secrets.ts';
import type { SqlExecutor } from '../store/executor/SqlExecutor.ts';
import type { Device, DeviceRepository } from '../store/repositories/DeviceRepository.ts';
import { CameraFeed, type FeedRegistry } from './CameraFeed.ts';
import { IngestSourceRepository, type IngestSource } from './IngestSourceRepository.ts';
import { probeInput, type FfmpegInput } from './probe.ts';
import {
  hashStreamKey,
  newStreamKey,
  RTMP_APP,
  RtmpIngestServer,
} from './rtmp/RtmpIngestServer.ts';
import { rtspHost, rtspInput, type RtspCredentials } from './rtsp/rtspInput.ts';

const logger = createLogger('Ingest');

export interface IngestOptions {
  config: Config['ingest'];
  db: SqlExecutor;
  /** The server secret: credentials are sealed under a key derived from it. */
  secret: string;
  devices: Pick<DeviceRepository, 'create' | 'get' | 'update'>;
  registry: FeedRegistry;
  rooms: Pick<RoomRegistry, 'getOrCreate'>;
  /** Revokes a device like the devices API does (its credential generation moves on). */
  revokeDevice: (deviceId: string) => Promise<unknown>;
  /** The host encoders reach us at, for RTMP publish URLs. */
  publicHost: string;
  /** How often bitrate goes to the device registry (as for browser cameras). */
  statsIntervalMs: number;
  /**
   * A camera's feed started. It has no page of its own to run the person detector in, so the
   * composition root tells detection (`runOn: 'auto'` then hands it to the server's host).
   */
  feedStarted?: (deviceId: string) => void;
}

/** A created RTMP camera's one-time key and where to publish it. */
export interface IssuedStreamKey {
  key: string;
  url: string;
  server: string;
  streamName: string;
}

/** Concurrent probes (Test button) per site. */
const MAX_PROBES_PER_SITE = 2;

const DISABLED: IngestStatus = {
  state: 'disabled',
  failure: null,
  reason: null,
  since: 0,
  attempts: 0,
  video: null,
  audio: null,
};

/**
 * Cameras fed from outside (docs/cameras.md): RTSP cameras the server pulls with ffmpeg and RTMP
 * encoders that push to the RTMP listener. Each running camera is a CameraFeed feeding a
 * PlainCamera in its site's room, so recording, viewers and detection see a camera like any other.
 * Credentials are sealed (SecretBox, purpose "ingest camera credentials", the device id as
 * associated data) and only ever opened to build ffmpeg's input.
 */
export class Ingest {
  readonly sources: IngestSourceRepository;
  readonly #o: IngestOptions;
  readonly #box: SecretBox;
  readonly #feeds = new Map<string, CameraFeed>();
  /** Probes running per site. */
  readonly #probing = new Map<string, number>();
  readonly #rtmp: RtmpIngestServer | undefined;
  #closed = false;

  private constructor(o: IngestOptions, rtmp: RtmpIngestServer | undefined) {
    this.#o = o;
    this.sources = new IngestSourceRepository(o.db);
    this.#box = new SecretBox(o.secret, 'ingest camera credentials');
    this.#rtmp = rtmp;
    rtmp?.on('publish', (deviceId, address) => void this.#onPublish(deviceId, address));
    rtmp?.on('unpublish', (deviceId) => void this.#stopFeed(deviceId));
  }

  /** Opens the RTMP listener (when enabled) and starts every enabled RTSP camera. */
  static async create(o: IngestOptions): Promise<Ingest> {
    const rtmp = o.config.rtmp.enabled
      ? await RtmpIngestServer.listen({
          bindAddress: o.config.rtmp.bindAddress,
          port: o.config.rtmp.port,
        })
      : undefined;
    const ingest = new Ingest(o, rtmp);
    try {
      for (const s of await ingest.sources.all()) {
        if (s.kind === 'rtmp' && s.enabled) rtmp?.setKey(s.deviceId, s.streamKeyHash);
        if (s.kind === 'rtsp' && s.enabled) await ingest.#startRtsp(s);
      }
    } catch (error) {
      await ingest.close();
      throw error;
    }
    return ingest;
  }

  /** The RTMP listener's port (undefined with RTMP off). */
  get rtmpPort(): number | undefined {
    return this.#rtmp?.port;
  }

  /** The running feed of a device (tests and benches watch its ffmpeg). */
  feed(deviceId: string): CameraFeed | undefined {
    return this.#feeds.get(deviceId);
  }

  async list(siteId: string): Promise<IngestSourceView[]> {
    const out: IngestSourceView[] = [];
    for (const s of await this.sources.listOfSite(siteId)) {
      const device = await this.#o.devices.get(s.deviceId);
      if (device && device.revokedAt === null) out.push(this.#view(s, device));
    }
    return out;
  }

  /**
   * Connects once and reports codecs or why not; stores nothing. At most MAX_PROBES_PER_SITE run
   * at once per site (CONFLICT beyond), so the Test button cannot be turned into a port scanner.
   */
  async probe(siteId: string, req: ProbeRtsp): Promise<ProbeResult> {
    const running = this.#probing.get(siteId) ?? 0;
    if (running >= MAX_PROBES_PER_SITE)
      throw PorchlightError.conflict('a camera test is already running for this site');
    this.#probing.set(siteId, running + 1);
    const input = rtspInput(req.url, req.credentials ?? null, req.transport ?? 'tcp');
    let r: Awaited<ReturnType<typeof probeInput>>;
    try {
      r = await probeInput(input, this.#o.config.probeTimeoutMs);
    } finally {
      const left = (this.#probing.get(siteId) ?? 1) - 1;
      if (left <= 0) this.#probing.delete(siteId);
      else this.#probing.set(siteId, left);
    }
    const video = r.video
      ? {
          codec: r.video.codec,
          width: r.video.width,
          height: r.video.height,
          fps: r.video.fps,
          action: r.ok ? r.plan.video.action : ('copy' as const),
        }
      : null;
    const audio =
      r.ok && r.plan.audio
        ? {
            codec: r.plan.audio.codec,
            sampleRate: r.plan.audio.sampleRate,
            channels: r.plan.audio.channels,
            action: r.plan.audio.action,
          }
        : null;
    if (!r.ok) return { ok: false, failure: r.failure, message: r.message, video, audio };
    const what = `${r.video.codec.toUpperCase()} ${r.video.width ?? '?'}x${r.video.height ?? '?'}`;
    return {
      ok: true,
      failure: null,
      message: `found ${what}${audio ? ` with ${audio.codec} audio` : ', no audio'}`,
      video,
      audio,
    };
  }

  async createRtsp(
    siteId: string,
    body: CreateRtspCamera & { transport: 'tcp' | 'udp'; enabled: boolean },
  ): Promise<{ device: Device; source: IngestSourceView }> {
    const device = await this.#newDevice(siteId, body.name);
    const now = Date.now();
    const source: IngestSource = {
      deviceId: device.id,
      kind: 'rtsp',
      url: body.url,
      credentials: body.credentials ? this.#seal(device.id, body.credentials) : null,
      transport: body.transport,
      streamKeyHash: null,
      enabled: body.enabled,
      createdAt: now,
      updatedAt: now,
    };
    await this.sources.create(source);
    if (source.enabled) await this.#startRtsp(source);
    return { device, source: this.#view(source, device) };
  }

  async createRtmp(
    siteId: string,
    name: string,
  ): Promise<{ device: Device; source: IngestSourceView; key: IssuedStreamKey }> {
    const device = await this.#newDevice(siteId, name);
    const key = newStreamKey();
    const now = Date.now();
    const source: IngestSource = {
      deviceId: device.id,
      kind: 'rtmp',
      url: null,
      credentials: null,
      transport: 'tcp',
      streamKeyHash: hashStreamKey(key),
      enabled: true,
      createdAt: now,
      updatedAt: now,
    };
    await this.sources.create(source);
    this.#rtmp?.setKey(device.id, source.streamKeyHash);
    return { device, source: this.#view(source, device), key: this.#issued(device.id, key) };
  }

  async update(
    siteId: string,
    deviceId: string,
    patch: UpdateIngestSource,
  ): Promise<IngestSourceView> {
    const { source, device } = await this.#owned(siteId, deviceId);
    if (source.kind === 'rtmp' && (patch.url !== undefined || patch.credentials !== undefined))
      throw PorchlightError.badRequest('an RTMP camera has no URL or credentials to change');
    const next: IngestSource = {
      ...source,
      ...(patch.url !== undefined ? { url: patch.url } : {}),
      ...(patch.transport !== undefined ? { transport: patch.transport } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      ...(patch.credentials !== undefined
        ? { credentials: patch.credentials ? this.#seal(deviceId, patch.credentials) : null }
        : {}),
      updatedAt: Date.now(),
    };
    await this.sources.update(deviceId, {
      url: next.url,
      credentials: next.credentials,
      transport: next.transport,
      enabled: next.enabled,
      updatedAt: next.updatedAt,
    });
    // Any change restarts the pull with the new settings.
    await this.#stopFeed(deviceId);
    if (next.kind === 'rtsp' && next.enabled) await this.#startRtsp(next);
    if (next.kind === 'rtmp')
      this.#rtmp?.setKey(deviceId, next.enabled ? next.streamKeyHash : null);
    return this.#view(next, device);
  }

  /** Stops the camera (its ffmpeg is gone when this resolves), forgets the source, revokes the device. */
  async delete(siteId: string, deviceId: string): Promise<void> {
    await this.#owned(siteId, deviceId);
    this.#rtmp?.setKey(deviceId, null);
    await this.#stopFeed(deviceId);
    await this.sources.delete(deviceId);
    await this.#o.revokeDevice(deviceId);
  }

  async rotateStreamKey(
    siteId: string,
    deviceId: string,
  ): Promise<{ key: IssuedStreamKey; source: IngestSourceView }> {
    const { source, device } = await this.#owned(siteId, deviceId);
    if (source.kind !== 'rtmp')
      throw PorchlightError.badRequest('only RTMP cameras have stream keys');
    const key = newStreamKey();
    const next = { ...source, streamKeyHash: hashStreamKey(key), updatedAt: Date.now() };
    await this.sources.update(deviceId, {
      streamKeyHash: next.streamKeyHash,
      updatedAt: next.updatedAt,
    });
    // The old key stops working at once and a publish made with it ends.
    if (next.enabled) this.#rtmp?.setKey(deviceId, next.streamKeyHash);
    return { key: this.#issued(deviceId, key), source: this.#view(next, device) };
  }

  async revokeStreamKey(siteId: string, deviceId: string): Promise<void> {
    const { source } = await this.#owned(siteId, deviceId);
    if (source.kind !== 'rtmp')
      throw PorchlightError.badRequest('only RTMP cameras have stream keys');
    await this.sources.update(deviceId, { streamKeyHash: null, updatedAt: Date.now() });
    this.#rtmp?.setKey(deviceId, null);
    await this.#stopFeed(deviceId);
  }

  /** A device was revoked elsewhere (devices API): its feed stops. */
  async deviceChanged(deviceId: string): Promise<void> {
    const device = await this.#o.devices.get(deviceId);
    if (device && device.revokedAt === null) return;
    this.#rtmp?.setKey(deviceId, null);
    await this.#stopFeed(deviceId);
  }

  /** Stops every feed (no ffmpeg left when this resolves) and the RTMP listener. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#rtmp?.close();
    await Promise.all([...this.#feeds.keys()].map((id) => this.#stopFeed(id)));
  }

  async #newDevice(siteId: string, name: string): Promise<Device> {
    const device: Device = {
      id: randomUUID(),
      siteId,
      kind: 'camera',
      name: name.trim(),
      // A credential nobody knows: the device is provisioned, yet no client can sign in as it.
      credentialHash: createHash('sha256').update(randomBytes(32)).digest('hex'),
      credentialGeneration: 1,
      createdAt: Date.now(),
      revokedAt: null,
      online: false,
      lastSeenAt: null,
      lastAddress: null,
      userAgent: null,
      firmware: null,
      bitrate: null,
    };
    try {
      await this.#o.devices.create(device);
    } catch (error) {
      // An admin may name any site id: a device of no site is NOT_FOUND, not a 500.
      if (error instanceof MissingReferenceError) throw PorchlightError.notFound('site');
      throw error;
    }
    return device;
  }

  async #owned(
    siteId: string,
    deviceId: string,
  ): Promise<{ source: IngestSource; device: Device }> {
    const device = await this.#o.devices.get(deviceId);
    const source =
      device && device.siteId === siteId && device.revokedAt === null
        ? await this.sources.get(deviceId)
        : null;
    if (!device || !source) throw PorchlightError.notFound('camera source');
    return { source, device };
  }

  #seal(deviceId: string, c: RtspCredentials): string {
    return this.#box.seal(JSON.stringify({ username: c.username, password: c.password }), deviceId);
  }

  #open(source: IngestSource): RtspCredentials | null {
    if (!source.credentials) return null;
    return JSON.parse(this.#box.open(source.credentials, source.deviceId)) as RtspCredentials;
  }

  #issued(deviceId: string, key: string): IssuedStreamKey {
    const server = `${this.#publishBase()}/${RTMP_APP}`;
    return {
      key,
      server,
      streamName: `${deviceId}?key=${key}`,
      url: `${server}/${deviceId}?key=${key}`,
    };
  }

  #publishBase(): string {
    const h = this.#o.publicHost.includes(':') ? `[${this.#o.publicHost}]` : this.#o.publicHost;
    return `rtmp://${h}:${this.#rtmp?.port ?? this.#o.config.rtmp.port}`;
  }

  async #startRtsp(source: IngestSource): Promise<void> {
    if (this.#closed || !source.url) return;
    const url = source.url;
    await this.#startFeed(
      source.deviceId,
      () => rtspInput(url, this.#open(source), source.transport),
      {
        address: rtspHost(url),
        userAgent: 'RTSP camera (pulled by the server)',
      },
    );
  }

  async #onPublish(deviceId: string, address: string | null): Promise<void> {
    const rtmp = this.#rtmp;
    if (this.#closed || !rtmp) return;
    await this.#stopFeed(deviceId);
    if (!rtmp.isPublishing(deviceId)) return;
    await this.#startFeed(deviceId, () => rtmp.playInput(deviceId), {
      address,
      userAgent: 'RTMP encoder (pushed to the server)',
    });
  }

  async #startFeed(
    deviceId: string,
    input: () => FfmpegInput,
    who: { address: string | null; userAgent: string },
  ): Promise<void> {
    const device = await this.#o.devices.get(deviceId);
    if (!device || device.revokedAt !== null || this.#closed || this.#feeds.has(deviceId)) return;
    const feed = new CameraFeed({
      deviceId,
      siteId: device.siteId,
      label: () => device.name,
      stillWanted: async () => {
        const d = await this.#o.devices.get(deviceId);
        return d !== null && d.revokedAt === null && (await this.sources.get(deviceId)) !== null;
      },
      input,
      rooms: this.#o.rooms,
      registry: this.#o.registry,
      ...who,
      probeTimeoutMs: this.#o.config.probeTimeoutMs,
      stallMs: this.#o.config.stallMs,
      initialBackoffMs: this.#o.config.initialBackoffMs,
      maxBackoffMs: this.#o.config.maxBackoffMs,
      statsIntervalMs: this.#o.statsIntervalMs,
    });
    this.#feeds.set(deviceId, feed);
    feed.start();
    logger.info('camera feed started', { deviceId });
    this.#o.feedStarted?.(deviceId);
  }

  async #stopFeed(deviceId: string): Promise<void> {
    const feed = this.#feeds.get(deviceId);
    if (!feed) return;
    this.#feeds.delete(deviceId);
    await feed.close();
  }

  #view(s: IngestSource, device: Device): IngestSourceView {
    const feed = this.#feeds.get(s.deviceId);
    const idle: IngestStatus = s.enabled
      ? {
          ...DISABLED,
          state: 'offline',
          reason: s.kind === 'rtmp' ? 'no encoder is publishing' : null,
          since: s.updatedAt,
        }
      : { ...DISABLED, since: s.updatedAt };
    return {
      deviceId: s.deviceId,
      siteId: device.siteId,
      name: device.name,
      kind: s.kind,
      url: s.url,
      hasCredentials: s.credentials !== null,
      transport: s.transport,
      hasStreamKey: s.streamKeyHash !== null,
      publishUrl:
        s.kind === 'rtmp' && this.#rtmp ? `${this.#publishBase()}/${RTMP_APP}/${s.deviceId}` : null,
      enabled: s.enabled,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
      status: feed?.status ?? idle,
    };
  }
}
