import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const IMAGE_EXTENSIONS = /\.(png|jpe?g|bmp|webp|gif)$/i;

export class InputError extends Error {
  override readonly name = 'InputError';
}

/** One frame to detect on: an image file, and where it came from. */
export interface FrameInput {
  /** Path printed in the output (the image, or the video the frame is from). */
  file: string;
  /** Frame index in the source video (0 for a still). */
  frame: number;
  /** Frame time in ms from the start of the video (0 for a still). */
  t: number;
  /** The image Chromium decodes. */
  image: string;
}

export interface VideoOptions {
  /** Sample the video at about this rate: every round(rate / fps)-th frame (default: every frame). */
  fps?: number;
  /** Stop after this many frames (default: all). */
  maxFrames?: number;
}

/**
 * A folder of images, a single image or a video file -> frames. Videos are decoded by ffmpeg to
 * lossless PNGs in a temporary folder (removed by `cleanup`).
 */
export function framesOf(
  input: string,
  options: VideoOptions,
): { frames: FrameInput[]; cleanup: () => void } {
  if (!fs.existsSync(input)) throw new InputError(`${input}: no such file or folder`);
  const stat = fs.statSync(input);
  if (stat.isDirectory()) {
    const images = fs
      .readdirSync(input)
      .filter((n) => IMAGE_EXTENSIONS.test(n))
      .sort()
      .slice(0, options.maxFrames ?? Infinity);
    if (!images.length)
      throw new InputError(`${input}: no images (${IMAGE_EXTENSIONS.source}) in this folder`);
    return {
      frames: images.map((n) => ({
        file: path.join(input, n),
        frame: 0,
        t: 0,
        image: path.join(input, n),
      })),
      cleanup: () => {},
    };
  }
  if (IMAGE_EXTENSIONS.test(input))
    return { frames: [{ file: input, frame: 0, t: 0, image: input }], cleanup: () => {} };
  return videoFrames(input, options);
}

function videoFrames(
  video: string,
  options: VideoOptions,
): { frames: FrameInput[]; cleanup: () => void } {
  const rate = probeFrameRate(video);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-detect-'));
  const cleanup = (): void => fs.rmSync(dir, { recursive: true, force: true });
  try {
    // Every step-th source frame (select, not the fps filter, so frame numbers are exact).
    const step = options.fps ? Math.max(1, Math.round(rate / options.fps)) : 1;
    const args = ['-hide_banner', '-loglevel', 'error', '-i', video];
    if (step > 1) args.push('-vf', `select=not(mod(n\\,${step}))`, '-fps_mode', 'passthrough');
    if (options.maxFrames) args.push('-frames:v', String(options.maxFrames));
    args.push('-start_number', '0', path.join(dir, '%06d.png'));
    execFileSync('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const frames = fs
      .readdirSync(dir)
      .sort()
      .map((name, i) => ({
        file: video,
        frame: Math.round(i * step),
        t: Math.round((i * step * 1000) / rate),
        image: path.join(dir, name),
      }));
    if (!frames.length) throw new InputError(`${video}: ffmpeg decoded no frames`);
    return { frames, cleanup };
  } catch (e) {
    cleanup();
    if (e instanceof InputError) throw e;
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
    throw new InputError(
      `${video}: ffmpeg could not decode it${stderr ? ` (${stderr.split('\n').pop()})` : ''}`,
    );
  }
}

/** Frames per second of the first video stream, or an InputError when it is not a video. */
function probeFrameRate(video: string): number {
  let out: string;
  try {
    out = execFileSync(
      'ffprobe',
      [
        '-v',
        'error',
        '-select_streams',
        'v:0',
        '-show_entries',
        'stream=r_frame_rate',
        '-of',
        'csv=p=0',
        video,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    ).trim();
  } catch {
    throw new InputError(`${video}: not an image folder, an image or a video ffprobe can read`);
  }
  const [num, den] = out.split('/').map(Number);
  const rate = num && den ? num / den : Number(out);
  if (!Number.isFinite(rate) || rate <= 0) throw new InputError(`${video}: has no video stream`);
  return rate;
}
