/**
 * Simulated cameras inside the real server: each is a camera Peer (its device minted through the
 * real provisioning flow) in the site's Room, publishing video ('camera') and audio
 * ('microphone') through Room.produce, as a browser camera does, except that the send transports
 * are PlainTransports fed by ffmpeg (comedia, RTCP on its own port) instead of WebRTC transports.
 * Room.produce emits the Room's `producer` event, the RecordingService attaches a StreamRecording
 * and starts a Recorder exactly as for a real camera: nothing of the recording path is bypassed.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { types } from 'mediasoup';
import type { RequestOf } from '@porchlight/protocol';
import { Peer } from '../../server/src/media/Peer.ts';
import type { Room } from '../../server/src/media/Room.ts';
import { joinPlainCamera } from '../../tests/support/plainCamera.ts';
import { SOURCE_CODECS, startSource } from './media.ts';

type RtpParameters = RequestOf<'produce'>['rtpParameters'];

export interface BenchCamera {
  deviceId: string;
  peer: Peer;
  video: types.Producer;
  audio: types.Producer;
  source: ChildProcess;
  /**
   * Wall-clock times (ms) at which the video producer received a keyframe's first RTP packet,
   * ascending: mediasoup `keyframe` trace events, stamped by the worker on CLOCK_MONOTONIC (as
   * Node's hrtime) and converted here, so channel delays do not blur them.
   */
  keyframes: number[];
}

const noop = (): void => {};
// Authorization is decided per request (join, produce), never per packet: not measured here.
const allow = (): boolean => true;

let ssrcCounter = 30_000_000 + Math.floor(Math.random() * 1e6) * 10;

/** A peer that keeps the Room open between steps (a Room closes with its last peer). */
export function keeper(room: Room, siteId: string): Peer {
  const peer = new Peer({
    id: randomUUID(),
    siteId,
    role: 'viewer',
    label: 'bench keeper',
    deviceId: undefined,
    can: allow,
    notify: noop,
  });
  room.join(peer);
  return peer;
}

export async function startCamera(
  room: Room,
  siteId: string,
  deviceId: string,
  clip: string,
): Promise<BenchCamera> {
  const { peer, transport } = joinPlainCamera(room, {
    siteId,
    deviceId,
    label: `bench camera ${deviceId.slice(0, 8)}`,
  });
  const vt = await transport();
  const at = await transport();
  const videoSsrc = ssrcCounter++;
  const audioSsrc = ssrcCounter++;
  const rtcp = { cname: `bench-${videoSsrc}`, reducedSize: false };
  /** One track through Room.produce, as a browser camera publishes it. */
  const produce = (
    t: types.PlainTransport,
    kind: 'video' | 'audio',
    ssrc: number,
  ): ReturnType<Room['produce']> =>
    room.produce(peer, {
      transportId: t.id,
      kind,
      source: kind === 'video' ? 'camera' : 'microphone',
      rtpParameters: {
        codecs: [SOURCE_CODECS[kind]],
        encodings: [{ ssrc }],
        rtcp,
      } as RtpParameters,
    });
  const v = await produce(vt, 'video', videoSsrc);
  const a = await produce(at, 'audio', audioSsrc);
  const video = peer.producer(v.producerId);
  const keyframes: number[] = [];
  await video.enableTraceEvent(['keyframe']);
  video.on('trace', (trace) => {
    if (trace.type !== 'keyframe') return;
    const at = trace.timestamp + (Date.now() - Number(process.hrtime.bigint() / 1_000_000n));
    const last = keyframes[keyframes.length - 1];
    // One event per keyframe packet: keep the first packet of each keyframe.
    if (last === undefined || at - last > 300) keyframes.push(at);
  });
  const source = startSource(clip, {
    video: { port: vt.tuple.localPort, rtcpPort: vt.rtcpTuple?.localPort ?? 0 },
    audio: { port: at.tuple.localPort, rtcpPort: at.rtcpTuple?.localPort ?? 0 },
    videoSsrc,
    audioSsrc,
  });
  return {
    deviceId,
    peer,
    video,
    audio: peer.producer(a.producerId),
    source,
    keyframes,
  };
}

/** A counter of the camera's open producers' inbound RTP stats, summed. */
async function producerTotal(
  cam: BenchCamera,
  pick: (s: types.ProducerStat) => number,
): Promise<number> {
  let total = 0;
  for (const p of [cam.video, cam.audio]) {
    if (p.closed) continue;
    for (const s of await p.getStats()) total += pick(s);
  }
  return total;
}

/** RTP bytes the camera's producers have received so far (mediasoup's inbound-rtp byteCount). */
export function rtpBytes(cam: BenchCamera): Promise<number> {
  return producerTotal(cam, (s) => s.byteCount);
}

/** RTP packets lost on the way into mediasoup (sequence gaps seen by the producers). */
export function rtpLost(cam: BenchCamera): Promise<number> {
  return producerTotal(cam, (s) => s.packetsLost);
}

/** The camera leaves: its producers close and the recorder is stopped by the service. */
export function stopCamera(room: Room, cam: BenchCamera): void {
  room.leave(cam.peer);
}
