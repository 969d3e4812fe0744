import { randomUUID } from 'node:crypto';
import type { types } from 'mediasoup';
import { Peer } from '../../server/src/media/Peer.ts';
import type { Room } from '../../server/src/media/Room.ts';

/**
 * A camera peer whose media comes over plain RTP (ffmpeg, a relay) instead of WebRTC: it joins
 * the room with every permission, and `transport()` opens a send PlainTransport (comedia, RTCP on
 * its own port as ffmpeg sends it) that the Room accepts for produce().
 */
export function joinPlainCamera(
  room: Room,
  o: { siteId: string; deviceId: string; label: string },
): { peer: Peer; transport: () => Promise<types.PlainTransport> } {
  const peer = new Peer({
    id: randomUUID(),
    siteId: o.siteId,
    role: 'camera',
    label: o.label,
    deviceId: o.deviceId,
    can: () => true,
    notify: () => {},
  });
  room.join(peer);
  const transport = async (): Promise<types.PlainTransport> => {
    const t = await room.router.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
      rtcpMux: false,
      comedia: true,
      appData: { direction: 'send' },
    });
    // Room only calls produce() and reads appData on a peer's transport.
    peer.transports.set(t.id, t as unknown as types.WebRtcTransport);
    return t;
  };
  return { peer, transport };
}
