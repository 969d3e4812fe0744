import { randomBytes, randomUUID } from 'node:crypto';
import type { types } from 'mediasoup';
import { EnhancedEventEmitter, createLogger } from '@porchlight/runtime';
import { Peer } from '../../media/Peer.ts';
import type { Room } from '../../media/Room.ts';
import type { Action } from '../../identity/authorization/actions.ts';
import type { Resource } from '../../identity/authorization/resources.ts';
import { writeAnswer } from './answer.ts';
import { IceResource, type PatchResult } from './IceResource.ts';
import { planPublish, producerParameters } from './negotiate.ts';
import { dtlsOf } from './dtls.ts';
import { watchTransport } from './transportWatch.ts';
import type { SessionDescription } from './sdp.ts';

const logger = createLogger('WhipSession');

export type WhipSessionEvents = {
  /** Emitted once, when the session ends (DELETE, transport failure, room closed). */
  close: [];
};

export interface WhipSessionOptions {
  room: Room;
  deviceId: string;
  /** The device's name (the camera's label in the app). */
  label: string;
  offer: SessionDescription;
  /** Asks the Authorizer about the publisher's current principal. */
  can: (action: Action, resource: Resource) => boolean;
  /** The session ends if its DTLS has not connected by then (config `whip.connectTimeoutMs`). */
  connectTimeoutMs: number;
}

/**
 * One WHIP publisher (RFC 9725): a camera peer in its device's room whose media arrives on one
 * WebRtcTransport, with one producer per accepted audio/video section. The room treats it like a
 * socket camera: viewers get `producerAdded`, recording follows it.
 */
export class WhipSession extends EnhancedEventEmitter<WhipSessionEvents> {
  readonly id = randomBytes(18).toString('base64url');
  readonly deviceId: string;
  readonly siteId: string;
  readonly answer: string;
  readonly peer: Peer;
  readonly #room: Room;
  readonly #ice: IceResource;
  readonly #unwatchTransport: () => void;
  #closed = false;
  readonly #unwatchRoom: () => void;

  private constructor(
    o: WhipSessionOptions,
    peer: Peer,
    transport: types.WebRtcTransport,
    answer: string,
    ice: IceResource,
  ) {
    super();
    this.deviceId = o.deviceId;
    this.siteId = o.room.siteId;
    this.#room = o.room;
    this.peer = peer;
    this.answer = answer;
    this.#ice = ice;
    transport.observer.once('close', () => this.close());
    this.#unwatchTransport = watchTransport(transport, o.connectTimeoutMs, (reason) => {
      logger.info('WHIP session transport dead, closing', {
        deviceId: this.deviceId,
        reason,
      });
      this.close();
    });
    const onRoomClose = (): void => this.close();
    o.room.once('close', onRoomClose);
    this.#unwatchRoom = () => o.room.off('close', onRoomClose);
  }

  /** Joins the room as the camera, negotiates, produces. Throws WhipError for a bad offer. */
  static async create(o: WhipSessionOptions): Promise<WhipSession> {
    const room = o.room;
    await room.ready();
    const plans = planPublish(o.offer, room.router.rtpCapabilities);
    const peer = new Peer({
      id: randomUUID(),
      siteId: room.siteId,
      role: 'camera',
      label: o.label,
      deviceId: o.deviceId,
      can: o.can,
      notify: () => {},
    });
    room.join(peer);
    try {
      const info = await room.createTransport(peer, { direction: 'send' });
      const transport = peer.transport(info.id);
      const dtls = dtlsOf(o.offer);
      await room.connectTransport(peer, { transportId: info.id, dtlsParameters: dtls.remote });
      for (const plan of plans) {
        if (!plan.accepted) continue;
        await room.produce(peer, {
          transportId: info.id,
          kind: plan.accepted.kind,
          source: plan.accepted.kind === 'video' ? 'camera' : 'microphone',
          rtpParameters: producerParameters(plan) as never,
        });
      }
      const answer = writeAnswer({
        sessionVersion: 1,
        plans,
        transport,
        setup: dtls.localSetup,
        direction: 'recvonly',
      });
      const first = plans.find((p) => p.accepted)!.media;
      const ice = new IceResource(transport, dtls.remoteUfrag, {
        kind: first.kind,
        mid: first.mid!,
      });
      return new WhipSession(o, peer, transport, answer, ice);
    } catch (error) {
      room.leave(peer);
      throw error;
    }
  }

  get etag(): string {
    return this.#ice.etag;
  }
  get closed(): boolean {
    return this.#closed;
  }
  get producers(): types.Producer[] {
    return [...this.peer.producers.values()];
  }

  patch(fragment: string, ifMatch: string | undefined): Promise<PatchResult> {
    return this.#ice.patch(fragment, ifMatch);
  }

  /** Ends the publish: the camera's producers close (viewers see it go). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unwatchTransport();
    this.#unwatchRoom();
    this.#room.leave(this.peer);
    logger.info('WHIP session closed', { deviceId: this.deviceId, sessionId: this.id });
    this.safeEmit('close');
  }
}
