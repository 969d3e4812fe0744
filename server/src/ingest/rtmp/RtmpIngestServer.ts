import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import { EnhancedEventEmitter, createLogger } from '@porchlight/runtime';
import type { FfmpegInput } from '../probe.ts';
import { nmsSessions, RtmpSession, type NmsRtmpSession } from './nms.ts';

const logger = createLogger('RtmpIngest');

/** The RTMP application encoders publish to: `rtmp://<host>:<port>/live/<deviceId>?key=<key>`. */
export const RTMP_APP = 'live';

/** SHA-256 (hex) of a stream key: what the database keeps. */
export function hashStreamKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** A fresh stream key: 32 random bytes, base64url (URL-safe without escaping). */
export function newStreamKey(): string {
  return randomBytes(32).toString('base64url');
}

type RtmpEvents = {
  /** A publish was accepted for the device. */
  publish: [deviceId: string, remoteAddress: string | null];
  /** The accepted publisher went away (or was kicked). */
  unpublish: [deviceId: string];
};

/**
 * RTMP ingest on node-media-server's protocol code: a publish is checked BEFORE any media is taken
 * (app `live`, a known device, its stream key, no live publisher already), and refused by closing
 * the socket; packets of a refused or not-yet-accepted session are dropped. Only the server's own
 * ffmpeg may play (from loopback with a per-process token), which forwards the stream into a
 * PlainCamera. Keys are kept as SHA-256 hashes in memory (`setKey`), compared in constant time,
 * never logged.
 */
export class RtmpIngestServer extends EnhancedEventEmitter<RtmpEvents> {
  readonly #server: net.Server;
  readonly #keys = new Map<string, Buffer>();
  readonly #publishers = new Map<string, NmsRtmpSession>();
  readonly #sockets = new Set<net.Socket>();
  readonly #playToken = randomBytes(24).toString('base64url');
  readonly #bind: string;
  #closed = false;

  private constructor(bind: string) {
    super();
    this.#bind = bind;
    this.#server = net.createServer((socket) => this.#accept(socket));
  }

  static async listen(o: { bindAddress: string; port: number }): Promise<RtmpIngestServer> {
    const s = new RtmpIngestServer(o.bindAddress);
    await new Promise<void>((resolve, reject) => {
      s.#server.once('error', reject);
      s.#server.listen(o.port, o.bindAddress, () => {
        s.#server.off('error', reject);
        resolve();
      });
    });
    logger.info('rtmp ingest listening', { bind: o.bindAddress, port: s.port });
    return s;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** Sets (hash) or clears (null) a device's key; clearing or changing it ends a live publish. */
  setKey(deviceId: string, keyHash: string | null): void {
    const before = this.#keys.get(deviceId);
    if (keyHash === null) this.#keys.delete(deviceId);
    else this.#keys.set(deviceId, Buffer.from(keyHash, 'hex'));
    if (before && (keyHash === null || !before.equals(Buffer.from(keyHash, 'hex'))))
      this.kick(deviceId);
  }

  /** Ends the device's live publish, if any. */
  kick(deviceId: string): void {
    this.#publishers.get(deviceId)?.socket.destroy();
  }

  isPublishing(deviceId: string): boolean {
    return this.#publishers.has(deviceId);
  }

  /** ffmpeg's input to pull the device's accepted publish back out, locally. */
  playInput(deviceId: string): FfmpegInput {
    const host = this.#bind === '0.0.0.0' || this.#bind === '::' ? '127.0.0.1' : this.#bind;
    const h = host.includes(':') ? `[${host}]` : host;
    return {
      args: ['-rw_timeout', '5000000'],
      url: `rtmp://${h}:${this.port}/${RTMP_APP}/${deviceId}?token=${this.#playToken}`,
      secrets: [this.#playToken],
      h264Bsf: 'h264_mp4toannexb',
    };
  }

  #accept(socket: net.Socket): void {
    if (this.#closed) {
      socket.destroy();
      return;
    }
    this.#sockets.add(socket);
    const session = new RtmpSession(socket);
    session.run();
    nmsSessions.set(session.id, session);
    let accepted = false;
    let deviceId: string | undefined;
    session.rtmp.onPushCallback = () => {
      const verdict = this.#mayPublish(session);
      if (typeof verdict === 'string') {
        logger.warn('rtmp publish refused', {
          deviceId: safeName(session.streamName),
          address: socket.remoteAddress,
          reason: verdict,
        });
        socket.destroy();
        return;
      }
      session.onPush();
      if (!session.isPublisher) {
        socket.destroy();
        return;
      }
      accepted = true;
      deviceId = verdict.deviceId;
      this.#publishers.set(deviceId, session);
      logger.info('rtmp publish accepted', { deviceId, address: socket.remoteAddress });
      this.safeEmit('publish', deviceId, socket.remoteAddress ?? null);
    };
    session.rtmp.onPlayCallback = () => {
      const token = session.streamQuery?.['token'];
      const local =
        socket.remoteAddress === '127.0.0.1' ||
        socket.remoteAddress === '::1' ||
        socket.remoteAddress === '::ffff:127.0.0.1';
      if (!local || typeof token !== 'string' || !equalText(token, this.#playToken)) {
        logger.warn('rtmp play refused', { address: socket.remoteAddress });
        socket.destroy();
        return;
      }
      session.onPlay();
    };
    // Nothing of a publisher reaches players before it was accepted.
    session.rtmp.onPacketCallback = (packet) => {
      if (accepted) session.onPacket(packet);
    };
    socket.once('close', () => {
      this.#sockets.delete(socket);
      if (deviceId !== undefined && this.#publishers.get(deviceId) === session) {
        this.#publishers.delete(deviceId);
        this.safeEmit('unpublish', deviceId);
      }
    });
  }

  #mayPublish(session: NmsRtmpSession): { deviceId: string } | string {
    if (session.streamApp !== RTMP_APP) return 'unknown application';
    const deviceId = session.streamName ?? '';
    const expected = this.#keys.get(deviceId);
    if (!expected) return 'no stream key for this device';
    const key = session.streamQuery?.['key'];
    if (typeof key !== 'string' || key.length === 0) return 'no stream key given';
    const given = createHash('sha256').update(key).digest();
    if (!timingSafeEqual(given, expected)) return 'wrong stream key';
    if (this.#publishers.has(deviceId) || session.broadcast.getPublishStatus() === 'publishing')
      return 'the device already has a publisher';
    return { deviceId };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

function equalText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A stream name for a log line: only the id characters NMS allows, bounded. */
function safeName(name: string | undefined): string {
  return (name ?? '').replace(/[^A-Za-z0-9_-]/g, '').slice(0, 64);
}
