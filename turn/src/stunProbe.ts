import dgram from 'node:dgram';
import net from 'node:net';
import {
  StunAttr,
  StunClass,
  StunMessage,
  StunMethod,
  StunParseError,
  type StunAddress,
} from './stun.ts';

/**
 * One STUN Binding request over UDP, answered or not within `timeoutMs`. A real request rather
 * than "is the pid alive" or "is the port bound": it proves the listener thread is processing
 * packets, which is what clients need.
 */

export class StunProbeError extends Error {
  override name = 'StunProbeError';
}

export interface StunProbeOptions {
  host: string;
  port: number;
  /** Give up after this long (default 1000 ms). */
  timeoutMs?: number;
}

export interface StunProbeResult {
  /** Our address as the server saw it (XOR-MAPPED-ADDRESS). */
  mapped: StunAddress;
  rttMs: number;
  /** SOFTWARE attribute, when the server sends one (coturn does unless told not to). */
  software?: string;
}

export async function stunProbe(options: StunProbeOptions): Promise<StunProbeResult> {
  const timeoutMs = options.timeoutMs ?? 1000;
  const socket = dgram.createSocket(net.isIPv6(options.host) ? 'udp6' : 'udp4');
  const request = new StunMessage(StunMethod.Binding, StunClass.Request);
  const started = performance.now();
  try {
    return await new Promise<StunProbeResult>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new StunProbeError(
              `no STUN response from ${options.host}:${options.port} in ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
      socket.on('error', (error) => {
        clearTimeout(timer);
        reject(new StunProbeError(`STUN probe socket error: ${error.message}`));
      });
      socket.on('message', (buf) => {
        let result: Omit<StunProbeResult, 'rttMs'> | undefined;
        try {
          result = readBindingResponse(buf, request.transactionId);
        } catch (error) {
          clearTimeout(timer);
          reject(error as Error);
          return;
        }
        if (!result) return;
        clearTimeout(timer);
        resolve({ ...result, rttMs: performance.now() - started });
      });
      socket.send(request.encode({ fingerprint: true }), options.port, options.host);
    });
  } finally {
    socket.close();
  }
}

/**
 * The answer to our Binding request in one datagram: undefined when it is not one (not STUN,
 * another transaction: keep waiting), else the mapped address, else a StunProbeError. Whatever
 * the bytes, nothing else is thrown: this runs in a socket handler, where a throw would crash.
 */
export function readBindingResponse(
  buf: Buffer,
  transactionId: Buffer,
): Omit<StunProbeResult, 'rttMs'> | undefined {
  let msg: StunMessage;
  try {
    msg = StunMessage.decode(buf);
  } catch {
    return undefined;
  }
  if (!msg.transactionId.equals(transactionId)) return undefined;
  if (msg.cls !== StunClass.SuccessResponse) {
    const err = msg.getError();
    throw new StunProbeError(`STUN error response ${err ? `${err.code} ${err.reason}` : ''}`);
  }
  let mapped: StunAddress | undefined;
  try {
    mapped = msg.getXorAddress(StunAttr.XorMappedAddress);
  } catch (error) {
    if (!(error instanceof StunParseError)) throw error;
    throw new StunProbeError(
      `STUN success response with a malformed XOR-MAPPED-ADDRESS: ${error.message}`,
    );
  }
  if (!mapped) throw new StunProbeError('STUN success response without XOR-MAPPED-ADDRESS');
  const software = msg.getString(StunAttr.Software);
  return software !== undefined ? { mapped, software } : { mapped };
}
