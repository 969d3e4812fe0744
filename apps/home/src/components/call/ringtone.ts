import { exposeTestHook } from '@porchlight/web-ui';

declare global {
  interface PorchlightTestHooks {
    /** Tests check that the incoming-call tone stops (answered elsewhere, declined). */
    ringtone?: Ringtone;
  }
}

/** One ring: two tones together (like a phone), on for RING_MS every CYCLE_MS. */
const TONES_HZ = [440, 480];
const RING_MS = 1600;
const CYCLE_MS = 3000;

/**
 * The incoming-call tone, generated with WebAudio (nothing to download, works offline). One per
 * page; `start` while any call rings, `stop` when none does. Idempotent both ways.
 */
export class Ringtone {
  #context: AudioContext | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;

  /** The tone is sounding (its audio context exists and runs). */
  get playing(): boolean {
    return this.#context !== null && this.#context.state === 'running';
  }

  start(): void {
    if (this.#context || typeof AudioContext === 'undefined') return;
    const context = new AudioContext();
    this.#context = context;
    // Autoplay policy may hold the context until the next tap: resume then.
    if (context.state === 'suspended') {
      const resume = (): void => void context.resume().catch(() => undefined);
      document.addEventListener('pointerdown', resume, { once: true });
    }
    const ring = (): void => {
      if (context.state === 'closed') return;
      const at = context.currentTime + 0.05;
      const gain = context.createGain();
      gain.gain.setValueAtTime(0, at);
      gain.gain.linearRampToValueAtTime(0.2, at + 0.05);
      gain.gain.setValueAtTime(0.2, at + RING_MS / 1000 - 0.05);
      gain.gain.linearRampToValueAtTime(0, at + RING_MS / 1000);
      gain.connect(context.destination);
      for (const hz of TONES_HZ) {
        const osc = context.createOscillator();
        osc.frequency.value = hz;
        osc.connect(gain);
        osc.start(at);
        osc.stop(at + RING_MS / 1000);
      }
    };
    ring();
    this.#timer = setInterval(ring, CYCLE_MS);
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    const context = this.#context;
    this.#context = null;
    void context?.close().catch(() => undefined);
  }
}

export const ringtone = new Ringtone();
exposeTestHook('ringtone', ringtone);
