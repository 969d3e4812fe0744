import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IceServer, ProtocolVersionRange } from '@porchlight/protocol';
import { buildOpenApi } from './api/openapi.ts';
import { registerRoutes } from './api/registerRoutes.ts';
import { routes } from './api/routes/index.ts';
import type { ApiContext } from './api/ApiContext.ts';
import type { Config } from './config/schema.ts';
import { packageVersion } from './config/version.ts';
import { createHttpServer, type HttpApp } from './http/HttpServer.ts';
import { loadTls, type LoadTlsOptions, type LocalCaCert } from './http/tls.ts';
import { createIdentity, type Identity } from './identity/createIdentity.ts';
import { RoomRegistry } from './media/RoomRegistry.ts';
import { WorkerPool } from './media/WorkerPool.ts';
import { certificateHosts, resolveAnnouncedAddress, resolvePublicHost } from './network.ts';
import { loadOrCreateSecret } from './secrets.ts';
import { SignalingServer } from './signaling/SignalingServer.ts';
import { createStore } from './store/createStore.ts';
import { createRecording, type Recording } from './recording/createRecording.ts';
import { createNotify, type Notify } from './notify/createNotify.ts';
import { TurnService } from './turn/TurnService.ts';
import { UsageMetering } from './ops/usage/UsageMetering.ts';
import type { Store } from './store/createStore.ts';
import { createLogger } from '@porchlight/runtime';
import { Doorbell } from './doorbell/Doorbell.ts';
import { Detection } from './detection/Detection.ts';
import type { EventRecordingPort } from './detection/ports.ts';
import { MessageRecorder, callOfMessageStream } from './recording/MessageRecorder.ts';
import type { LookupAll } from './notify/endpointGuard.ts';
import { PorchlightMetrics } from './ops/metrics/PorchlightMetrics.ts';
import { MediaStats } from './ops/metrics/MediaStats.ts';
import { createOps, type Ops } from './ops/metrics/createOps.ts';
import { observeHttp } from './ops/metrics/httpMetrics.ts';
import { Billing } from './ops/billing/Billing.ts';
import type { CameraCounts } from './ops/billing/Saving.ts';
import type { UsageQuery } from './ops/usage/ports.ts';
import { USAGE_DIMENSIONS, type UsageTotals } from '@porchlight/protocol';
import type { Alarms } from './ops/alarms/Alarms.ts';
import { createAlarms } from './ops/alarms/createAlarms.ts';
import { Webhooks } from './webhooks/Webhooks.ts';
import type { Resolver } from './webhooks/WebhookSender.ts';
import { WhipIngest } from './ingest/whip/WhipIngest.ts';
import { registerWhipRoutes } from './ingest/whip/whipRoutes.ts';
import { Ingest } from './ingest/Ingest.ts';
import { createCluster, type Cluster } from './cluster/Cluster.ts';
import { rateLimitsOf } from './limits/RateLimits.ts';
import { connectClusterMetrics } from './ops/metrics/clusterMetrics.ts';
import { connectPlaybackAuthz } from './recording/playback/AuthzInvalidation.ts';
import { CallRouter } from './doorbell/CallRouter.ts';
import { IdentityEventsRelay } from './identity/IdentityEventsRelay.ts';
import { RedisDevicePresence } from './identity/devices/DevicePresence.ts';
import { ClusterAdmin, NodeDrain } from './cluster/Drain.ts';
import { ClusterMedia } from './media/cluster/ClusterMedia.ts';

const logger = createLogger('Server');

/** A graceful close longer than this logs how long each of its steps took. */
const SLOW_SHUTDOWN_MS = 5_000;
const here = path.dirname(fileURLToPath(import.meta.url));
const APPS_DIR = path.resolve(here, '../../apps');
const VERSION = packageVersion();
/** Expired provisioning codes and refresh tokens are purged this often. */
const PURGE_INTERVAL_MS = 60_000;

