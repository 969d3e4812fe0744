/**
 * Conversions between mediasoup-client's parameter types and the protocol's wire types. They
 * describe the same JSON; they differ only in TypeScript detail (mediasoup types codec
 * `parameters` as unknown values; zod's optional fields admit explicit `undefined`). The server
 * validates shapes and mediasoup validates semantics, so these are casts at one documented place
 * instead of scattered through the code.
 */
import type { types } from 'mediasoup-client';
import type { DtlsParameters, RtpCapabilities, RtpParameters } from '@porchlight/protocol';

export function toWireRtpCapabilities(caps: types.RtpCapabilities): RtpCapabilities {
  return caps as RtpCapabilities;
}

export function fromWireRtpCapabilities(caps: RtpCapabilities): types.RtpCapabilities {
  return caps as types.RtpCapabilities;
}

export function toWireRtpParameters(params: types.RtpParameters): RtpParameters {
  return params as RtpParameters;
}

export function fromWireRtpParameters(params: RtpParameters): types.RtpParameters {
  return params as types.RtpParameters;
}

export function fromWireDtlsParameters(params: DtlsParameters): types.DtlsParameters {
  return params as types.DtlsParameters;
}
