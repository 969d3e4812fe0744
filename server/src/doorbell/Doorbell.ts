import path from 'node:path';
import type { VisitorSession } from '@porchlight/protocol';
import { createLogger } from '@porchlight/runtime';
import { PorchlightError } from '../errors.ts';
import type { HttpApp } from '../http/HttpServer.ts';
import type { Authorizer } from '../identity/authorization/Authorizer.ts';
import type { Principal } from '../identity/authorization/Principal.ts';
import { deviceResource } from '../identity/authorization/resources.ts';
import type { Leases } from '../cluster/Leases.ts';
import type { NodeDirectory } from '../cluster/NodeDirectory.ts';
import type { SharedObjects } from '../SealedJpegs.ts';
import { SecretBox } from '../secrets.ts';
import type { Repositories } from '../store/Repositories.ts';
import type { Call } from './Call.ts';
import type { CallRouter } from './CallRouter.ts';
import { CallService, type Timers } from './CallService.ts';
import { DoorService } from './DoorService.ts';
import { DoorTokens } from './DoorTokens.ts';
import type { CallNotifier, CallRoomCloser, MessageRecorderPort } from './ports.ts';
import { localRateLimits, type RateLimits } from '../limits/RateLimits.ts';
import { OrphanCallSweep } from './OrphanCallSweep.ts';
import { SnapshotStore } from './SnapshotStore.ts';
import { SpeechRenderer } from './SpeechRenderer.ts';
import { VisitorCredentials } from './VisitorCredentials.ts';

const logger = createLogger('Doorbell');

export interface DoorbellConfig {
  ringWindowSeconds: number;
  maxCallSeconds: number;
  maxMessageSeconds: number;
  historyRetentionDays: number;
  ringsPerDoor: number;
  ringsPerAddress: number;
  ringLimitWindowSeconds: number;
  /** espeak-ng executable and voice for quick-reply speech. */
  speechCommand: string;
  speechVoice: string;
}

export interface DoorbellOptions {
  config: DoorbellConfig;
  secret: string;
  dataDir: string;
  repos: Pick<Repositories, 'doors' | 'calls' | 'devices' | 'grants'>;
  authorizer: Authorizer;
  publicUrl: () => string;
  notifier: CallNotifier;
  rooms: CallRoomCloser;
  /** Records visitors' messages after a missed call; absent: none can be left. */
  messages?: MessageRecorderPort;
  /** Where ring limits live (Redis in a cluster: one budget per door). Default: in memory. */
  limits?: RateLimits;
  /** Cluster mode: snapshots go to this shared storage (any node serves them). Default: dataDir. */
  sharedSnapshots?: SharedObjects;
  now?: () => number;
  timers?: Timers;
  fetchImpl?: typeof fetch;
}

/** Seconds a visitor credential outlives the longest possible call. */
const VISITOR_MARGIN_SECONDS = 120;

/**
 * The doorbell module: doors and door tokens, calls, visitor credentials, snapshots and the
 * history's retention. The composition root wires its notifier (signaling), its room closer
 * (media) and its events (Web Push); the REST API reaches it through `DoorbellPort`.
 */
export class Doorbell {
  readonly doors: DoorService;
  readonly calls: CallService;
  readonly snapshots: SnapshotStore;
  /** Quick replies spoken on the server, for door screens without voices. */
  readonly speech: SpeechRenderer;
  readonly #visitors: VisitorCredentials;
  readonly #o: DoorbellOptions;
  readonly #now: () => number;
  #router: CallRouter | undefined;
  #sweep: OrphanCallSweep | undefined;

