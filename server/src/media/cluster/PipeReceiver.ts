import type { types } from 'mediasoup';
import { createLogger } from '@porchlight/runtime';
import { KeyedSerial } from '../../KeyedSerial.ts';
import type { ClusterRpc } from '../../cluster/ClusterRpc.ts';
import type { RemoteMediaPort, RemoteProducer } from '../remoteMedia.ts';
import { mediasoupCall } from '../mediasoupCall.ts';
import { createPipeTransport, pipeEndOf, type PipeListen } from './pipeListen.ts';
import {
  PIPE_CLOSE,
  PIPE_CONSUME,
  PIPE_OPEN,
  PIPE_RELEASE,
  emptySchema,
  pipeConsumedSchema,
  pipeEndSchema,
} from './pipeMessages.ts';

const logger = createLogger('media.pipeReceiver');

interface Piped {
  producer: types.Producer;
  /** Consumers on this node (and consumes in flight) using it. */
  users: number;
}

/** One pipe transport from this node's router of a site to one origin node. */
interface Link {
  key: string;
  router: types.Router;
  nodeId: string;
  transport: types.PipeTransport;
  piped: Map<string, Piped>;
}

/**
 * The side of a pipe on a node whose viewers watch producers of another node. Per (router, origin
 * node) one pipe transport; per remote producer one pipe producer (same id as the original), shared
 * by every consumer here and released with the last one, together with the origin's pipe consumer;
 * the transport goes with its last producer. Per link, everything runs one step at a time.
 */
export class PipeReceiver implements RemoteMediaPort {
  readonly #rpc: ClusterRpc;
  readonly #listen: PipeListen;
  readonly #links = new Map<string, Link>();
  readonly #serial = new KeyedSerial();

  constructor(o: { rpc: ClusterRpc; listen: PipeListen }) {
    this.#rpc = o.rpc;
    this.#listen = o.listen;
  }

  acquire(router: types.Router, siteId: string, remote: RemoteProducer): Promise<void> {
    const key = `${router.id}|${remote.nodeId}`;
    return this.#serial.run(key, async () => {
      const link = this.#links.get(key) ?? (await this.#open(key, router, siteId, remote.nodeId));
      const piped = link.piped.get(remote.id);
      if (piped && !piped.producer.closed) {
        piped.users++;
        return;
      }
      try {
        await this.#pipeIn(link, remote);
      } catch (error) {
        this.#closeIfIdle(link);
        throw error;
      }
    });
  }

  release(router: types.Router, producerId: string): void {
    for (const link of this.#links.values()) {
      if (link.router !== router) continue;
      const piped = link.piped.get(producerId);
      if (!piped) continue;
      void this.#serial.run(link.key, async () => {
        if (--piped.users > 0 || link.piped.get(producerId) !== piped) return;
        piped.producer.close();
      });
    }
  }

  /** The remote producer paused or resumed: so does its pipe producer (and its consumers here). */
  async setPaused(producerId: string, paused: boolean): Promise<void> {
    for (const link of this.#links.values()) {
      const producer = link.piped.get(producerId)?.producer;
      if (!producer || producer.closed || producer.paused === paused) continue;
      await (paused ? producer.pause() : producer.resume()).catch(() => undefined);
    }
  }

  /** The remote producer closed: its pipe producers close (their consumers get producerclose). */
  closeProducer(producerId: string, nodeId: string): void {
    for (const link of [...this.#links.values()])
      if (link.nodeId === nodeId) link.piped.get(producerId)?.producer.close();
  }

  /** An origin node died: every pipe from it closes. */
  dropNode(nodeId: string): void {
    for (const link of [...this.#links.values()])
      if (link.nodeId === nodeId) link.transport.close();
  }

  /** Pipe transports of this node towards origins (monitoring and tests). */
  get transports(): types.PipeTransport[] {
    return [...this.#links.values()].map((l) => l.transport);
  }

  close(): void {
    for (const link of [...this.#links.values()]) link.transport.close();
  }

  async #open(key: string, router: types.Router, siteId: string, nodeId: string): Promise<Link> {
    const transport = await createPipeTransport(router, this.#listen, { pipeTo: nodeId });
    const link: Link = { key, router, nodeId, transport, piped: new Map() };
    try {
      const end = await this.#rpc.call(
        nodeId,
        PIPE_OPEN,
        { siteId, pipeId: transport.id, ...pipeEndOf(transport) },
        pipeEndSchema,
      );
      await mediasoupCall(() =>
        transport.connect({
          ip: end.ip,
          port: end.port,
          ...(end.srtpParameters ? { srtpParameters: end.srtpParameters } : {}),
        }),
      );
    } catch (error) {
      transport.close();
      throw error;
    }
    this.#links.set(key, link);
    transport.observer.once('close', () => {
      if (this.#links.get(key) === link) this.#links.delete(key);
      this.#tell(nodeId, PIPE_CLOSE, { pipeId: transport.id });
    });
    logger.debug('pipe opened', { siteId, to: nodeId, pipeId: transport.id });
    return link;
  }

  async #pipeIn(link: Link, remote: RemoteProducer): Promise<void> {
    const pipeId = link.transport.id;
    const consumed = await this.#rpc.call(
      link.nodeId,
      PIPE_CONSUME,
      { pipeId, producerId: remote.id },
      pipeConsumedSchema,
    );
    let producer: types.Producer;
    try {
      producer = await mediasoupCall(() =>
        link.transport.produce({
          id: remote.id,
          kind: consumed.kind,
          rtpParameters: consumed.rtpParameters as types.RtpParameters,
          paused: consumed.paused,
          // The device too: usage metering charges this node's viewers to it.
          appData: { pipedFrom: link.nodeId, deviceId: remote.appData.deviceId },
        }),
      );
    } catch (error) {
      this.#tell(link.nodeId, PIPE_RELEASE, { pipeId, producerId: remote.id });
      throw error;
    }
    const piped: Piped = { producer, users: 1 };
    link.piped.set(remote.id, piped);
    producer.observer.once('close', () => {
      if (link.piped.get(remote.id) !== piped) return;
      link.piped.delete(remote.id);
      if (link.transport.closed) return;
      this.#tell(link.nodeId, PIPE_RELEASE, { pipeId, producerId: remote.id });
      void this.#serial.run(link.key, async () => this.#closeIfIdle(link));
    });
  }

  #closeIfIdle(link: Link): void {
    if (link.piped.size === 0 && !link.transport.closed) link.transport.close();
  }

  /** A notice to the origin whose failure changes nothing here (its side closes with its node). */
  #tell(nodeId: string, method: string, req: unknown): void {
    void this.#rpc.call(nodeId, method, req, emptySchema).catch((error: unknown) => {
      logger.debug('pipe notice not delivered', { to: nodeId, method, error: String(error) });
    });
  }
}
