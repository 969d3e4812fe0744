import { spawn } from 'node:child_process';
import { createLogger } from '@porchlight/runtime';
import { PorchlightError } from '../errors.ts';

const logger = createLogger('SpeechRenderer');

export interface SpeechRendererOptions {
  /** The espeak-ng executable (name on PATH or absolute path). Default 'espeak-ng'. */
  command?: string;
  /** espeak-ng voice. Default 'en'. */
  voice?: string;
  /** Words per minute. Default 150 (a little slower than espeak's 175: a door screen, outdoors). */
  wordsPerMinute?: number;
  /** A render that takes longer is killed. Default 5000 ms. */
  timeoutMs?: number;
  /** Cached renders (texts x voices). Default 32. */
  maxEntries?: number;
  /** Cached bytes at most. Default 8 MiB. */
  maxBytes?: number;
  /** Largest WAV a render may produce (about 45 s of speech). Default 2 MiB. */
  maxOutputBytes?: number;
}

/** Longest text rendered (the quick reply limit). */
export const MAX_SPEECH_CHARS = 120;

/**
 * Speech for door screens without voices (headless browsers, many kiosk tablets): espeak-ng
 * renders the text to a WAV. Spawned without a shell, the text on stdin (never an argument, so a
 * leading "-" is no option), killed after a timeout, output size capped. Renders are cached per
 * voice and text (LRU, bounded by entries and bytes) and concurrent requests share one render.
 * A missing espeak-ng is UNAVAILABLE (503): the door screen then shows the text only.
 */
export class SpeechRenderer {
  readonly #command: string;
  readonly #voice: string;
  readonly #wpm: number;
  readonly #timeoutMs: number;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #maxOutput: number;
  readonly #cache = new Map<string, Buffer>();
  readonly #pending = new Map<string, Promise<Buffer>>();
  #bytes = 0;

  constructor(o: SpeechRendererOptions = {}) {
    this.#command = o.command ?? 'espeak-ng';
    this.#voice = o.voice ?? 'en';
    this.#wpm = o.wordsPerMinute ?? 150;
    this.#timeoutMs = o.timeoutMs ?? 5000;
    this.#maxEntries = o.maxEntries ?? 32;
    this.#maxBytes = o.maxBytes ?? 8 * 1024 * 1024;
    this.#maxOutput = o.maxOutputBytes ?? 2 * 1024 * 1024;
    if (!/^[A-Za-z0-9_+-]{1,40}$/.test(this.#voice)) throw new TypeError('invalid voice name');
  }

  /** Cached entries (for tests and metrics). */
  get size(): number {
    return this.#cache.size;
  }

  /** A 16-bit mono PCM WAV of `text`; BAD_REQUEST for empty/too long text, UNAVAILABLE on failure. */
  async render(text: string): Promise<Buffer> {
    // Control characters are never speech; collapse them so the cache key is what is heard.
    const clean = text.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').trim();
    if (clean.length === 0) throw PorchlightError.badRequest('nothing to speak');
    if (clean.length > MAX_SPEECH_CHARS)
      throw PorchlightError.badRequest(`text too long to speak (max ${MAX_SPEECH_CHARS})`);
    const key = `${this.#voice}\u0000${clean}`;
    const hit = this.#cache.get(key);
    if (hit) {
      // Refresh its place: the Map's order is the LRU order.
      this.#cache.delete(key);
      this.#cache.set(key, hit);
      return hit;
    }
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = this.#spawn(clean).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    const wav = await pending;
    this.#remember(key, wav);
    return wav;
  }

  #remember(key: string, wav: Buffer): void {
    if (this.#cache.has(key) || wav.length > this.#maxBytes) return;
    this.#cache.set(key, wav);
    this.#bytes += wav.length;
    for (const [k, v] of this.#cache) {
      if (this.#cache.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) break;
      this.#cache.delete(k);
      this.#bytes -= v.length;
    }
  }

  #spawn(text: string): Promise<Buffer> {
    const args = ['--stdout', '-b', '1', '-v', this.#voice, '-s', String(this.#wpm)];
    return new Promise<Buffer>((resolve, reject) => {
      const child = spawn(this.#command, args, {
        shell: false,
        stdio: ['pipe', 'pipe', 'pipe'],
        timeout: this.#timeoutMs,
        killSignal: 'SIGKILL',
      });
      const chunks: Buffer[] = [];
      let size = 0;
      let failure: PorchlightError | null = null;
      const fail = (e: PorchlightError): void => {
        failure ??= e;
        child.kill('SIGKILL');
      };
      child.stdout.on('data', (c: Buffer) => {
        size += c.length;
        if (size > this.#maxOutput) fail(PorchlightError.unavailable('speech too long'));
        else chunks.push(c);
      });
      // Drained so a chatty espeak-ng never blocks on a full pipe; never logged (it may echo text).
      child.stderr.resume();
      child.on('error', (e: NodeJS.ErrnoException) => {
        logger.warn('speech renderer could not start', { command: this.#command, code: e.code });
        reject(
          PorchlightError.unavailable(
            e.code === 'ENOENT'
              ? 'speech is not available on this server (espeak-ng is not installed)'
              : 'speech is not available on this server',
          ),
        );
      });
      child.on('close', (code, signal) => {
        if (failure) return reject(failure);
        if (signal) return reject(PorchlightError.unavailable('speech rendering timed out'));
        if (code !== 0) return reject(PorchlightError.unavailable('speech rendering failed'));
        try {
          resolve(fixWavSizes(Buffer.concat(chunks)));
        } catch {
          reject(PorchlightError.unavailable('speech rendering produced no audio'));
        }
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(text);
    });
  }
}

/**
 * espeak-ng writing to a pipe cannot seek back, so its RIFF and data sizes are placeholders
 * (0x7ffff000); some decoders then read past the end. Patch both from the real length.
 */
export function fixWavSizes(wav: Buffer): Buffer {
  if (
    wav.length < 44 ||
    wav.toString('ascii', 0, 4) !== 'RIFF' ||
    wav.toString('ascii', 8, 12) !== 'WAVE'
  )
    throw new Error('not a WAV');
  let at = 12;
  while (at + 8 <= wav.length) {
    const id = wav.toString('ascii', at, at + 4);
    if (id === 'data') {
      const dataBytes = wav.length - at - 8;
      if (dataBytes <= 0) throw new Error('empty WAV');
      wav.writeUInt32LE(dataBytes, at + 4);
      wav.writeUInt32LE(wav.length - 8, 4);
      return wav;
    }
    at += 8 + wav.readUInt32LE(at + 4);
  }
  throw new Error('WAV without data');
}