export interface ServerOverrides {
  /** Where the built web apps live (default: the repo's apps/ folder). */
  appsDir?: string;
  /** TLS agent for push services (tests: one that trusts the local push receiver's CA). */
  pushAgent?: https.Agent;
  /** Resolver of push endpoint names at subscribe time (tests: a fake DNS). */
  pushLookup?: LookupAll;
  /** Metered usage that billing prices (tests of billing pages: fixed totals). */
  usage?: UsageQuery;
  /** The alarms' clock (tests move it an hour on to age worker deaths out). Default Date.now. */
  alarmClock?: () => number;
  /** Resolver of webhook host names at each attempt (tests: a fake DNS). */
  webhookResolve?: Resolver;
  /** CA trusted for webhook receivers besides the system's (tests: the local receiver's). */
  webhookCa?: string | Buffer;
  /** Client protocol versions accepted (socket and REST). Default SUPPORTED_PROTOCOL_VERSIONS. */
  protocolVersions?: ProtocolVersionRange;
}

/**
 * The composition root: builds every component in dependency order and is the only place that
 * knows them all. Nothing is half-built: `create` either resolves with a running server or cleans
 * up and throws.
 */
export class PorchlightServer {
  readonly config: Config;
  readonly publicHost: string;
  /** The local CA that signed the server certificate; undefined with a configured certificate. */
  readonly localCa: LocalCaCert | undefined;
  /** The metadata database: its repositories and executor. */
  readonly store: Store;
  readonly identity: Identity;
  readonly pool: WorkerPool;
  readonly rooms: RoomRegistry;
  readonly http: HttpApp;
  readonly signaling: SignalingServer;
  /** Managed coturn; undefined when TURN is disabled. */
  readonly turn: TurnService | undefined;
  readonly recording: Recording;
  /** Doors, door tokens and doorbell calls. */
  readonly doorbell: Doorbell;
  /** Web Push: VAPID keys, sender, subscriptions, the doorbell and detection adapters. */
  readonly notify: Notify;
  /** Person detection: events, their snapshots and retention, per-camera settings. */
  readonly detection: Detection;
  /** Usage metering (hourly rollups, the UsageQuery port); undefined when usage.enabled is off. */
  readonly usage: UsageMetering | undefined;
  /** Metrics (`/metrics`), readiness (`/readyz`) and the admin's health samples. */
  readonly ops: Ops;
  /** Price lists, invoices, estimates, the cloud-vs-box saving. */
  readonly billing: Billing;
  /** Alarm rules, their evaluation and notices (docs/operations.md "Alarms"). */
  readonly alarms: Alarms;
  /** Signed webhooks: endpoints, the outbox and its delivery engine (docs/webhooks.md). */
  readonly webhooks: Webhooks;
  /** WHIP ingest and WHEP playback (docs/whip-whep.md). */
  readonly whip: WhipIngest;
  /** RTSP and RTMP cameras (docs/cameras.md). */
  readonly ingest: Ingest;
  /** This node's view of the cluster: Redis bus, RPC, leases, node directory (docs/deployment.md). */
  readonly cluster: Cluster;
  /** Takes the node out of service (SIGTERM in a cluster, the admin's drain); main.ts exits on `drained`. */
  readonly drain: NodeDrain;
  /** Media across nodes: the producer directory and pipe transports; undefined on a single box. */
  readonly clusterMedia: ClusterMedia | undefined;
  readonly #purgeTimer: NodeJS.Timeout;
  #closing: Promise<void> | undefined;
  #closeStep: string | undefined;

  private constructor(parts: {
    config: Config;
    publicHost: string;
    localCa: LocalCaCert | undefined;
    store: Store;
    identity: Identity;
    pool: WorkerPool;
    rooms: RoomRegistry;
    http: HttpApp;
    signaling: SignalingServer;
    turn: TurnService | undefined;
    recording: Recording;
    doorbell: Doorbell;
    notify: Notify;
    detection: Detection;
    usage: UsageMetering | undefined;
    ops: Ops;
    billing: Billing;
    alarms: Alarms;
    webhooks: Webhooks;
    whip: WhipIngest;
    ingest: Ingest;
    cluster: Cluster;
    drain: NodeDrain;
    clusterMedia: ClusterMedia | undefined;
  }) {
    this.config = parts.config;
    this.publicHost = parts.publicHost;
    this.localCa = parts.localCa;
    this.store = parts.store;
    this.identity = parts.identity;
    this.pool = parts.pool;
    this.rooms = parts.rooms;
    this.http = parts.http;
    this.signaling = parts.signaling;
    this.turn = parts.turn;
    this.recording = parts.recording;
    this.doorbell = parts.doorbell;
    this.notify = parts.notify;
    this.detection = parts.detection;
    this.usage = parts.usage;
    this.ops = parts.ops;
    this.billing = parts.billing;
    this.alarms = parts.alarms;
    this.webhooks = parts.webhooks;
    this.whip = parts.whip;
    this.ingest = parts.ingest;
    this.cluster = parts.cluster;
    this.drain = parts.drain;
    this.clusterMedia = parts.clusterMedia;
    this.#purgeTimer = setInterval(() => void this.#purge(), PURGE_INTERVAL_MS);
    this.#purgeTimer.unref();
  }

