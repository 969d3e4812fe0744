import { createRequire } from 'node:module';
import type net from 'node:net';

/**
 * The parts of node-media-server 4.4.3 we use (it ships no types): its RTMP session (protocol,
 * handshake, FLV packets, the broadcast that fans a publish out to players) without its server
 * class, which reads a global config, writes a store to ./data and exits the process when its
 * port is taken. We own the TCP listener and decide who may publish and play.
 */
export interface NmsRtmpSession {
  readonly id: string;
  readonly socket: net.Socket;
  streamApp?: string;
  streamName?: string;
  streamPath?: string;
  streamQuery?: Record<string, string | string[] | undefined>;
  isPublisher: boolean;
  broadcast: { getPublishStatus(): 'publishing' | 'reconnecting' | 'idle' };
  rtmp: {
    onPushCallback: () => void;
    onPlayCallback: () => void;
    onPacketCallback: (packet: unknown) => void;
  };
  run(): void;
  onPush(): void;
  onPlay(): void;
  onPacket(packet: unknown): void;
}

const require = createRequire(import.meta.url);

export const RtmpSession = require('node-media-server/src/session/rtmp_session.js') as new (
  socket: net.Socket,
) => NmsRtmpSession;

const Context = require('node-media-server/src/core/context.js') as {
  sessions: Map<string, unknown>;
};
export const nmsSessions = Context.sessions;

/** NMS logs each session on the console at info; ours are in our logger, without keys. */
(require('node-media-server/src/core/logger.js') as { level: string }).level = 'error';
