/**
 * Real encoded media for the muxer tests, made by ffmpeg (no mocks): H264 access units (x264,
 * SPS/PPS before every keyframe, as browsers send them) and Opus packets out of an Ogg stream.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** NAL units of each access unit of a `w`x`h` x264 stream, 30 fps, a keyframe every `gop` frames. */
export async function h264AccessUnits(o: {
  width: number;
  height: number;
  frames: number;
  gop: number;
  /** Keyframe times in seconds (ffmpeg -force_key_frames), instead of every `gop` frames. */
  keyframes?: number[];
}): Promise<Buffer[][]> {
  const forced = o.keyframes ? ['-force_key_frames', o.keyframes.join(',')] : [];
  const { stdout } = await run(
    'ffmpeg',
    [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${o.width}x${o.height}:rate=30`,
      '-frames:v',
      String(o.frames),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-tune',
      'zerolatency',
      '-profile:v',
      'baseline',
      '-g',
      String(o.gop),
      '-keyint_min',
      String(o.gop),
      ...forced,
      '-x264-params',
      `repeat-headers=1:aud=1${o.keyframes ? ':scenecut=0' : ''}`,
      '-pix_fmt',
      'yuv420p',
      '-f',
      'h264',
      '-',
    ],
    { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 },
  );
  const nals = splitAnnexB(stdout);
  const aus: Buffer[][] = [];
  for (const nal of nals) {
    if ((nal[0]! & 0x1f) === 9) aus.push([]);
    else aus[aus.length - 1]?.push(nal);
  }
  return aus.filter((a) => a.length > 0);
}

/** NAL units of an Annex B byte stream. */
export function splitAnnexB(b: Buffer): Buffer[] {
  const starts: number[] = [];
  for (let i = 0; i + 3 <= b.length; i++) {
    if (b[i] === 0 && b[i + 1] === 0 && b[i + 2] === 1) {
      starts.push(i + 3);
      i += 2;
    }
  }
  return starts.map((s, k) => {
    let end = k + 1 < starts.length ? starts[k + 1]! - 3 : b.length;
    while (end > s && b[end - 1] === 0) end--; // 4-byte start codes leave a zero behind
    return b.subarray(s, end);
  });
}

/** 20 ms Opus packets (48 kHz, stereo) of a 440 Hz tone. */
export async function opusPackets(seconds: number): Promise<Buffer[]> {
  const { stdout } = await run(
    'ffmpeg',
    [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:sample_rate=48000',
      '-t',
      String(seconds),
      '-ac',
      '2',
      '-c:a',
      'libopus',
      '-frame_duration',
      '20',
      '-f',
      'ogg',
      '-',
    ],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  const packets = oggPackets(stdout);
  // OpusHead and OpusTags come first.
  return packets.slice(2);
}

/** The packets of an Ogg stream (one logical stream). */
export function oggPackets(ogg: Buffer): Buffer[] {
  const packets: Buffer[] = [];
  let partial: Buffer[] = [];
  for (let p = 0; p + 27 <= ogg.length;) {
    if (ogg.toString('latin1', p, p + 4) !== 'OggS') throw new Error('bad Ogg page');
    const count = ogg[p + 26]!;
    const lacing = ogg.subarray(p + 27, p + 27 + count);
    let at = p + 27 + count;
    for (const len of lacing) {
      partial.push(ogg.subarray(at, at + len));
      at += len;
      if (len < 255) {
        packets.push(Buffer.concat(partial));
        partial = [];
      }
    }
    p = at;
  }
  return packets;
}
