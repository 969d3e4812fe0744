/**
 * A camera that sends H264 + Opus over plain RTP from the test process, paced in real time, with
 * optional loss and reordering: its capture and send times are known, so recordings of it can be
 * judged on camera time. Used by the in-process recorder tests.
 */
import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import type { RequestOf } from '@porchlight/protocol';
import { joinPlainCamera } from '../../../tests/support/plainCamera.ts';
import { Peer } from '../../src/media/Peer.ts';
import type { Room } from '../../src/media/Room.ts';
import { serializeRtp } from '../../src/recording/rtp/RtpPacket.ts';
import { packetizeH264 } from '../../src/recording/rtp/testSupport.ts';

export const FPS = 30;
export const H264 = {
  mimeType: 'video/H264',
  payloadType: 102,
  clockRate: 90000,
  parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' },
  rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
};
export const OPUS = { mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 };

/** mulberry32: reproducible loss and reordering. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Sent {
  /** Scheduled capture time of each frame (the camera's clock). */
  capture: number[];
  /** When each frame's first packet left the camera. */
  sentAt: number[];
  lost: number;
}

/** Sends the frames and audio in real time; returns when everything was sent. */
export async function sendCamera(o: {
  video: Buffer[][];
  audio: Buffer[];
  ports: { video: number; audio: number };
  ssrc: { video: number; audio: number };
  /** Frame indices of the keyframes (never lost). */
  keyframes: number[];
  /** Share of delta-frame video packets lost, and of packet pairs swapped. */
  loss: number;
  reorder: number;
}): Promise<Sent> {
  const SSRC = o.ssrc;
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  const rnd = random(42);
  const send = (b: Buffer, port: number): void => socket.send(b, port, '127.0.0.1');
  const t0 = Date.now() + 50;
  const sent: Sent = { capture: [], sentAt: [], lost: 0 };
  type Ev = { at: number; go: () => void };
  const events: Ev[] = [];
  let vseq = 1000;
  o.video.forEach((nals, i) => {
    const at = t0 + (i * 1000) / FPS;
    sent.capture.push(at);
    events.push({
      at,
      go: () => {
        sent.sentAt[i] = Date.now();
        const packets = packetizeH264(nals, (i * 3000) >>> 0, 1200).map((p) =>
          serializeRtp({
            ...p,
            payloadType: H264.payloadType,
            sequenceNumber: vseq++ & 0xffff,
            ssrc: SSRC.video,
          }),
        );
        // The camera ignores keyframe requests, so keyframes are never lost here: each loss in
        // a delta frame costs the frames up to the next keyframe, not the rest of the recording.
        const keyframe = o.keyframes.includes(i);
        for (let k = 0; k < packets.length; k++) {
          if (!keyframe && rnd() < o.loss) {
            sent.lost++;
            continue;
          }
          if (k + 1 < packets.length && rnd() < o.reorder) {
            send(packets[k + 1]!, o.ports.video);
            send(packets[k]!, o.ports.video);
            k++;
            continue;
          }
          send(packets[k]!, o.ports.video);
        }
      },
    });
  });
  o.audio.forEach((payload, j) => {
    events.push({
      at: t0 + j * 20,
      go: () =>
        send(
          serializeRtp({
            payloadType: OPUS.payloadType,
            marker: j === 0,
            sequenceNumber: j,
            timestamp: 7_000 + j * 960,
            ssrc: SSRC.audio,
            payload,
          }),
          o.ports.audio,
        ),
    });
  });
  events.sort((a, b) => a.at - b.at);
  for (const e of events) {
    const wait = e.at - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    e.go();
  }
  socket.close();
  return sent;
}

/** Joins a camera Peer that publishes H264 + Opus through two comedia PlainTransports. */
export async function plainRtpCamera(
  room: Room,
  siteId: string,
  deviceId: string,
  ssrc: { video: number; audio: number },
): Promise<{ peer: Peer; ports: { video: number; audio: number } }> {
  const cam = joinPlainCamera(room, { siteId, deviceId, label: 'Plain' });
  const vt = await cam.transport();
  const at = await cam.transport();
  const rtcp = { cname: `plain-${ssrc.video}`, reducedSize: false };
  const params = (p: object): RequestOf<'produce'>['rtpParameters'] =>
    p as RequestOf<'produce'>['rtpParameters'];
  await room.produce(cam.peer, {
    transportId: vt.id,
    kind: 'video',
    source: 'camera',
    rtpParameters: params({ codecs: [H264], encodings: [{ ssrc: ssrc.video }], rtcp }),
  });
  await room.produce(cam.peer, {
    transportId: at.id,
    kind: 'audio',
    source: 'microphone',
    rtpParameters: params({ codecs: [OPUS], encodings: [{ ssrc: ssrc.audio }], rtcp }),
  });
  return { peer: cam.peer, ports: { video: vt.tuple.localPort, audio: at.tuple.localPort } };
}

/** A viewer Peer that keeps the Room open (a Room closes with its last peer). */
export function roomKeeper(room: Room, siteId: string): Peer {
  const keeper = new Peer({
    ...{ id: randomUUID(), siteId, role: 'viewer', label: 'keeper' },
    ...{ deviceId: undefined, can: () => true, notify: () => {} },
  });
  room.join(keeper);
  return keeper;
}