  constructor(o: DoorbellOptions) {
    this.#o = o;
    const now = o.now ?? Date.now;
    this.#now = now;
    this.doors = new DoorService({
      doors: o.repos.doors,
      devices: o.repos.devices,
      tokens: new DoorTokens(o.secret),
      secrets: new SecretBox(o.secret, 'door unlock keys'),
      publicUrl: o.publicUrl,
      now,
      defaultRingWindowSeconds: o.config.ringWindowSeconds,
    });
    this.snapshots = new SnapshotStore({
      dir: path.join(o.dataDir, 'doorbell', 'snapshots'),
      secret: o.secret,
      now,
      ...(o.sharedSnapshots ? { shared: o.sharedSnapshots } : {}),
    });
    this.speech = new SpeechRenderer({
      command: o.config.speechCommand,
      voice: o.config.speechVoice,
    });
    this.#visitors = new VisitorCredentials(o.secret, now);
    const windowMs = o.config.ringLimitWindowSeconds * 1000;
    const limits = o.limits ?? localRateLimits;
    this.calls = new CallService({
      doors: this.doors,
      calls: o.repos.calls,
      recipients: (siteId, doorId) => this.#recipients(siteId, doorId),
      notifier: o.notifier,
      rooms: o.rooms,
      snapshots: this.snapshots,
      limits: {
        perDoor: limits.window('ring-door', { limit: o.config.ringsPerDoor, windowMs, now }),
        perAddress: limits.window('ring-address', {
          limit: o.config.ringsPerAddress,
          windowMs,
          now,
        }),
      },
      publicUrl: o.publicUrl,
      now,
      ...(o.timers ? { timers: o.timers } : {}),
      maxCallMs: o.config.maxCallSeconds * 1000,
      ...(o.messages ? { messages: o.messages } : {}),
      maxMessageMs: o.config.maxMessageSeconds * 1000,
      messageRetentionSeconds: o.config.historyRetentionDays * 86_400,
      ...(o.fetchImpl ? { fetchImpl: o.fetchImpl } : {}),
    });
  }

