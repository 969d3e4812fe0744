import type { IceServer, WhepLayerName, WhepLayerRequest } from '@porchlight/protocol';
import { createLogger } from '@porchlight/runtime';
import type { Config } from '../../config/schema.ts';
import { PorchlightError } from '../../errors.ts';
import type { AuditLog } from '../../identity/audit/AuditLog.ts';
import type { Authorizer } from '../../identity/authorization/Authorizer.ts';
import type { Principal } from '../../identity/authorization/Principal.ts';
import { deviceResource } from '../../identity/authorization/resources.ts';
import type { DeviceRegistry } from '../../identity/devices/DeviceRegistry.ts';
import type { IdentityEvents } from '../../identity/IdentityEvents.ts';
import type { RoomRegistry } from '../../media/RoomRegistry.ts';
import type { WorkerPool } from '../../media/WorkerPool.ts';
import type { SignalingUsage } from '../../signaling/SignalingSession.ts';
import type { Device } from '../../store/repositories/DeviceRepository.ts';
import { parseSdp } from './sdp.ts';
import { WhepSession } from './WhepSession.ts';
import { WhipSession } from './WhipSession.ts';

const logger = createLogger('WhipIngest');

export interface WhipIngestDeps {
  authenticate: (bearer: string) => Promise<Principal>;
  authorizer: Pick<Authorizer, 'can' | 'refresh'>;
  devices: { get(id: string): Promise<Device | null> };
  rooms: RoomRegistry;
  pool: WorkerPool;
  registry: Pick<DeviceRegistry, 'online' | 'offline' | 'bitrate'>;
  audit: Pick<AuditLog, 'record'>;
  events: IdentityEvents;
  iceServers: (principal: Principal, siteId: string) => { iceServers: IceServer[] };
  /** How often a publisher's bitrate is written to the device registry (as for socket cameras). */
  deviceStatsIntervalMs: number;
  initialOutgoingBitrate: number;
  /** Session limits and timeouts (config `whip.*`). */
  limits: Pick<
    Config['whip'],
    'maxPublishersPerDevice' | 'maxViewersPerDevice' | 'connectTimeoutMs'
  >;
  /** Usage metering: a publisher is a device channel, like a camera's socket. */
  usage?: Pick<SignalingUsage, 'channelOpened'>;
}

export type SessionKind = 'whip' | 'whep';
export type AnySession =
  | { kind: 'whip'; s: WhipSession; principal: Principal }
  | { kind: 'whep'; s: WhepSession; principal: Principal };

/** Who is asking, from where (for the registry and the audit log). */
export interface Caller {
  bearer: string;
  ip: string;
  userAgent: string | undefined;
}

/**
 * WHIP ingest and WHEP playback (docs/whip-whep.md): authenticates the bearer, checks the device
 * permission, keeps the live sessions, and ends them on DELETE, on revocation, or when their
 * media goes. The HTTP side is whipRoutes.ts.
 */
export class WhipIngest {
  readonly #d: WhipIngestDeps;
  readonly #sessions = new Map<string, AnySession>();
  /** Offers admitted but not set up yet, by `kind:deviceId`: they count against the limits. */
  readonly #pending = new Map<string, number>();
  /** Bumped by every principal change: an offer set up across one is authorized again. */
  #generation = 0;
  #closed = false;

  constructor(deps: WhipIngestDeps) {
    this.#d = deps;
    deps.events.on('principalChanged', () => {
      this.#generation++;
      void this.#reauthorize();
    });
  }

  /** Live sessions (tests, monitoring). */
  get sessions(): ReadonlyMap<string, AnySession> {
    return this.#sessions;
  }

  /** ICE servers for a session's `Link` headers. */
  iceServers(entry: AnySession): IceServer[] {
    return this.#d.iceServers(entry.principal, entry.s.siteId).iceServers;
  }

  /**
   * WHIP POST: the caller publishes as `deviceId`. `sdp` is read after the caller is admitted
   * (a stranger learns nothing about what we would take).
   */
  async publish(deviceId: string, caller: Caller, sdp: () => string): Promise<AnySession> {
    const { principal, device, release, generation } = await this.#admit('whip', deviceId, caller);
    try {
      const offer = parseSdp(sdp());
      const room = await this.#d.rooms.getOrCreate(device.siteId);
      const s = await WhipSession.create({
        room,
        deviceId,
        label: device.name,
        offer,
        can: (a, r) => this.#d.authorizer.can(principal, a, r),
        connectTimeoutMs: this.#d.limits.connectTimeoutMs,
      });
      const entry: AnySession = { kind: 'whip', s, principal };
      this.#track(entry);
      this.#publisherOnline(s, caller);
      await this.#recheck(entry, generation);
      return entry;
    } finally {
      release();
    }
  }

