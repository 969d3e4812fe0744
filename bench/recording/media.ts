/**
 * Media helpers of the recording bench: the pre-encoded camera clip, simulated cameras (ffmpeg
 * `-re -stream_loop -1 -c copy` → RTP), the bare ffmpeg remux baseline and process plumbing.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { types } from 'mediasoup';
import dgram from 'node:dgram';
import { recorderSdp } from '../../server/src/recording/recorder/sdp.ts';
import { sleep } from '../lib/resources.ts';

export const VIDEO_PT = 102;
export const AUDIO_PT = 100;
export const H264_PARAMS = {
  'packetization-mode': 1,
  'profile-level-id': '42e01f',
  'level-asymmetry-allowed': 1,
};
export const CLIP_SECONDS = 20;
export const CLIP_SIZE = '1280x720';

/**
 * A 20 s H264 (constrained baseline, 1 Mbps, 30 fps, a keyframe every 60 frames exactly) + Opus
 * clip, encoded once. MPEG-TS keeps H264 in Annex B with SPS/PPS before every keyframe (x264
 * repeats its headers without a global header; `dump_extra` makes sure), so a receiver that joins
 * late decodes from the next keyframe, as with a real camera.
 */
export function prepareClip(dir: string): string {
  const clip = path.join(dir, 'camera.ts');
  execFileSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'],
      ...['-f', 'lavfi', '-i', `testsrc2=size=${CLIP_SIZE}:rate=30`],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
      ...['-t', String(CLIP_SECONDS), '-map', '0:v', '-map', '1:a'],
      ...[
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-profile:v',
        'baseline',
        '-pix_fmt',
        'yuv420p',
      ],
      ...['-b:v', '1M', '-maxrate', '1M', '-bufsize', '1M'],
      ...['-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-bsf:v', 'dump_extra'],
      ...['-c:a', 'libopus', '-b:a', '32k', '-ac', '2'],
      ...['-f', 'mpegts', clip],
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], timeout: 120_000 },
  );
  return clip;
}

export interface RtpTarget {
  port: number;
  rtcpPort: number;
}

/**
 * One simulated camera: the clip, looped at its native rate and sent unchanged (`-c copy`) as two
 * RTP streams (ffmpeg's RTP muxer carries one stream each), RTCP on its own port.
 */
export function startSource(
  clip: string,
  o: { video: RtpTarget; audio: RtpTarget; videoSsrc: number; audioSsrc: number },
): ChildProcess {
  const out = (t: RtpTarget, pt: number, ssrc: number, extra = ''): string[] => [
    ...['-payload_type', String(pt), '-ssrc', String(ssrc), '-f', 'rtp'],
    `rtp://127.0.0.1:${t.port}?rtcpport=${t.rtcpPort}${extra}`,
  ];
  const child = spawn(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin'],
      ...['-re', '-stream_loop', '-1', '-i', clip],
      ...['-map', '0:v:0', '-c', 'copy', ...out(o.video, VIDEO_PT, o.videoSsrc, '&pkt_size=1200')],
      ...['-map', '0:a:0', '-c', 'copy', ...out(o.audio, AUDIO_PT, o.audioSsrc)],
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  child.on('error', (e) => console.error('[recording] source ffmpeg failed to start:', e.message));
  return child;
}

/** The codecs the sources send, as mediasoup describes them (for the bare receiver's SDP). */
export const SOURCE_CODECS: { video: types.RtpCodecParameters; audio: types.RtpCodecParameters } = {
  video: {
    mimeType: 'video/H264',
    payloadType: VIDEO_PT,
    clockRate: 90000,
    parameters: H264_PARAMS,
    rtcpFeedback: [],
  },
  audio: {
    mimeType: 'audio/opus',
    payloadType: AUDIO_PT,
    clockRate: 48000,
    channels: 2,
    parameters: {},
    rtcpFeedback: [],
  },
};

/**
 * The baseline recorder: ffmpeg receiving the source's RTP directly (no mediasoup, no segmenter,
 * no encryption, no index), the SDP built by the server's own `recorderSdp`, and the same output
 * options as Recorder.ts (`-c copy`, fragmented MP4 with 1 s fragments), written to /dev/null.
 */
export async function startBareRecorder(): Promise<{
  child: ChildProcess;
  video: RtpTarget;
  audio: RtpTarget;
}> {
  const ip = '127.0.0.1';
  const v = await benchPortPair(ip);
  const a = await benchPortPair(ip);
  const sdp = recorderSdp(ip, [
    { kind: 'video', port: v, rtcpPort: v + 1, codec: SOURCE_CODECS.video },
    { kind: 'audio', port: a, rtcpPort: a + 1, codec: SOURCE_CODECS.audio },
  ]);
  const child = spawn(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-protocol_whitelist', 'pipe,udp,rtp'],
      ...['-fflags', '+genpts', '-f', 'sdp', '-i', 'pipe:0', '-map', '0:v:0', '-map', '0:a:0'],
      ...['-c', 'copy', '-f', 'mp4', '-movflags', '+frag_keyframe+empty_moov+default_base_moof'],
      ...['-frag_duration', '1000000', '-y', '/dev/null'],
    ],
    { stdio: ['pipe', 'ignore', 'inherit'] },
  );
  child.stdin?.on('error', () => undefined);
  child.stdin?.end(sdp);
  child.on('error', (e) => console.error('[recording] bare ffmpeg failed to start:', e.message));
  return { child, video: { port: v, rtcpPort: v + 1 }, audio: { port: a, rtcpPort: a + 1 } };
}

/** Binds port and port + 1 on ip to see that both are free (then releases them). */
async function freeRtpPortPair(ip: string, port: number): Promise<number> {
  const bind = (p: number): Promise<dgram.Socket> =>
    new Promise((resolve, reject) => {
      const sock = dgram.createSocket('udp4');
      sock.once('error', (e) => {
        sock.close();
        reject(e);
      });
      sock.bind(p, ip, () => resolve(sock));
    });
  const a = await bind(port);
  try {
    (await bind(port + 1)).close();
  } finally {
    a.close();
  }
  return port;
}

/**
 * Port pairs for the bare receivers, handed out in turn from 40000-49998 (above the server's
 * recorder range, 20000-39998) and probed like the server's `freeRtpPortPair`, so that receivers
 * started together never pick the same pair.
 */
let nextBenchPort = 40_000;
async function benchPortPair(ip: string): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = nextBenchPort;
    nextBenchPort = nextBenchPort >= 49_996 ? 40_000 : nextBenchPort + 2;
    try {
      return await freeRtpPortPair(ip, port);
    } catch {
      // in use: next pair
    }
  }
  throw new Error('no free UDP port pair for a bare receiver');
}

/** Bytes a process has written so far (any fd, /dev/null included), from /proc/<pid>/io. */
export function processWriteBytes(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const m = /^wchar:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/io`, 'utf8'));
    return m ? Number(m[1]) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    // A zombie still has /proc/<pid>: look at its state.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Waits until none of the pids is alive (or the timeout); returns how many still were. */
export async function waitGone(pids: readonly number[], timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter((p) => isAlive(p)).length;
    if (alive === 0 || Date.now() > until) return alive;
    await sleep(100);
  }
}

/** SIGKILL (load generators and baselines have nothing to flush) and wait for the exit. */
export async function killAll(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(async (c) => {
      if (c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill('SIGKILL');
      await Promise.race([exited, sleep(3000)]);
    }),
  );
}
