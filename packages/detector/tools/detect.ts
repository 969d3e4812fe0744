/**
 * `npm run detect -- PATH [--fps N] [--max-frames N] [--motion] [--backend wasm|auto] [--raw [--floor S]]`
 *
 * Runs the person detector (the apps' own worker code, in headless Debian Chromium) on a folder
 * of images, one image or a video file (decoded by ffmpeg), and prints one JSON line per frame:
 * `{"file","frame","persons":[{"score","box":[x,y,w,h]}],"ms"}` (box normalized to the frame).
 * The persons are what a camera's pipeline keeps at the default settings (score, box size: the
 * per-detection filters of src/pipeline); `--raw` prints the model's output above `--floor`
 * instead, to tune thresholds.
 * The detector's backend goes to stderr as `detector: {...}`. Exit 2 on bad input.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_DETECTION_SETTINGS } from '@porchlight/protocol';
import { filterDetections } from '../src/pipeline/index.ts';
import { HeadlessDetector } from './HeadlessDetector.ts';
import { framesOf, InputError } from './frames.ts';

const USAGE =
  'usage: npm run detect -- PATH [--fps N] [--max-frames N] [--motion] [--backend wasm|auto] [--raw [--floor 0..1]]\n' +
  '  PATH: a folder of images, an image, or a video file';

function positive(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new InputError(`--${name} must be a positive number, got "${v}"`);
  return n;
}

function parseOptions() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        fps: { type: 'string' },
        'max-frames': { type: 'string' },
        motion: { type: 'boolean', default: false },
        backend: { type: 'string', default: 'wasm' },
        raw: { type: 'boolean', default: false },
        floor: { type: 'string', default: '0.2' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    // Unknown options, a missing value, or a value that looks like an option ("-3").
    throw new InputError(e instanceof Error ? e.message : String(e));
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseOptions();
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (positionals.length !== 1)
    throw new InputError(`expected one PATH, got ${positionals.length}`);
  const backend = values.backend;
  if (backend !== 'wasm' && backend !== 'auto')
    throw new InputError(`--backend must be wasm or auto, got "${backend}"`);
  const floor = Number(values.floor);
  if (!(floor >= 0 && floor <= 1))
    throw new InputError(`--floor must be between 0 and 1, got "${values.floor}"`);
  const maxFrames = positive('max-frames', values['max-frames']);
  if (maxFrames !== undefined && !Number.isInteger(maxFrames))
    throw new InputError('--max-frames must be an integer');
  const fps = positive('fps', values.fps);

  const { frames, cleanup } = framesOf(positionals[0]!, {
    ...(fps !== undefined && { fps }),
    ...(maxFrames !== undefined && { maxFrames }),
  });
  const detector = await HeadlessDetector.start({ motion: values.motion, backend, floor });
  try {
    process.stderr.write(
      `detector: ${JSON.stringify({ ...detector.info, simd: detector.simd })}\n`,
    );
    for (const f of frames) {
      const r = await detector.detectFile(f.image, f.t);
      const kept = values.raw ? r.persons : filterDetections(r.persons, DEFAULT_DETECTION_SETTINGS);
      const persons = kept.map((p) => ({
        score: round(p.score, 3),
        box: p.box.map((v) => round(v, 4)),
      }));
      const line = {
        file: f.file,
        frame: f.frame,
        persons,
        ms: round(r.ms, 1),
        ...(values.motion && { ran: r.ran }),
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
  } finally {
    await detector.close();
    cleanup();
  }
}

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;

main().catch((e: unknown) => {
  if (e instanceof InputError) {
    process.stderr.write(`detect: ${e.message}\n${USAGE}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`detect: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  }
});
