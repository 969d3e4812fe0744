/**
 * Runtime schemas for the mediasoup parameter objects that cross the wire. They bound sizes and
 * types; mediasoup itself validates semantics (and its TypeErrors are mapped to BAD_REQUEST).
 */
import { z } from 'zod';
import { ResourceIdSchema } from './text.ts';

const shortStr = z.string().max(256);
const num = z.number().finite();
const int = z.number().int();
const paramValue = z.union([z.string().max(256), num, z.boolean()]);
const codecParameters = z
  .record(z.string().max(64), paramValue)
  .refine((o) => Object.keys(o).length <= 32, {
    message: 'too many codec parameters',
  });

const rtcpFeedback = z.object({
  type: z.string().max(32),
  parameter: z.string().max(32).optional(),
});

export const RtpCodecCapabilitySchema = z.object({
  kind: z.enum(['audio', 'video']),
  mimeType: z.string().max(64),
  preferredPayloadType: int.min(0).max(127).optional(),
  clockRate: int.positive(),
  channels: int.min(1).max(8).optional(),
  parameters: codecParameters.optional(),
  rtcpFeedback: z.array(rtcpFeedback).max(16).optional(),
});

const headerExtensionCapability = z.object({
  kind: z.enum(['audio', 'video']),
  uri: z.string().max(256),
  preferredId: int.min(1).max(255),
  preferredEncrypt: z.boolean().optional(),
  direction: z.enum(['sendrecv', 'sendonly', 'recvonly', 'inactive']).optional(),
});

export const RtpCapabilitiesSchema = z.object({
  codecs: z.array(RtpCodecCapabilitySchema).max(64).optional(),
  headerExtensions: z.array(headerExtensionCapability).max(64).optional(),
});

const rtpCodecParameters = z.object({
  mimeType: z.string().max(64),
  payloadType: int.min(0).max(127),
  clockRate: int.positive(),
  channels: int.min(1).max(8).optional(),
  parameters: codecParameters.optional(),
  rtcpFeedback: z.array(rtcpFeedback).max(16).optional(),
});

const rtpEncoding = z.object({
  ssrc: int.nonnegative().optional(),
  rid: z.string().max(32).optional(),
  codecPayloadType: int.min(0).max(127).optional(),
  rtx: z.object({ ssrc: int.nonnegative() }).optional(),
  dtx: z.boolean().optional(),
  scalabilityMode: z.string().max(16).optional(),
  scaleResolutionDownBy: num.min(1).optional(),
  maxBitrate: int.positive().optional(),
  maxFramerate: num.positive().optional(),
  adaptivePtime: z.boolean().optional(),
  priority: z.enum(['very-low', 'low', 'medium', 'high']).optional(),
  networkPriority: z.enum(['very-low', 'low', 'medium', 'high']).optional(),
  active: z.boolean().optional(),
});

export const RtpParametersSchema = z.object({
  mid: z.string().max(32).optional(),
  codecs: z.array(rtpCodecParameters).min(1).max(16),
  headerExtensions: z
    .array(
      z.object({
        uri: z.string().max(256),
        id: int.min(1).max(255),
        encrypt: z.boolean().optional(),
        parameters: codecParameters.optional(),
      }),
    )
    .max(32)
    .optional(),
  encodings: z.array(rtpEncoding).max(4).optional(),
  rtcp: z
    .object({
      cname: shortStr.optional(),
      reducedSize: z.boolean().optional(),
      mux: z.boolean().optional(),
    })
    .optional(),
  msid: z.string().max(256).optional(),
});

export const DtlsParametersSchema = z.object({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z
    .array(
      z.object({
        algorithm: z.enum(['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512']),
        value: z.string().max(256),
      }),
    )
    .min(1)
    .max(8),
});

/** A mediasoup, peer, site or call id: UUID-like, never a path or free text. */
export const IdSchema = ResourceIdSchema;

export type RtpCapabilities = z.infer<typeof RtpCapabilitiesSchema>;
export type RtpParameters = z.infer<typeof RtpParametersSchema>;
export type DtlsParameters = z.infer<typeof DtlsParametersSchema>;

/** ICE parameters/candidates are produced by the server; typed loosely for the client. */
export interface IceParameters {
  usernameFragment: string;
  password: string;
  iceLite?: boolean;
}
export interface IceCandidate {
  foundation: string;
  priority: number;
  address: string;
  ip?: string;
  protocol: 'udp' | 'tcp';
  port: number;
  type: 'host' | 'srflx' | 'prflx' | 'relay';
  tcpType?: 'passive';
}
