import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { Ack, RequestOf } from '@porchlight/protocol';

/** A bare socket.io client speaking the protocol by hand, for tests that send hostile input. */
export interface RawClient {
  socket: Socket;
  request<T = unknown>(event: string, ...args: unknown[]): Promise<Ack<T>>;
  close(): void;
}

/** socket.io client options of test and bench clients: one websocket each, self-signed TLS, no retry. */
export const TEST_SOCKET_OPTIONS = {
  transports: ['websocket'],
  reconnection: false,
  rejectUnauthorized: false,
  forceNew: true,
} satisfies Partial<ManagerOptions & SocketOptions>;

export function connectRaw(url: string, token: unknown): Promise<RawClient> {
  const socket = io(url, { auth: { token }, ...TEST_SOCKET_OPTIONS });
  return new Promise((resolve, reject) => {
    socket.once('connect', () =>
      resolve({
        socket,
        request: <T>(event: string, ...args: unknown[]) =>
          new Promise<Ack<T>>((res, rej) => {
            const timer = setTimeout(() => rej(new Error(`no ack for ${event}`)), 5000);
            socket.emit(event, ...args, (ack: Ack<T>) => {
              clearTimeout(timer);
              res(ack);
            });
          }),
        close: () => socket.close(),
      }),
    );
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** Plausible VP8 rtpParameters, enough for mediasoup to create a producer without a real peer. */
export function fakeVp8RtpParameters(ssrc = 11111111) {
  return {
    mid: '0',
    codecs: [
      {
        mimeType: 'video/VP8',
        payloadType: 101,
        clockRate: 90000,
        rtcpFeedback: [{ type: 'nack' }],
      },
    ],
    headerExtensions: [],
    encodings: [{ ssrc }],
    rtcp: { cname: 'test', reducedSize: true },
  };
}

/** Receive capabilities of a VP8 + Opus endpoint. */
export const vp8RtpCapabilities: RequestOf<'consume'>['rtpCapabilities'] = {
  codecs: [
    {
      kind: 'audio',
      mimeType: 'audio/opus',
      preferredPayloadType: 100,
      clockRate: 48000,
      channels: 2,
    },
    {
      kind: 'video',
      mimeType: 'video/VP8',
      preferredPayloadType: 101,
      clockRate: 90000,
      rtcpFeedback: [{ type: 'nack' }],
    },
  ],
  headerExtensions: [],
};
