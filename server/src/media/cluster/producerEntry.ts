import type { types } from 'mediasoup';
import { z } from 'zod';
import { SourceSchema } from '@porchlight/protocol';
import type { ProducerAppData } from '../Peer.ts';
import type { RemoteProducer } from '../remoteMedia.ts';

const id = z.string().min(1).max(128);

/** One producer in the cluster-wide directory of a site's producers (Redis and bus messages). */
export const producerEntrySchema = z.object({
  nodeId: id,
  siteId: id,
  producerId: z.string().uuid(),
  kind: z.enum(['audio', 'video']),
  source: SourceSchema,
  peerId: id,
  deviceId: id.nullable(),
  label: z.string().max(256),
  targetPeerId: id.nullable(),
  paused: z.boolean(),
  /** Simulcast layers (1 without simulcast). */
  layers: z.number().int().min(1).max(16),
  /**
   * When the origin node published it (its clock, ms): of one device's producers of a source and
   * kind, the newest is current (see supersede.ts). Absent from older nodes' entries: 0.
   */
  publishedAt: z.number().int().min(0).optional(),
});
export type ProducerEntry = z.infer<typeof producerEntrySchema>;

export function entryOf(
  nodeId: string,
  siteId: string,
  producer: types.Producer<ProducerAppData>,
  publishedAt: number,
): ProducerEntry {
  const a = producer.appData;
  return {
    nodeId,
    siteId,
    producerId: producer.id,
    kind: producer.kind,
    source: a.source,
    peerId: a.peerId,
    deviceId: a.deviceId ?? null,
    label: a.label,
    targetPeerId: a.targetPeerId ?? null,
    paused: producer.paused,
    layers: Math.max(1, producer.rtpParameters.encodings?.length ?? 1),
    publishedAt,
  };
}

/** How a room sees an entry: the same shape its policies read on a local producer. */
export function remoteOf(e: ProducerEntry): RemoteProducer {
  return {
    id: e.producerId,
    nodeId: e.nodeId,
    publishedAt: e.publishedAt ?? 0,
    kind: e.kind,
    paused: e.paused,
    appData: {
      source: e.source,
      peerId: e.peerId,
      deviceId: e.deviceId ?? undefined,
      label: e.label,
      targetPeerId: e.targetPeerId ?? undefined,
    },
    rtpParameters: { encodings: Array.from({ length: e.layers }, () => ({})) },
  };
}
