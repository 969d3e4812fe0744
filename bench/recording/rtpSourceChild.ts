/**
 * Many simulated cameras in one process, for the density sweep: the bench clip's H264 frames and
 * Opus packets are read once, packetized once (RFC 6184 single NAL / STAP-A / FU-A, 1200-byte
 * payloads) and sent in real time to each camera's PlainTransports with its own SSRCs, sequence
 * numbers and timestamps, looping the clip. One ffmpeg per camera (the sweep's sources) would
 * cost ~58 MB and a few % of a core each: at 200+ cameras the sources alone would fill the box.
 * Requests (bench/lib/ipc.ts):
 *   load { clip }                        -> { frames, audioPackets }
 *   add { cams: SourceCam[] }            -> null (starts sending)
 *   remove { ssrcs: number[] }           -> null (video SSRCs; stops those cameras)
 *   stats                                -> { cpuMs, packets, lateMs }
 */
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { oggPackets, splitAnnexB } from '../../server/src/recording/mux/testSupport.ts';
import { packetizeH264 } from '../../server/src/recording/rtp/testSupport.ts';
import { serveRpc } from '../lib/ipc.ts';

export interface SourceCam {
  videoPort: number;
  audioPort: number;
  videoSsrc: number;
  audioSsrc: number;
}

interface Frame {
  payloads: Buffer[];
  /** Marker on the last packet. */
}

interface Running extends SourceCam {
  start: number;
  frames: number;
  audio: number;
  vseq: number;
  aseq: number;
  vts: number;
  ats: number;
}

const VIDEO_PT = 102;
const AUDIO_PT = 100;
const FRAME_MS = 1000 / 30;
const GOP_MS = 2000;

let frames: Frame[] = [];
let audio: Buffer[] = [];
const cams = new Map<number, Running>();
const socket = dgram.createSocket({ type: 'udp4', sendBufferSize: 8 * 1024 * 1024 });
socket.bind(0, '127.0.0.1');
let packets = 0;
let lateMs = 0;

function header(pt: number, marker: boolean, seq: number, ts: number, ssrc: number): Buffer {
  const h = Buffer.allocUnsafe(12);
  h[0] = 0x80;
  h[1] = (marker ? 0x80 : 0) | pt;
  h.writeUInt16BE(seq & 0xffff, 2);
  h.writeUInt32BE(ts >>> 0, 4);
  h.writeUInt32BE(ssrc >>> 0, 8);
  return h;
}

function tick(): void {
  const now = performance.now();
  for (const c of cams.values()) {
    while (c.start + c.frames * FRAME_MS <= now) {
      lateMs = Math.max(lateMs, now - (c.start + c.frames * FRAME_MS));
      const f = frames[c.frames % frames.length]!;
      const ts = c.vts + c.frames * 3000;
      f.payloads.forEach((p, i) => {
        const marker = i === f.payloads.length - 1;
        socket.send(
          [header(VIDEO_PT, marker, c.vseq++, ts, c.videoSsrc), p],
          c.videoPort,
          '127.0.0.1',
        );
      });
      packets += f.payloads.length;
      c.frames++;
    }
    while (c.start + c.audio * 20 <= now) {
      const p = audio[c.audio % audio.length]!;
      socket.send(
        [header(AUDIO_PT, c.audio === 0, c.aseq++, c.ats + c.audio * 960, c.audioSsrc), p],
        c.audioPort,
        '127.0.0.1',
      );
      packets++;
      c.audio++;
    }
  }
}
setInterval(tick, 5);

serveRpc({
  load: ({ clip }: { clip: string }) => {
    const h264 = execFileSync(
      'ffmpeg',
      [
        '-v',
        'error',
        '-i',
        clip,
        '-map',
        '0:v:0',
        '-c',
        'copy',
        '-bsf:v',
        'h264_metadata=aud=insert',
        '-f',
        'h264',
        '-',
      ],
      { maxBuffer: 256 * 1024 * 1024 },
    );
    const aus: Buffer[][] = [];
    for (const nal of splitAnnexB(h264)) {
      if ((nal[0]! & 0x1f) === 9) aus.push([]);
      else aus[aus.length - 1]?.push(nal);
    }
    frames = aus
      .filter((a) => a.length > 0)
      .map((nals) => ({ payloads: packetizeH264(nals, 0, 1200).map((p) => p.payload) }));
    const ogg = execFileSync(
      'ffmpeg',
      ['-v', 'error', '-i', clip, '-map', '0:a:0', '-c', 'copy', '-f', 'ogg', '-'],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    audio = oggPackets(ogg).slice(2);
    return { frames: frames.length, audioPackets: audio.length };
  },
  add: ({ cams: list }: { cams: SourceCam[] }) => {
    const now = performance.now();
    for (const c of list) {
      cams.set(c.videoSsrc, {
        ...c,
        // Independent cameras: their keyframes (every 2 s in the clip) fall at unrelated times,
        // not all 200 in the same frame interval (a burst of segments no real site sees).
        start: now + Math.random() * GOP_MS,
        frames: 0,
        audio: 0,
        vseq: Math.floor(Math.random() * 65536),
        aseq: Math.floor(Math.random() * 65536),
        vts: Math.floor(Math.random() * 2 ** 32),
        ats: Math.floor(Math.random() * 2 ** 32),
      });
    }
    return null;
  },
  remove: ({ ssrcs }: { ssrcs: number[] }) => {
    for (const s of ssrcs) cams.delete(s);
    return null;
  },
  stats: () => {
    const u = process.cpuUsage();
    const r = { cpuMs: (u.user + u.system) / 1000, packets, lateMs };
    lateMs = 0;
    return r;
  },
});
