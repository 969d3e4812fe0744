import type { types } from 'mediasoup';
import { createLogger } from '@porchlight/runtime';
import { PorchlightError } from '../../errors.ts';
import type { ClusterRpc } from '../../cluster/ClusterRpc.ts';
import type { NodeDirectory } from '../../cluster/NodeDirectory.ts';
import type { RoomRegistry } from '../RoomRegistry.ts';
import type { Room } from '../Room.ts';
import { mediasoupCall } from '../mediasoupCall.ts';
import { createPipeTransport, pipeEndOf, type PipeListen } from './pipeListen.ts';
import {
  PIPE_CLOSE,
  PIPE_CONSUME,
  PIPE_OPEN,
  PIPE_RELEASE,
  pipeCloseSchema,
  pipeConsumeSchema,
  pipeOpenSchema,
  pipeReleaseSchema,
} from './pipeMessages.ts';

const logger = createLogger('media.pipeOrigin');

interface Served {
  fromNode: string;
  room: Room;
  transport: types.PipeTransport;
  /** Pipe consumers by producer id: one per producer per receiving node. */
  consumers: Map<string, types.Consumer>;
}

/**
 * The side of a pipe on the node that has the producers: answers other nodes' requests to open a
 * pipe transport in a site's router, to consume a producer into it, and to release or close them.
 * Transports are keyed by the receiver's transport id, so a re-opened pipe never meets a stale one.
 */
export class PipeOrigin {
  readonly #served = new Map<string, Served>();
  readonly #rooms: RoomRegistry;
  readonly #nodes: NodeDirectory;
  readonly #listen: PipeListen;

  constructor(o: {
    rpc: ClusterRpc;
    rooms: RoomRegistry;
    nodes: NodeDirectory;
    listen: PipeListen;
  }) {
    this.#rooms = o.rooms;
    this.#nodes = o.nodes;
    this.#listen = o.listen;
    o.rpc.handle(PIPE_OPEN, pipeOpenSchema, async (req, from) => {
      // Media goes only to a live node's announced media address.
      const node = this.#nodes.get(from);
      if (!node) throw PorchlightError.forbidden('unknown node');
      if (node.mediaAddress !== req.ip)
        throw PorchlightError.forbidden('not the node media address');
      const room = this.#rooms.rooms.get(req.siteId);
      if (!room || room.closed) throw PorchlightError.notFound('site room');
      await room.ready();
      const key = `${from}|${req.pipeId}`;
      if (this.#served.has(key)) throw PorchlightError.conflict('pipe already open');
      const transport = await createPipeTransport(room.router, this.#listen, {
        pipeFrom: from,
        pipeId: req.pipeId,
      });
      const served: Served = { fromNode: from, room, transport, consumers: new Map() };
      this.#served.set(key, served);
      transport.observer.once('close', () => this.#served.delete(key));
      try {
        await mediasoupCall(() =>
          transport.connect({
            ip: req.ip,
            port: req.port,
            ...(req.srtpParameters ? { srtpParameters: req.srtpParameters } : {}),
          }),
        );
      } catch (error) {
        transport.close();
        throw error;
      }
      logger.debug('pipe opened', { siteId: req.siteId, from, pipeId: req.pipeId });
      return pipeEndOf(transport);
    });
    o.rpc.handle(PIPE_CONSUME, pipeConsumeSchema, async (req, from) => {
      const served = this.#get(from, req.pipeId);
      // Only this node's own producers of that site: never re-export another node's pipe.
      served.room.findProducer(req.producerId);
      const existing = served.consumers.get(req.producerId);
      if (existing) existing.close(); // A receiver that asks again lost its pipe producer.
      const consumer = await mediasoupCall(() =>
        served.transport.consume({ producerId: req.producerId }),
      );
      served.consumers.set(req.producerId, consumer);
      consumer.observer.once('close', () => {
        if (served.consumers.get(req.producerId) === consumer)
          served.consumers.delete(req.producerId);
      });
      return {
        kind: consumer.kind,
        rtpParameters: consumer.rtpParameters,
        paused: consumer.producerPaused,
      };
    });
    o.rpc.handle(PIPE_RELEASE, pipeReleaseSchema, async (req, from) => {
      this.#served.get(`${from}|${req.pipeId}`)?.consumers.get(req.producerId)?.close();
      return {};
    });
    o.rpc.handle(PIPE_CLOSE, pipeCloseSchema, async (req, from) => {
      this.#served.get(`${from}|${req.pipeId}`)?.transport.close();
      return {};
    });
    o.nodes.on('nodeDown', (nodeId) => this.dropNode(nodeId));
  }

  /** Pipe transports this node serves (monitoring and tests). */
  get transports(): types.PipeTransport[] {
    return [...this.#served.values()].map((s) => s.transport);
  }

  /** A receiving node died: its pipes here are closed. */
  dropNode(nodeId: string): void {
    for (const s of [...this.#served.values()]) if (s.fromNode === nodeId) s.transport.close();
  }

  close(): void {
    for (const s of [...this.#served.values()]) s.transport.close();
  }

  #get(from: string, pipeId: string): Served {
    const served = this.#served.get(`${from}|${pipeId}`);
    if (!served || served.transport.closed) throw PorchlightError.notFound('pipe');
    return served;
  }
}
