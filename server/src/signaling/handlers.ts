import type { IceServer, RequestName, RequestOf, ResponseMap } from '@porchlight/protocol';
import type { Peer } from '../media/Peer.ts';
import type { Room } from '../media/Room.ts';

/** What a request handler gets: the joined peer and its room. */
export interface HandlerContext {
  peer: Peer;
  room: Room;
  /** Fresh ICE servers (short-lived TURN credentials) for this peer. */
  iceServers: () => { iceServers: IceServer[]; expiresAt?: number };
}

type Handler<K extends RequestName> = (
  ctx: HandlerContext,
  req: RequestOf<K>,
) => Promise<ResponseMap[K]>;

const empty = {} as Record<string, never>;

/** Requests served after `join`, one entry per protocol event (join itself is the session's). */
export const handlers: { [K in Exclude<RequestName, 'join'>]: Handler<K> } = {
  createTransport: ({ room, peer }, req) => room.createTransport(peer, req),
  connectTransport: async ({ room, peer }, req) => {
    await room.connectTransport(peer, req);
    return empty;
  },
  restartIce: ({ room, peer }, req) => room.restartIce(peer, req),
  closeTransport: async ({ peer }, req) => {
    peer.transport(req.transportId).close();
    return empty;
  },
  getIceServers: async ({ iceServers }) => iceServers(),
  produce: ({ room, peer }, req) => room.produce(peer, req),
  closeProducer: async ({ peer }, req) => {
    peer.producer(req.producerId).close();
    return empty;
  },
  pauseProducer: async ({ peer }, req) => {
    await peer.producer(req.producerId).pause();
    return empty;
  },
  resumeProducer: async ({ peer }, req) => {
    await peer.producer(req.producerId).resume();
    return empty;
  },
  consume: ({ room, peer }, req) => room.consume(peer, req),
  resumeConsumer: async ({ peer }, req) => {
    await peer.consumer(req.consumerId).resume();
    return empty;
  },
  closeConsumer: async ({ peer }, req) => {
    peer.consumer(req.consumerId).close();
    return empty;
  },
  setConsumerLayers: async ({ peer }, req) => {
    await peer.setConsumerLayers(req);
    return empty;
  },
};
