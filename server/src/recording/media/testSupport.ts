/**
 * Test helpers for the fMP4 tests: real ffmpeg/ffprobe runs (no mocks), temp files and a
 * deterministic random chunker that cuts a byte stream like a pipe would, down to 1-byte chunks.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const FRAGMENTED = [
  '-f',
  'mp4',
  '-movflags',
  '+frag_keyframe+empty_moov+default_base_moof',
  '-frag_duration',
  '1000000',
  'pipe:1',
];

const VIDEO_IN = ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30'];
const AUDIO_IN = ['-f', 'lavfi', '-i', 'sine=frequency=440'];
const H264 = (gop: number): string[] => [
  '-c:v',
  'libx264',
  '-g',
  String(gop),
  '-pix_fmt',
  'yuv420p',
];

/** ffmpeg's fragmented MP4 as the recorder gets it, `seconds` long. */
export function recordFmp4(
  kind: 'av' | 'audio' | 'video',
  o: { gop?: number; seconds?: number; audioCodec?: 'libopus' | 'aac' } = {},
): Promise<Buffer> {
  const gop = o.gop ?? 30;
  const audio = ['-c:a', o.audioCodec ?? 'libopus'];
  const inputs = { av: [...VIDEO_IN, ...AUDIO_IN], audio: AUDIO_IN, video: VIDEO_IN }[kind];
  const codecs = { av: [...H264(gop), ...audio], audio, video: H264(gop) }[kind];
  const args = ['-hide_banner', '-v', 'error', ...inputs, ...codecs];
  return ffmpegStdout([...args, '-t', String(o.seconds ?? 7), ...FRAGMENTED]);
}

function ffmpegStdout(args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`ffmpeg ${code}: ${err}`)),
    );
  });
}

/** Splits `bytes` into chunks of 1..maxChunk bytes from a seeded generator (reproducible). */
export function randomChunks(bytes: Buffer, seed: number, maxChunk: number): Buffer[] {
  let state = seed >>> 0 || 1;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = 1 + Math.floor(next() * maxChunk);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

export interface TempDir {
  file(name: string, bytes: Buffer): Promise<string>;
  remove(): Promise<void>;
}

export async function tempDir(): Promise<TempDir> {
  const dir = await mkdtemp(path.join(tmpdir(), 'porchlight-fmp4-'));
  return {
    async file(name, bytes) {
      const file = path.join(dir, name);
      await writeFile(file, bytes);
      return file;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface ProbeStream {
  codec_type: string;
  codec_name: string;
  time_base: string;
  profile?: string;
  level?: number;
  start_time?: string;
  duration?: string;
}
export interface Probe {
  streams: ProbeStream[];
  format: { duration?: string; start_time?: string };
}

export async function ffprobe(file: string): Promise<Probe> {
  const args = ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file];
  const { stdout } = await run('ffprobe', args, { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as Probe;
}

/** key_frame flag of the first video frame ffprobe decodes from `file`. */
export async function firstVideoFrameIsKey(file: string): Promise<boolean> {
  const args = ['-v', 'error', '-select_streams', 'v:0', '-show_frames', '-read_intervals'];
  const { stdout } = await run('ffprobe', [...args, '%+#1', '-of', 'json', file]);
  const frames = (JSON.parse(stdout) as { frames: { key_frame: number }[] }).frames;
  return frames[0]?.key_frame === 1;
}

/** Runs a full decode; resolves with ffmpeg's exit code and error output. */
export function decodeAll(file: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}
