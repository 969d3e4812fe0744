import type { types } from 'mediasoup';
import type { Action, ConsumerInfo, ProducerInfo, TransportInfo } from '@porchlight/protocol';
import type { ProducerView } from './Peer.ts';
import type { ProducerFacts } from './sources.ts';

/** The source facts of a producer that the addressing rules look at. */
export function factsOf(producer: ProducerView): ProducerFacts {
  return {
    source: producer.appData.source,
    ownerPeerId: producer.appData.peerId,
    targetPeerId: producer.appData.targetPeerId,
  };
}

/**
 * How a producer is announced on the wire (`producerAdded`, `producerUpdated`, join), with what
 * the recipient may do with its device (`allowed`, see roomPolicy.allowedActions).
 */
export function producerInfo(producer: ProducerView, allowed: Action[]): ProducerInfo {
  return {
    producerId: producer.id,
    peerId: producer.appData.peerId,
    label: producer.appData.label,
    deviceId: producer.appData.deviceId ?? null,
    kind: producer.kind,
    source: producer.appData.source,
    paused: producer.paused,
    layers: Math.max(1, producer.rtpParameters.encodings?.length ?? 1),
    allowed,
  };
}

/** The answer to `createTransport`. */
export function transportInfo(transport: types.WebRtcTransport): TransportInfo {
  return {
    id: transport.id,
    iceParameters: transport.iceParameters,
    iceCandidates: transport.iceCandidates as TransportInfo['iceCandidates'],
    dtlsParameters: transport.dtlsParameters as TransportInfo['dtlsParameters'],
  };
}

/** The answer to `consume`. */
export function consumerInfo(consumer: types.Consumer): ConsumerInfo {
  return {
    id: consumer.id,
    producerId: consumer.producerId,
    kind: consumer.kind,
    rtpParameters: consumer.rtpParameters as ConsumerInfo['rtpParameters'],
    type: consumer.type,
  };
}
