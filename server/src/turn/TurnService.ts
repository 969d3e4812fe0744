import path from 'node:path';
import net from 'node:net';
import {
  RelayFirewall,
  TurnSupervisor,
  hostAddresses,
  hostSubnets,
  iceServersFor,
  type TurnUsageRecord,
} from '@porchlight/turn';
import type { IceServer } from '@porchlight/protocol';
import type { Principal } from '../identity/authorization/Principal.ts';
import type { Config } from '../config/schema.ts';
import type { TurnUsageRepository } from '../store/repositories/TurnUsageRepository.ts';
import { createLogger } from '@porchlight/runtime';
import { ConfigError } from '../errors.ts';

const logger = createLogger('TurnService');

export interface TurnServiceOptions {
  config: Config['turn'];
  /** Host name or IP clients reach coturn at (the public host). */
  publicHost: string;
  /** Interface coturn listens on ('' = all). */
  listenIp: string;
  /** The SFU's media address: the relay must reach it even in production (private range). */
  sfuAddress: string;
  /** The SFU's UDP ports on this host (WebRtcServer ports); empty when ephemeral. */
  sfuPorts: readonly number[];
  tls: { certFile: string; keyFile: string };
  dataDir: string;
  secret: string;
  turnUsage: Pick<TurnUsageRepository, 'append'>;
}

/**
 * Managed STUN/TURN: runs coturn under a supervisor (restart on crash, STUN health probe), mints
 * short-lived TURN REST credentials bound to the identity and site of each connection, and records
 * relayed usage per identity from coturn's session records.
 */
export class TurnService {
  readonly #supervisor: TurnSupervisor;
  readonly #options: TurnServiceOptions;
  readonly #firewall: RelayFirewall | undefined;

  private constructor(
    supervisor: TurnSupervisor,
    options: TurnServiceOptions,
    firewall: RelayFirewall | undefined,
  ) {
    this.#supervisor = supervisor;
    this.#options = options;
    this.#firewall = firewall;
    supervisor.on('usage', (u) => void this.#record(u));
    supervisor.on('restarted', (pid) => logger.warn('coturn restarted', { pid }));
    supervisor.on('unhealthy', (error) =>
      logger.warn('coturn unhealthy', { error: error.message }),
    );
    supervisor.on('healthy', () => logger.info('coturn healthy', { pid: supervisor.pid }));
  }

  static async create(o: TurnServiceOptions): Promise<TurnService> {
    const c = o.config;
    const supervisor = await TurnSupervisor.create({
      workDir: path.join(o.dataDir, 'turn'),
      config: {
        realm: o.publicHost,
        secrets: [o.secret],
        mode: c.mode,
        ...(o.listenIp && o.listenIp !== '0.0.0.0'
          ? { listeningIps: [o.listenIp], relayIps: [o.listenIp] }
          : {}),
        ...(c.externalIp ? { externalIp: c.externalIp } : {}),
        listeningPort: c.port,
        tlsListeningPort: c.tlsPort,
        minPort: c.minPort,
        maxPort: c.maxPort,
        certFile: o.tls.certFile,
        keyFile: o.tls.keyFile,
        // Production denies private peers and this host's own subnets (read now, at start);
        // the SFU's address is allowed again (in both modes: an SFU on a private address must
        // stay reachable), its other ports closed by the relay firewall (production only).
        ...(c.mode === 'production' ? { deniedPeerIps: hostSubnets() } : {}),
        ...(net.isIP(o.sfuAddress) ? { allowedPeerIps: [o.sfuAddress] } : {}),
      },
    });
    let firewall: RelayFirewall | undefined;
    try {
      await supervisor.ready();
      firewall = await TurnService.#installFirewall(o);
    } catch (error) {
      await supervisor.close();
      throw error;
    }
    logger.info('coturn running', {
      pid: supervisor.pid,
      port: c.port,
      tlsPort: c.tlsPort,
      mode: c.mode,
    });
    return new TurnService(supervisor, o, firewall);
  }

  /** The relay firewall (RelayFirewall.ts) where config and privileges allow it. */
  static async #installFirewall(o: TurnServiceOptions): Promise<RelayFirewall | undefined> {
    const want = o.config.relayFirewall;
    if (want === 'off' || o.config.mode !== 'production') return undefined;
    const why =
      o.sfuPorts.length === 0
        ? 'media.rtcPort is 0 (ephemeral SFU ports)'
        : process.getuid?.() !== 0
          ? 'not running as root (needs CAP_NET_ADMIN for nftables)'
          : undefined;
    if (why === undefined) {
      try {
        return await RelayFirewall.install({
          table: `porchlight_turn_${o.config.minPort}`,
          relayPorts: { min: o.config.minPort, max: o.config.maxPort },
          hostAddresses: [
            ...new Set([...hostAddresses(), ...(net.isIP(o.sfuAddress) ? [o.sfuAddress] : [])]),
          ],
          allowedPorts: o.sfuPorts,
        });
      } catch (error) {
        if (want === 'on') throw error;
        logger.warn('relay firewall not installed', { error: (error as Error).message });
        return undefined;
      }
    }
    if (want === 'on') throw new ConfigError(`turn.relayFirewall is 'on' but ${why}`);
    logger.warn(
      'relay firewall not installed: TURN relays can reach every UDP port of the SFU address',
      { reason: why },
    );
    return undefined;
  }

  get supervisor(): TurnSupervisor {
    return this.#supervisor;
  }

  /** Credentials for one connection: the TURN username names the principal and the site. */
  iceServers(principal: Principal, siteId: string): { iceServers: IceServer[]; expiresAt: number } {
    const credentials = this.#supervisor.mintCredentials(
      `${principal.kind}.${principal.id}.${siteId}`,
      this.#options.config.credentialTtl,
    );
    const iceServers = iceServersFor({
      host: this.#options.publicHost,
      credentials,
      port: this.#options.config.port,
      tls: true,
      tlsPort: this.#options.config.tlsPort,
    }) as IceServer[];
    return { iceServers, expiresAt: credentials.expiresAt.getTime() };
  }

  async #record(u: TurnUsageRecord): Promise<void> {
    const [kind, id, siteId] = u.userId.split('.');
    if (!kind || !id) return; // Not minted by us (e.g. a probe).
    try {
      await this.#options.turnUsage.append({
        at: u.endedAt.getTime(),
        principalKind: kind,
        principalId: id,
        siteId: siteId || null,
        durationSeconds: Math.round(u.durationSeconds),
        bytesReceived: u.bytesReceived,
        bytesSent: u.bytesSent,
      });
    } catch (error) {
      logger.error('could not record TURN usage', { error });
    }
  }

  async close(): Promise<void> {
    await this.#supervisor.close();
    await this.#firewall?.close();
  }
}
