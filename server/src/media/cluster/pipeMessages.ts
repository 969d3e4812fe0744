import { z } from 'zod';
import { RtpParametersSchema } from '@porchlight/protocol';

/** RPC methods between nodes for pipe transports (served by the node that has the producer). */
export const PIPE_OPEN = 'media.pipe.open';
export const PIPE_CONSUME = 'media.pipe.consume';
export const PIPE_RELEASE = 'media.pipe.release';
export const PIPE_CLOSE = 'media.pipe.close';

const uuid = z.string().uuid();

export const srtpParametersSchema = z.object({
  cryptoSuite: z.enum([
    'AEAD_AES_256_GCM',
    'AEAD_AES_128_GCM',
    'AES_CM_128_HMAC_SHA1_80',
    'AES_CM_128_HMAC_SHA1_32',
  ]),
  keyBase64: z.string().min(1).max(200),
});

/** One end of a pipe: where it listens and, with SRTP, its keys. */
export const pipeEndSchema = z.object({
  /** An IPv4/IPv6 address or host name (mediasoup resolves nothing: nodes announce addresses). */
  ip: z.string().regex(/^[a-zA-Z0-9.:-]{1,253}$/),
  port: z.number().int().min(1).max(65535),
  srtpParameters: srtpParametersSchema.optional(),
});
export type PipeEnd = z.infer<typeof pipeEndSchema>;

/** The receiving node opened `pipeId` (its transport id) towards the origin's router of a site. */
export const pipeOpenSchema = pipeEndSchema.extend({
  siteId: z.string().min(1).max(128),
  pipeId: uuid,
});
export const pipeConsumeSchema = z.object({ pipeId: uuid, producerId: uuid });
export const pipeConsumedSchema = z.object({
  kind: z.enum(['audio', 'video']),
  rtpParameters: RtpParametersSchema,
  paused: z.boolean(),
});
export const pipeReleaseSchema = z.object({ pipeId: uuid, producerId: uuid });
export const pipeCloseSchema = z.object({ pipeId: uuid });
export const emptySchema = z.object({});
