/** How long to wait for the browser's voice list, which some load lazily (Chrome: async). */
const VOICES_WAIT_MS = 1500;

/** Marks the element that plays server speech (tests read it). */
export const SPEECH_AUDIO_ATTR = 'data-reply-speech';

/** Whether this browser has a voice for speechSynthesis, after its voice list had time to load. */
export function hasVoices(
  synth: SpeechSynthesis | undefined,
  waitMs = VOICES_WAIT_MS,
): Promise<boolean> {
  if (!synth) return Promise.resolve(false);
  if (synth.getVoices().length > 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      synth.removeEventListener('voiceschanged', done);
      resolve(synth.getVoices().length > 0);
    };
    const timer = setTimeout(done, waitMs);
    synth.addEventListener('voiceschanged', done);
  });
}

let playing: HTMLAudioElement | null = null;

/** Stops what the door screen is saying (a newer reply, or the call ended). */
export function stopSpeaking(): void {
  (globalThis.speechSynthesis as SpeechSynthesis | undefined)?.cancel();
  if (playing) {
    playing.pause();
    URL.revokeObjectURL(playing.src);
    playing.remove();
    playing = null;
  }
}

/**
 * Reads a quick reply aloud on the door screen: speechSynthesis where the browser has voices,
 * otherwise the server's rendering (`serverSpeech`, a WAV) in an <audio> element. Any failure
 * (no speech on the server: 503, autoplay refused) leaves the text on screen, which is shown big
 * anyway.
 */
export async function speak(text: string, serverSpeech: () => Promise<Blob>): Promise<void> {
  const synth = globalThis.speechSynthesis as SpeechSynthesis | undefined;
  if (await hasVoices(synth)) {
    stopSpeaking();
    synth!.speak(new SpeechSynthesisUtterance(text));
    return;
  }
  let wav: Blob;
  try {
    wav = await serverSpeech();
  } catch {
    return;
  }
  stopSpeaking();
  const audio = document.createElement('audio');
  audio.setAttribute(SPEECH_AUDIO_ATTR, text);
  audio.hidden = true;
  audio.src = URL.createObjectURL(wav);
  document.body.append(audio);
  playing = audio;
  await audio.play().catch(() => undefined);
}