  static async create(config: Config, overrides: ServerOverrides = {}): Promise<PorchlightServer> {
    const publicHost = resolvePublicHost(config.publicHost);
    const secret = config.auth.tokenSecret || loadOrCreateSecret(config.dataDir, 'token-secret');
    // Hosts are read again at each renewal check: a new LAN address gets a new certificate.
    const tlsOptions = (): LoadTlsOptions => ({
      certFile: config.tls.certFile,
      keyFile: config.tls.keyFile,
      dataDir: config.dataDir,
      hosts: certificateHosts(publicHost),
    });
    const tls = loadTls(tlsOptions());
    const store: Store = await createStore({
      url: config.database.url || `sqlite:${path.join(config.dataDir, 'porchlight.db')}`,
    });
    let pool: WorkerPool | undefined;
    let http: HttpApp | undefined;
    let turn: TurnService | undefined;
    let recording: Recording | undefined;
    let rooms: RoomRegistry | undefined;
    let signaling: SignalingServer | undefined;
    let doorbell: Doorbell | undefined;
    let detection: Detection | undefined;
    let usage: UsageMetering | undefined;
    let ops: Ops | undefined;
    // First, so the HTTP server counts its requests from the start.
    const metrics = new PorchlightMetrics(VERSION);
    let alarms: Alarms | undefined;
    const webhooks = new Webhooks({
      config: config.webhooks,
      db: store.executor,
      secret,
      // A cluster's nodes share the outbox: each attempt is claimed by exactly one of them.
      shared: config.cluster.redisUrl !== '',
      onOutcome: (outcome) => metrics.webhookDelivered(outcome),
      ...(overrides.webhookResolve ? { resolve: overrides.webhookResolve } : {}),
      ...(overrides.webhookCa ? { ca: overrides.webhookCa } : {}),
    });
    let ingest: Ingest | undefined;
    const sfuAddress = resolveAnnouncedAddress(config.media.announcedAddress, publicHost);
    let cluster: Cluster | undefined;
    let clusterMedia: ClusterMedia | undefined;
    try {
      cluster = await createCluster({
        ...config.cluster,
        nodeId: config.cluster.nodeId || `${os.hostname()}-${config.port}`,
        mediaAddress: sfuAddress,
      });
      // One budget across nodes in a cluster (Redis), in memory on a single box.
      const rateLimits = rateLimitsOf(cluster, config.cluster.keyPrefix);
      const identity = createIdentity({ repos: store, secret, limits: rateLimits });
      const joined = cluster;
      if (joined.clustered) connectIdentityToCluster(identity, joined, config.cluster.keyPrefix);
      pool = await WorkerPool.create({
        numWorkers: config.media.numWorkers,
        listenIp: config.media.listenIp,
        announcedAddress: sfuAddress,
        rtcPort: config.media.rtcPort,
        logLevel: config.media.workerLogLevel,
      });
      if (config.turn.enabled) {
        turn = await TurnService.create({
          config: config.turn,
          publicHost,
          listenIp: config.host,
          sfuAddress,
          sfuPorts:
            config.media.rtcPort === 0
              ? []
              : Array.from({ length: config.media.numWorkers }, (_, i) => config.media.rtcPort + i),
          tls: { certFile: tls.certFile, keyFile: tls.keyFile },
          dataDir: config.dataDir,
          // Its own secret, never the token secret: coturn keeps it in dataDir/turn/turndb.
          secret: loadOrCreateSecret(config.dataDir, 'turn-secret'),
          turnUsage: store.turnUsage,
        });
      }
      const turnService = turn;
      rooms = new RoomRegistry(pool, config.media.initialOutgoingBitrate);
      if (cluster.clustered) {
        clusterMedia = await ClusterMedia.create({
          cluster,
          rooms,
          listen: {
            listenIp: config.media.listenIp,
            announcedAddress: sfuAddress,
            enableSrtp: config.media.pipeSrtp,
          },
          keyPrefix: config.cluster.keyPrefix,
        });
      }
      if (config.usage.enabled) {
        usage = await UsageMetering.create({
          repo: store.usage,
          rooms,
          sampleIntervalMs: config.usage.sampleIntervalMs,
          flushIntervalMs: config.usage.flushIntervalMs,
          // One node integrates stored bytes (lease usage-storage); counters are per node.
          cluster,
        });
      }
      const metering = usage;
      recording = await createRecording({
        config: config.recording,
        dataDir: config.dataDir,
        secret,
        db: store.executor,
        lookups: {
          devices: store.devices,
          apiKeys: store.apiKeys,
          // A visitor's message is governed by its door's rights.
          streamOwner: async (key) => {
            const callId = callOfMessageStream(key);
            return callId === null ? null : ((await store.calls.get(callId))?.doorId ?? '');
          },
        },
        rooms,
        audit: identity.audit,
        authorizer: identity.authorizer,
        ...(cluster.clustered && {
          cluster: {
            leases: cluster.leases,
            othersLive: () => joined.nodes.live().some((n) => n.id !== joined.nodeId),
          },
        }),
        ...(metering && {
          onStorageChange: (id: string, bytes: number) => metering.storageChanged(id, bytes),
        }),
      });
      await usage?.attachRecording(recording.index, recording.service.usage);
      const playbackMedia = recording.media;
      connectPlaybackAuthz({
        events: identity.events,
        bus: cluster.bus,
        forget: (who) => playbackMedia.forgetAuthorization(who),
      });
      const notify = createNotify({
        config: config.push,
        dataDir: config.dataDir,
        secret,
        subscriptions: store.pushSubscriptions,
        agent: overrides.pushAgent,
        ...(overrides.pushLookup ? { lookup: overrides.pushLookup } : {}),
        limits: rateLimits,
      });
      const appsDir = overrides.appsDir ?? APPS_DIR;
      http = await createHttpServer({
        tls,
        ...(tls.localCa && { reloadTls: () => loadTls(tlsOptions()) }),
        apps: [
          { prefix: '/admin/', root: path.join(appsDir, 'admin', 'dist') },
          { prefix: '/', root: path.join(appsDir, 'home', 'dist') },
        ],
        onRequestDone: (done) => observeHttp(metrics, done),
        security: {
          hsts: config.http.hsts === 'on' || (config.http.hsts === 'auto' && !tls.localCa),
          connectSrc: config.http.connectSrc,
          corsOrigins: config.http.corsOrigins,
        },
      });
      const boundHttp = http;
      const publicUrl = (): string =>
        PorchlightServer.#url(publicHost, (boundHttp.server.address() as AddressInfo).port);
      const roomRegistry = rooms;
      const messageRecorder = new MessageRecorder(recording.service, rooms);
      // Signaling is built next; the doorbell reaches its sockets through it once it exists.
      const sockets: { server?: SignalingServer } = {};
      const bell = new Doorbell({
        config: config.doorbell,
        secret,
        dataDir: config.dataDir,
        repos: store,
        authorizer: identity.authorizer,
        publicUrl,
        notifier: {
          toAccounts: (ids, name, payload) => sockets.server?.notifyAccounts(ids, name, payload),
          toVisitor: (callId, name, payload) =>
            sockets.server?.notifyVisitor(callId, name, payload),
        },
        rooms: { closeCallRoom: (callId) => roomRegistry.closeCall(callId) },
        messages: messageRecorder,
        limits: rateLimits,
        ...(joined.clustered ? { sharedSnapshots: recording.service.vault.storage } : {}),
      });
      doorbell = bell;
      if (joined.clustered)
        bell.useRouter(
          new CallRouter({
            nodeId: joined.nodeId,
            redis: joined.redis!,
            prefix: config.cluster.keyPrefix,
            rpc: joined.rpc,
            bus: joined.bus,
            nodes: joined.nodes,
            closeRoom: (callId) => roomRegistry.closeCall(callId),
          }),
          { nodes: joined.nodes, leases: joined.leases },
        );
      connectDoorbellPush(bell, notify);
      const detect = new Detection({
        db: store.executor,
        devices: store.devices,
        grants: store.grants,
        authorizer: identity.authorizer,
        secret,
        dataDir: config.dataDir,
        publicUrl,
        recording: eventRecording(recording, config.recording),
        notifier: {
          toAccounts: (ids, name, payload) => sockets.server?.notifyAccounts(ids, name, payload),
          toDevice: (id, name, payload) => sockets.server?.notifyDevice(id, name, payload),
        },
        push: notify.detection,
        enabledByDefault: config.detection.enabledByDefault,
        limits: { rateLimits },
        host: {
          config: config.detection.host,
          listen: () => ({
            host: config.host,
            port: (boundHttp.server.address() as AddressInfo).port,
            certFile: tls.certFile,
          }),
          principalChanged: (id) =>
            identity.events.safeEmit('principalChanged', { kind: 'detector', id }),
        },
      });
      detection = detect;
      await detect.recover();
      // In a cluster the other live nodes' calls are in the same table: only a node starting
      // alone (a full restart) may end the calls a stopped run left live.
      if (!joined.clustered || joined.nodes.live().length <= 1) await bell.recover();
      webhooks.start({
        calls: bell.calls,
        detections: detect.events,
        identity: identity.events,
        recordings: recording.service,
        deviceSite: async (id) => (await store.devices.get(id))?.siteId ?? null,
      });
      identity.events.on('principalChanged', (who) => {
        if (who.kind === 'device') void bell.deviceChanged(who.id);
        // A removed camera leaves the detector host's assignment.
        if (who.kind === 'device') void detect.hosting?.assignments.update(who.id);
      });
      signaling = new SignalingServer({
        httpServer: http.server,
        ...(overrides.protocolVersions ? { protocolVersions: overrides.protocolVersions } : {}),
        authenticator: identity.authenticator,
        events: identity.events,
        authorizer: identity.authorizer,
        sites: store.sites,
        registry: identity.registry,
        audit: identity.audit,
        rooms,
        // Short-lived TURN credentials per connection, bound to who and which site.
        iceServers: (principal, siteId) =>
          turnService
            ? turnService.iceServers(principal, siteId)
            : { iceServers: [] as IceServer[] },
        joinTimeoutMs: config.signaling.joinTimeoutMs,
        deviceStatsIntervalMs: config.signaling.deviceStatsIntervalMs,
        pingTimeoutMs: config.signaling.pingTimeoutMs,
        calls: { join: (principal, callId) => bell.joinCall(principal, callId) },
        authenticateVisitor: (token) => bell.authenticateVisitor(token),
        ...(usage && { usage: usage.signaling }),
        ...(joined.redis && {
          cluster: { redis: joined.redis, keyPrefix: config.cluster.keyPrefix },
        }),
      });
      sockets.server = signaling;
      const drain = new NodeDrain({
        cluster,
        sockets: signaling,
        timeoutMs: config.cluster.drainTimeoutMs,
        reconnectSpreadMs: config.cluster.reconnectSpreadMs,
      });
      // A health sample always gets a fresh poll; scrapes share one per 2 s at most.
      const media = new MediaStats({
        pool,
        maxAgeMs: Math.min(2_000, config.ops.healthSampleIntervalMs / 2),
      });
      ops = createOps({
        config: config.ops,
        numWorkers: config.media.numWorkers,
        metrics,
        sources: {
          pool,
          media,
          signaling,
          recording: recording.service,
          storage: recording.service.vault.storage,
          turn: turn?.supervisor,
          push: notify.sender,
        },
        readiness: {
          db: store.executor,
          storage: recording.service.vault.storage,
          draining: () => drain.draining,
        },
        authenticate: (bearer) => identity.authenticator.authenticate(bearer),
        mayReadMetrics: (principal) => identity.authorizer.can(principal, 'metrics:read', '*'),
      });
      ops.register(http);
      connectClusterMetrics(metrics, cluster);
      const alarmModule = createAlarms({
        config,
        store,
        pool,
        rooms,
        recording,
        turn,
        notify,
        toAccounts: (ids, payload) => sockets.server?.notifyAccounts(ids, 'alarm', payload),
        notifiers: [webhooks.notifier],
        ...(cluster.clustered && { leases: cluster.leases }),
        ...(overrides.alarmClock ? { now: overrides.alarmClock } : {}),
      });
      alarms = alarmModule;
      await alarmModule.start();
      const openApi = buildOpenApi(routes, VERSION);
      http.get('/api/openapi.json', async () => openApi);
      const billing = new Billing({
        db: store.executor,
        usage: overrides.usage ?? usage?.report ?? NO_METERED_USAGE,
        cameras: cameraCounts(store),
      });
      const cameras = await Ingest.create({
        config: config.ingest,
        db: store.executor,
        secret,
        devices: store.devices,
        registry: identity.registry,
        rooms,
        revokeDevice: (id) => identity.ports.devices.revoke(id),
        publicHost,
        statsIntervalMs: config.signaling.deviceStatsIntervalMs,
        feedStarted: (id) => void detect.hosting?.pagelessCamera(id, 'an RTSP/RTMP camera'),
      });
      ingest = cameras;
      identity.events.on('principalChanged', (who) => {
        if (who.kind === 'device') void cameras.deviceChanged(who.id);
      });
      registerRoutes(
        http,
        routes,
        apiContext({
          identity,
          recording,
          doorbell: bell,
          notify,
          detection: detect,
          billing,
          alarms: alarmModule,
          webhooks,
          publicUrl,
          usage,
          ops,
          ingest: cameras,
          cluster: new ClusterAdmin(cluster, drain),
        }),
        identity.authenticator,
        overrides.protocolVersions,
      );
      const mediaPerMinute = config.recording.mediaRequestsPerMinute;
      recording.media.register(
        http,
        mediaPerMinute > 0
          ? rateLimits.window('media', { limit: mediaPerMinute, windowMs: 60_000, now: Date.now })
          : undefined,
      );
      bell.register(http);
      detect.register(http);
      const whip = new WhipIngest({
        authenticate: (bearer) => identity.authenticator.authenticate(bearer),
        authorizer: identity.authorizer,
        devices: store.devices,
        rooms,
        pool,
        registry: identity.registry,
        audit: identity.audit,
        events: identity.events,
        iceServers: (principal, siteId) =>
          turnService ? turnService.iceServers(principal, siteId) : { iceServers: [] },
        deviceStatsIntervalMs: config.signaling.deviceStatsIntervalMs,
        initialOutgoingBitrate: config.media.initialOutgoingBitrate,
        limits: config.whip,
        ...(usage && { usage: usage.signaling }),
      });
      if (config.whip.enabled) registerWhipRoutes(http, whip);
      await http.listen({ host: config.host, port: config.port });
      cluster.nodes.setUrl(publicUrl());
      // Cameras saved to run on the server: the host's page loads from the listening server.
      await detect.hosting?.load();
      const server = new PorchlightServer({
        config,
        publicHost,
        localCa: tls.localCa,
        store,
        identity,
        pool,
        rooms,
        http,
        signaling,
        turn,
        recording,
        doorbell: bell,
        notify,
        detection: detect,
        usage,
        ops,
        billing,
        alarms: alarmModule,
        webhooks,
        whip,
        ingest: cameras,
        cluster,
        drain,
        clusterMedia,
      });
      logger.info('listening', { url: server.url, workers: pool.slots.length, store: store.kind });
      return server;
    } catch (error) {
      // Close what was built, in reverse order; one failing close must not keep the rest open.
      detection?.close();
      ops?.close();
      await alarms?.close();
      await webhooks.close();
      await ingest?.close();
      const built = [
        doorbell,
        signaling,
        http,
        recording,
        usage,
        rooms,
        clusterMedia,
        turn,
        pool,
        cluster,
        store,
      ];
      for (const part of built) {
        try {
          if (part instanceof RoomRegistry) part.closeAll();
          else await part?.close();
        } catch (cleanupError) {
          logger.warn('cleanup after a failed start failed', { error: cleanupError });
        }
      }
      throw error;
    }
  }

