import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { IceServer } from '@porchlight/protocol';
import { TokenService } from './auth/TokenService.ts';
import type { Config } from './config/schema.ts';
import { createHttpServer } from './http/HttpServer.ts';
import { loadTls } from './http/tls.ts';
import { RoomRegistry } from './media/RoomRegistry.ts';
import { WorkerPool } from './media/WorkerPool.ts';
import { resolveAnnouncedAddress, resolvePublicHost } from './network.ts';
import { loadOrCreateSecret } from './secrets.ts';
import { SignalingServer } from './signaling/SignalingServer.ts';
import { Logger } from './util/Logger.ts';

const logger = new Logger('Server');
const here = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_STATIC_ROOT = path.resolve(here, '../../apps/home/dist');

export interface ServerOverrides {
  /** Where the built web app lives (default apps/home/dist). */
  staticRoot?: string;
}

/**
 * The composition root: builds every component in dependency order and is the only place that
 * knows them all. Nothing is half-built: `create` either resolves with a running server or cleans
 * up and throws.
 */
export class PorchlightServer {
  readonly config: Config;
  readonly publicHost: string;
  readonly tokens: TokenService;
  readonly pool: WorkerPool;
  readonly rooms: RoomRegistry;
  readonly http: FastifyInstance;
  readonly signaling: SignalingServer;
  #closing: Promise<void> | undefined;

  private constructor(parts: {
    config: Config;
    publicHost: string;
    tokens: TokenService;
    pool: WorkerPool;
    rooms: RoomRegistry;
    http: FastifyInstance;
    signaling: SignalingServer;
  }) {
    this.config = parts.config;
    this.publicHost = parts.publicHost;
    this.tokens = parts.tokens;
    this.pool = parts.pool;
    this.rooms = parts.rooms;
    this.http = parts.http;
    this.signaling = parts.signaling;
  }

  static async create(config: Config, overrides: ServerOverrides = {}): Promise<PorchlightServer> {
    const publicHost = resolvePublicHost(config.publicHost);
    const tokens = new TokenService(
      config.auth.tokenSecret || loadOrCreateSecret(config.dataDir, 'token-secret'),
    );
    const tls = loadTls({
      certFile: config.tls.certFile,
      keyFile: config.tls.keyFile,
      dataDir: config.dataDir,
      hosts: [...new Set([publicHost, 'localhost', '127.0.0.1'])],
    });
    const pool = await WorkerPool.create({
      numWorkers: config.media.numWorkers,
      listenIp: config.media.listenIp,
      announcedAddress: resolveAnnouncedAddress(config.media.announcedAddress, publicHost),
      rtcPort: config.media.rtcPort,
      logLevel: config.media.workerLogLevel,
    });
    let http: FastifyInstance | undefined;
    try {
      const rooms = new RoomRegistry(pool, config.media.initialOutgoingBitrate);
      http = await createHttpServer({
        tls,
        staticRoot: overrides.staticRoot ?? DEFAULT_STATIC_ROOT,
      });
      const signaling = new SignalingServer({
        httpServer: http.server,
        tokens,
        rooms,
        // Managed TURN credentials are added by the TURN module; until then, host/srflx only.
        iceServers: (): IceServer[] => [],
        joinTimeoutMs: config.signaling.joinTimeoutMs,
      });
      await http.listen({ host: config.host, port: config.port });
      const server = new PorchlightServer({
        config,
        publicHost,
        tokens,
        pool,
        rooms,
        http,
        signaling,
      });
      logger.info('listening', { url: server.url, workers: pool.slots.length });
      return server;
    } catch (error) {
      await pool.close();
      await http?.close();
      throw error;
    }
  }

  /** The port actually bound (differs from config when it was 0). */
  get port(): number {
    return (this.http.server.address() as AddressInfo).port;
  }

  get url(): string {
    const host = this.publicHost.includes(':') ? `[${this.publicHost}]` : this.publicHost;
    return `https://${host}:${this.port}`;
  }

  /** Graceful shutdown: signaling first (peers leave, transports close), then workers. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      logger.info('shutting down');
      await this.signaling.close();
      this.rooms.closeAll();
      await this.pool.close();
      await this.http.close();
      logger.info('stopped');
    })();
    return this.#closing;
  }
}
