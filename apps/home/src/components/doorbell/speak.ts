/**
 * Reads a quick reply aloud on the door screen, when the browser has a voice for it. Silent
 * otherwise: the text is shown big anyway.
 */
export function speak(text: string): void {
  const synth = globalThis.speechSynthesis as SpeechSynthesis | undefined;
  if (!synth || synth.getVoices().length === 0) return;
  synth.cancel();
  synth.speak(new SpeechSynthesisUtterance(text));
}
