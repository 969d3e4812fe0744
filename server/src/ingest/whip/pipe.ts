import type { types } from 'mediasoup';

/**
 * Pipes one producer from `from` into `to` over a loopback PipeTransport pair, like
 * `router.pipeToRouter` but with a new producer id on the other side: both routers may live in
 * the same worker, where pipeToRouter's reuse of the producer id clashes. Everything made here
 * closes with `to` (or when the source producer closes).
 */
export async function pipeProducer(
  from: types.Router,
  to: types.Router,
  producer: types.Producer,
): Promise<types.Producer> {
  const listenInfo = { protocol: 'udp' as const, ip: '127.0.0.1' };
  const [out, into] = await Promise.all([
    from.createPipeTransport({ listenInfo, enableRtx: true }),
    to.createPipeTransport({ listenInfo, enableRtx: true }),
  ]);
  const closeAll = (): void => {
    out.close();
    into.close();
  };
  to.observer.once('close', closeAll);
  try {
    await Promise.all([
      out.connect({ ip: into.tuple.localAddress, port: into.tuple.localPort }),
      into.connect({ ip: out.tuple.localAddress, port: out.tuple.localPort }),
    ]);
    const consumer = await out.consume({ producerId: producer.id });
    const piped = await into.produce({
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      paused: consumer.producerPaused,
    });
    consumer.observer.once('close', closeAll);
    consumer.on('producerpause', () => void piped.pause());
    consumer.on('producerresume', () => void piped.resume());
    return piped;
  } catch (error) {
    closeAll();
    throw error;
  }
}