  /** The visitor's credential and view of a call just rung. */
  async visitorSession(call: Call): Promise<VisitorSession> {
    const ttl =
      Math.ceil(call.ringWindowMs / 1000) + this.#o.config.maxCallSeconds + VISITOR_MARGIN_SECONDS;
    const { credential, expiresIn } = await this.#visitors.issue(
      { callId: call.id, siteId: call.siteId, doorId: call.doorId },
      ttl,
    );
    return { credential, expiresIn, call: this.calls.visitorView(call) };
  }

  /** A visitor credential -> its principal; UNAUTHORIZED when invalid, expired or unknown call. */
  async authenticateVisitor(bearer: string): Promise<Principal> {
    const scope = await this.#visitors.verify(bearer);
    if (!(await this.calls.find(scope.callId)))
      throw PorchlightError.unauthorized('visitor credential invalid');
    return this.#o.authorizer.visitorPrincipal(scope);
  }

  /** Socket join of a call room (signaling's CallJoinPort). */
  async joinCall(
    p: Principal,
    callId: string,
  ): Promise<{
    siteId: string;
    role: 'visitor' | 'callee';
    guard: { callId: string; doorId: string; mayTalk: (accountId: string | undefined) => boolean };
  }> {
    const call = await this.#callForJoin(callId);
    const guard = (c: { id: string; doorId: string }) => ({
      callId: c.id,
      doorId: c.doorId,
      mayTalk: (accountId: string | undefined) => this.calls.isAnswerer(c.id, accountId),
    });
    if (p.kind === 'visitor') {
      if (p.call.callId !== callId) throw PorchlightError.forbidden('not your call');
      // After a missed call the visitor re-joins the room to record its message (nobody talks).
      const message = call ? null : this.calls.messageRoom(callId);
      if (message)
        return {
          siteId: message.siteId,
          role: 'visitor',
          guard: { callId, doorId: message.doorId, mayTalk: () => false },
        };
      if (!call) throw PorchlightError.conflict('the call has ended');
      return { siteId: call.siteId, role: 'visitor', guard: guard(call) };
    }
    if (p.kind !== 'account') throw PorchlightError.forbidden('only people answer calls');
    if (!call) throw PorchlightError.conflict('the call has ended');
    if (!this.#o.authorizer.can(p, 'call:answer', deviceResource(call.siteId, call.doorId)))
      throw PorchlightError.forbidden('not allowed: call:answer');
    return { siteId: call.siteId, role: 'callee', guard: guard(call) };
  }

  /** A live call's room coordinates: this node's call, or (cluster) the owning node's. */
  async #callForJoin(
    callId: string,
  ): Promise<{ id: string; siteId: string; doorId: string } | undefined> {
    const local = this.calls.liveCalls.get(callId);
    if (local) return local;
    const router = this.#router;
    const owner = router ? await router.ownerElsewhere(callId) : null;
    if (!router || !owner) return undefined;
    // The room is on this node: media from the call's node needs a pipe (docs/deployment.md).
    return { id: callId, ...(await router.forward.join(owner, callId)) };
  }

  /**
   * Cluster mode: calls are owned by the node that took their ring (CallRouter); the calls of a
   * node that died are ended by a survivor (OrphanCallSweep).
   */
  useRouter(router: CallRouter, cluster: { nodes: NodeDirectory; leases: Leases }): void {
    this.#router = router;
    this.calls.useRouter(router);
    this.#sweep = new OrphanCallSweep({
      calls: this.calls,
      repo: this.#o.repos.calls,
      router,
      nodes: cluster.nodes,
      leases: cluster.leases,
    });
  }

  /** Cluster mode: ends the calls of dead nodes now (also runs on nodeDown); 0 on a single box. */
  sweepOrphans(): Promise<number> {
    return this.#sweep?.sweep() ?? Promise.resolve(0);
  }

  /** Serves signed snapshot URLs (`/doorbell/snapshots/<signed name>`). */
  register(app: HttpApp): void {
    app.get('/doorbell/snapshots/:name', async (req, reply) => {
      const name = (req.params as { name?: unknown }).name;
      const callId = typeof name === 'string' ? this.snapshots.verify(name) : null;
      if (callId === null) throw PorchlightError.notFound('snapshot');
      const jpeg = await this.snapshots.get(callId);
      if (!jpeg) throw PorchlightError.notFound('snapshot');
      reply.header('content-type', 'image/jpeg');
      reply.header('cache-control', 'private, max-age=300');
      return reply.send(jpeg);
    });
  }

  /** Deletes calls (and snapshots) older than the retention; ends calls left live by a crash. */
  async purge(): Promise<number> {
    const cutoff = this.#now() - this.#o.config.historyRetentionDays * 86_400_000;
    let purged = 0;
    for (;;) {
      const old = await this.#o.repos.calls.listOlder(cutoff, 500);
      if (old.length === 0) break;
      for (const row of old) if (row.snapshotRef) await this.snapshots.delete(row.snapshotRef);
      purged += await this.#o.repos.calls.deleteOlder(old[old.length - 1]!.startedAt + 1);
      if (old.length < 500) break;
    }
    if (purged > 0) logger.info('call history purged', { purged });
    return purged;
  }

  /** At start-up: calls a stopped server left live are over. */
  async recover(): Promise<void> {
    const ended = await this.#o.repos.calls.endDangling(this.#now());
    if (ended > 0) logger.info('calls left live by the last run marked ended', { ended });
  }

  /** A device changed (revoked, rotated): a removed doorbell's live calls end. */
  async deviceChanged(deviceId: string): Promise<void> {
    const device = await this.#o.repos.devices.get(deviceId);
    if (!device || device.revokedAt !== null) await this.calls.endCallsOfDoor(deviceId);
  }

  close(): Promise<void> {
    this.#sweep?.close();
    return this.calls.close();
  }

  /** Accounts that may answer the door: people with a grant on the site that allows it. */
  async #recipients(siteId: string, doorId: string): Promise<string[]> {
    const accountIds = [
      ...new Set((await this.#o.repos.grants.listForSite(siteId)).map((g) => g.accountId)),
    ];
    const door = deviceResource(siteId, doorId);
    const out: string[] = [];
    for (const id of accountIds) {
      try {
        const p = await this.#o.authorizer.accountPrincipal(id);
        if (this.#o.authorizer.can(p, 'call:answer', door)) out.push(id);
      } catch {
        // Disabled accounts do not ring.
      }
    }
    return out;
  }
}