  /** WHEP POST: the caller watches `deviceId` live. */
  async view(
    deviceId: string,
    caller: Caller,
    sdp: () => string,
    layer: WhepLayerName | undefined,
  ): Promise<AnySession> {
    const { principal, device, release, generation } = await this.#admit('whep', deviceId, caller);
    let entry: AnySession;
    try {
      const offer = parseSdp(sdp());
      // Watching never opens a site: no room means no live camera.
      const room = this.#d.rooms.rooms.get(device.siteId);
      if (!room || room.closed) throw PorchlightError.notFound('live stream of this camera');
      const s = await WhepSession.create({
        room,
        slot: await this.#d.pool.acquire(),
        deviceId,
        offer,
        layer,
        initialOutgoingBitrate: this.#d.initialOutgoingBitrate,
        connectTimeoutMs: this.#d.limits.connectTimeoutMs,
      });
      entry = { kind: 'whep', s, principal };
      this.#track(entry);
      await this.#recheck(entry, generation);
    } finally {
      release();
    }
    void this.#d.audit.record({
      principal,
      action: 'stream.view-live',
      resource: deviceResource(device.siteId, deviceId),
      outcome: 'success',
      ip: caller.ip,
      detail: { via: 'whep' },
    });
    return entry;
  }

  /** A session of `kind` that the caller created (others: 403; unknown: 404). */
  async owned(kind: SessionKind, sessionId: string, bearer: string): Promise<AnySession> {
    const principal = await this.#d.authenticate(bearer);
    const entry = this.#sessions.get(sessionId);
    if (!entry || entry.kind !== kind) throw PorchlightError.notFound('session');
    if (entry.principal.kind !== principal.kind || entry.principal.id !== principal.id)
      throw PorchlightError.forbidden('not your session');
    return entry;
  }

  async selectLayer(sessionId: string, bearer: string, req: WhepLayerRequest): Promise<void> {
    const entry = await this.owned('whep', sessionId, bearer);
    await (entry.s as WhepSession).selectLayer(req);
  }

  async #admit(
    kind: SessionKind,
    deviceId: string,
    caller: Caller,
  ): Promise<{ principal: Principal; device: Device; release: () => void; generation: number }> {
    if (this.#closed) throw PorchlightError.unavailable('shutting down');
    const generation = this.#generation;
    const principal = await this.#d.authenticate(caller.bearer);
    const device = await this.#authorize(principal, deviceId, kind);
    // Counted and reserved in one synchronous step: offers arriving together cannot all pass.
    const key = `${kind}:${deviceId}`;
    const pending = this.#pending.get(key) ?? 0;
    const count =
      pending +
      [...this.#sessions.values()].filter((x) => x.kind === kind && x.s.deviceId === deviceId)
        .length;
    const { maxPublishersPerDevice, maxViewersPerDevice } = this.#d.limits;
    if (count >= (kind === 'whip' ? maxPublishersPerDevice : maxViewersPerDevice))
      throw PorchlightError.conflict(`too many ${kind.toUpperCase()} sessions for this device`);
    this.#pending.set(key, pending + 1);
    const release = (): void => {
      const left = (this.#pending.get(key) ?? 1) - 1;
      if (left > 0) this.#pending.set(key, left);
      else this.#pending.delete(key);
    };
    return { principal, device, release, generation };
  }

  /** The device, if `principal` may publish (WHIP) or watch (WHEP) it; unknown devices are 403. */
  async #authorize(principal: Principal, deviceId: string, kind: SessionKind): Promise<Device> {
    const action = kind === 'whip' ? 'stream:publish' : 'stream:view-live';
    const device = /^[A-Za-z0-9_-]{1,64}$/.test(deviceId)
      ? await this.#d.devices.get(deviceId)
      : null;
    const allowed =
      device !== null &&
      device.revokedAt === null &&
      // A device token publishes its own device only.
      (kind !== 'whip' || principal.kind !== 'device' || principal.id === device.id) &&
      this.#d.authorizer.can(principal, action, deviceResource(device.siteId, device.id));
    if (!device || !allowed)
      throw PorchlightError.forbidden(
        `not allowed to ${kind === 'whip' ? 'publish as' : 'watch'} this device`,
      );
    return device;
  }

  #track(entry: AnySession): void {
    this.#sessions.set(entry.s.id, entry);
    entry.s.once('close', () => this.#sessions.delete(entry.s.id));
  }

  /** A publisher shows as the device online, with its bitrate, like a socket camera. */
  #publisherOnline(session: WhipSession, caller: Caller): void {
    const id = session.deviceId;
    void this.#d.registry.online(id, {
      address: caller.ip,
      userAgent: (caller.userAgent ?? '').slice(0, 256) || 'WHIP',
    });
    const closeChannel = this.#d.usage?.channelOpened(session.siteId, id);
    const sample = async (): Promise<void> => {
      let bps = 0;
      try {
        for (const p of session.producers) for (const s of await p.getStats()) bps += s.bitrate;
      } catch {
        return; // A producer closed mid-sample.
      }
      if (!session.closed) await this.#d.registry.bitrate(id, bps);
    };
    const timer = setInterval(() => void sample(), this.#d.deviceStatsIntervalMs);
    timer.unref();
    session.once('close', () => {
      clearInterval(timer);
      closeChannel?.();
      void this.#d.registry.offline(id);
    });
  }

  /**
   * A principal changed while this offer was set up (after its check, before it was listed, so
   * #reauthorize passed it by): checked again; no longer allowed, it ends and the offer fails.
   */
  async #recheck(entry: AnySession, generation: number): Promise<void> {
    if (generation === this.#generation) return;
    try {
      await this.#stillAllowed(entry);
    } catch (error) {
      entry.s.close();
      throw error;
    }
  }

  async #stillAllowed(entry: AnySession): Promise<void> {
    entry.principal = await this.#d.authorizer.refresh(entry.principal);
    await this.#authorize(entry.principal, entry.s.deviceId, entry.kind);
  }

  /** A revoked device or narrowed grant ends what it may no longer do. */
  async #reauthorize(): Promise<void> {
    for (const entry of [...this.#sessions.values()]) {
      try {
        await this.#stillAllowed(entry);
      } catch {
        logger.info('session no longer authorized, closing', {
          kind: entry.kind,
          deviceId: entry.s.deviceId,
        });
        entry.s.close();
      }
    }
  }

  close(): void {
    this.#closed = true;
    for (const entry of [...this.#sessions.values()]) entry.s.close();
  }
}