  static #url(host: string, port: number): string {
    return `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  /** The port actually bound (differs from config when it was 0). */
  get port(): number {
    return (this.http.server.address() as AddressInfo).port;
  }

  get url(): string {
    return PorchlightServer.#url(this.publicHost, this.port);
  }

  async #purge(): Promise<void> {
    try {
      // One node at a time in a cluster: twice would be harmless, but wasted work.
      await this.cluster.leases.runExclusive('purge', async () => {
        await this.identity.provisioning.purgeExpired();
        await this.identity.refreshTokens.purgeExpired();
        await this.doorbell.purge();
        await this.identity.audit.prune(this.config.audit.retentionDays);
      });
    } catch (error) {
      logger.warn('purge failed', { error });
    }
  }

  /** What a graceful close is doing now (undefined before `close()`), for a stuck shutdown's log. */
  get closingStep(): string | undefined {
    return this.#closeStep;
  }

  /** Graceful shutdown: signaling first (peers leave, transports close), then workers. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const started = Date.now();
      // How long each step took, for the log of a slow shutdown.
      const took: Record<string, number> = {};
      let stepStart = started;
      const step = (name: string): void => {
        const now = Date.now();
        if (this.#closeStep !== undefined) took[this.#closeStep] = now - stepStart;
        this.#closeStep = name;
        stepStart = now;
      };
      logger.info('shutting down');
      clearInterval(this.#purgeTimer);
      // RTP counters are read while the producers still exist; closing peers ends them.
      step('usage sample');
      await this.usage?.sampler.sample();
      this.ops.close();
      // Live calls end first, so their visitors and homeowners are told before sockets close.
      step('doorbell');
      await this.doorbell.close();
      this.detection.close();
      step('alarms');
      await this.alarms.close();
      step('webhooks');
      await this.webhooks.close();
      // Before recording stops: the cameras' last segments are kept; no ffmpeg outlives us.
      step('camera ingest');
      await this.ingest.close();
      step('signaling');
      await this.signaling.close();
      this.whip.close();
      // Recorders stop gracefully first so their last segments are kept.
      step('recording (last segments)');
      await this.recording.close();
      // After recording: its last segments are part of the stored bytes.
      step('usage');
      await this.usage?.close();
      // Rooms first: their producers leave the cluster's directory as they close.
      this.rooms.closeAll();
      this.clusterMedia?.close();
      step('media workers');
      await this.pool.close();
      step('turn');
      await this.turn?.close();
      step('http');
      await this.http.close();
      // Leases and the heartbeat go last: the other nodes take over what this one did.
      step('cluster');
      await this.cluster.close();
      step('store');
      await this.store.close();
      step('stopped');
      const ms = Date.now() - started;
      if (ms > SLOW_SHUTDOWN_MS) logger.warn('slow shutdown', { ms, steps: took });
      else logger.info('stopped', { ms });
    })();
    return this.#closing;
  }
}

/** The REST API's view, assembled from the ports identity and recording export. */
function apiContext({
  identity,
  recording,
  doorbell,
  notify,
  detection,
  billing,
  alarms,
  webhooks,
  publicUrl,
  usage,
  ops,
  ingest,
  cluster,
}: {
  identity: Identity;
  recording: Recording;
  doorbell: Doorbell;
  notify: Notify;
  detection: Detection;
  billing: Billing;
  alarms: Alarms;
  webhooks: Webhooks;
  publicUrl: () => string;
  usage: UsageMetering | undefined;
  ops: Ops;
  ingest: Ingest;
  cluster: ApiContext['cluster'];
}): ApiContext {
  const { accounts, sites, grants, devices, apiKeys, turnUsage, invitations } = identity.repos;
  return {
    ...identity.ports,
    repos: { accounts, sites, grants, devices, apiKeys, turnUsage, invitations },
    authorizer: identity.authorizer,
    audit: identity.audit,
    events: identity.events,
    publicUrl,
    now: Date.now,
    recordings: recording.api,
    doorbell: {
      doors: doorbell.doors,
      calls: doorbell.calls,
      speech: doorbell.speech,
      visitorSession: (call) => doorbell.visitorSession(call),
      authenticateVisitor: (bearer) => doorbell.authenticateVisitor(bearer),
      history: identity.repos.calls,
    },
    notifications: notify.api,
    detection,
    usage: usage?.report,
    health: { series: (since) => ops.health.series(since) },
    billing,
    alarms: alarms.service,
    webhooks: webhooks.service,
    ingest,
    cluster,
  };
}

/** Cameras and doorbells (not revoked) of a site and of the whole box: the saving's split. */
function cameraCounts(store: Store): CameraCounts {
  const ofSite = async (siteId: string) =>
    (await store.devices.list(siteId)).filter((d) => d.revokedAt === null).length;
  return {
    ofSite,
    onBox: async () => {
      let n = 0;
      for (const site of await store.sites.list()) n += await ofSite(site.id);
      return n;
    },
  };
}

/** With usage metering switched off (`usage.enabled` false) the box records no usage: bills show zero. */
const NO_USAGE: UsageTotals = Object.fromEntries(
  USAGE_DIMENSIONS.map((d) => [d, '0']),
) as UsageTotals;
const NO_METERED_USAGE: UsageQuery = {
  totals: async () => ({ ...NO_USAGE }),
  series: async ({ from, to, granularity }) => {
    const points = [];
    for (let start = from; start < to;) {
      const d = new Date(start);
      const end =
        granularity === 'month'
          ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)
          : start + (granularity === 'day' ? 86_400_000 : 3_600_000);
      points.push({ start, end, totals: { ...NO_USAGE } });
      start = end;
    }
    return points;
  },
};

/** Detection's view of recording: triggers, each camera's pre-roll and age limit, maintenance. */
function eventRecording(recording: Recording, config: Config['recording']): EventRecordingPort {
  const { service } = recording;
  return {
    trigger: async (deviceId, siteId, type, since) => {
      await service.trigger(deviceId, siteId, type, since);
    },
    preRollMs: async (deviceId) =>
      ((await service.index.getStream(deviceId))?.preRollSeconds ?? config.defaultPreRollSeconds) *
      1000,
    retentionMs: async (deviceId) => {
      const stream = await service.index.getStream(deviceId);
      const seconds = stream
        ? stream.retentionMaxAgeSeconds
        : config.defaultRetentionDays > 0
          ? config.defaultRetentionDays * 86_400
          : null;
      return seconds === null ? null : seconds * 1000;
    },
    onMaintenance: (task) => service.onMaintenance(task),
  };
}

/**
 * Web Push follows the calls: neither module imports the other. Every recipient is told of an
 * answer (the answerer's other devices rang too and must be replaced); a missed call is pushed.
 */
function connectDoorbellPush(bell: Doorbell, notify: Notify): void {
  const calls = bell.calls;
  const push = notify.doorbell;
  calls.on('ringing', (call, ids) => void push.ring(call, ids));
  calls.on('snapshot', (call, url, ids) => void push.ringSnapshot(call, ids, url));
  calls.on('answered', (call, by, ids) => void push.answeredElsewhere(call, ids, by));
  calls.on('message', (call, _url, ids) => void push.message(call, ids));
  calls.on('ended', (call, ids) => {
    if (call.outcome === 'missed') void push.missed(call, ids);
  });
  notify.api.connectCalls({
    decline: async (callId, accountId) => {
      await calls.decline(callId, accountId);
    },
  });
}

/**
 * Cluster mode: identity changes reach every node (revocations cut sessions everywhere) and device
 * presence counts connections on every node; a dead node's connections are dropped once.
 */
function connectIdentityToCluster(identity: Identity, cluster: Cluster, keyPrefix: string): void {
  new IdentityEventsRelay(identity.events, cluster.bus);
  const registry = identity.registry;
  registry.usePresence(
    new RedisDevicePresence({ redis: cluster.redis!, prefix: keyPrefix, nodeId: cluster.nodeId }),
  );
  cluster.nodes.on('nodeDown', (nodeId) => {
    void cluster.leases
      .runExclusive(`presence-sweep:${nodeId}`, () => registry.nodeDown(nodeId))
      .catch((error: unknown) => logger.warn('presence sweep failed', { nodeId, error }));
  });
}
