import type { types } from 'mediasoup';
import type {
  NotificationMap,
  NotificationName,
  RequestOf,
  Role,
  Source,
} from '@porchlight/protocol';
import type { Action } from '../identity/authorization/actions.ts';
import type { Resource } from '../identity/authorization/resources.ts';
import { PorchlightError } from '../errors.ts';

/** Extra facts we keep on every producer's appData. */
export interface ProducerAppData extends types.AppData {
  source: Source;
  peerId: string;
  /** The publishing device (cameras); authorization is per device. */
  deviceId: string | undefined;
  label: string;
  targetPeerId: string | undefined;
}

/**
 * What the room's policies and announcements read of a producer: a mediasoup Producer, or a
 * producer of this site on another node (cluster directory entry) seen through the same shape.
 */
export interface ProducerView {
  readonly id: string;
  readonly kind: types.MediaKind;
  readonly paused: boolean;
  readonly appData: ProducerAppData;
  readonly rtpParameters: { readonly encodings?: readonly unknown[] | undefined };
}

export type Notify = <K extends NotificationName>(name: K, payload: NotificationMap[K]) => void;

export interface PeerOptions {
  id: string;
  siteId: string;
  role: Role;
  label: string;
  /** The device this peer is (camera role), if any. */
  deviceId: string | undefined;
  /** The person this peer is (accounts), if any: a call room lets only its answerer talk. */
  accountId?: string | undefined;
  /** Asks the Authorizer about this peer's current principal. */
  can: (action: Action, resource: Resource) => boolean;
  /** Sends a notification to this peer's socket. */
  notify: Notify;
}

/**
 * A connected client (camera or viewer) inside a Room: owns its transports, producers and
 * consumers. All lookups are scoped to this peer, so ids from other peers or sites are NOT_FOUND.
 */
export class Peer {
  readonly id: string;
  readonly siteId: string;
  readonly role: Role;
  /** Changes when the device is renamed (Room.renameDevice). */
  label: string;
  readonly deviceId: string | undefined;
  readonly accountId: string | undefined;
  readonly can: (action: Action, resource: Resource) => boolean;
  readonly notify: Notify;
  readonly transports = new Map<string, types.WebRtcTransport>();
  readonly producers = new Map<string, types.Producer<ProducerAppData>>();
  readonly consumers = new Map<string, types.Consumer>();
  #closed = false;

  constructor(options: PeerOptions) {
    this.id = options.id;
    this.siteId = options.siteId;
    this.role = options.role;
    this.label = options.label;
    this.deviceId = options.deviceId;
    this.accountId = options.accountId;
    this.can = options.can;
    this.notify = options.notify;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** One of this peer's transports; with `direction`, it must be a transport of that direction. */
  transport(id: string, direction?: 'send' | 'recv'): types.WebRtcTransport {
    const t = this.transports.get(id);
    if (!t) throw PorchlightError.notFound('transport');
    if (direction !== undefined && t.appData['direction'] !== direction)
      throw PorchlightError.badRequest(`transport is not a ${direction} transport`);
    return t;
  }

  producer(id: string): types.Producer<ProducerAppData> {
    const p = this.producers.get(id);
    if (!p) throw PorchlightError.notFound('producer');
    return p;
  }

  consumer(id: string): types.Consumer {
    const c = this.consumers.get(id);
    if (!c) throw PorchlightError.notFound('consumer');
    return c;
  }

  /** Prefers a simulcast/SVC layer on one of this peer's consumers. */
  async setConsumerLayers(req: RequestOf<'setConsumerLayers'>): Promise<void> {
    const consumer = this.consumer(req.consumerId);
    if (consumer.type !== 'simulcast' && consumer.type !== 'svc') {
      throw PorchlightError.badRequest('consumer has no layers');
    }
    await consumer.setPreferredLayers({
      spatialLayer: req.spatialLayer,
      ...(req.temporalLayer !== undefined ? { temporalLayer: req.temporalLayer } : {}),
    });
  }

  /** Closes every media object (their close events clean up the maps). */
  closeMedia(): void {
    for (const t of [...this.transports.values()]) t.close();
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.closeMedia();
  }
}
