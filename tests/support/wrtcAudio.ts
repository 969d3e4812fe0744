import { installWrtcGlobals } from './wrtc.ts';

/** A synthetic microphone: an RTCAudioSource fed a 440 Hz sine (48 kHz mono, 10 ms frames). */
export function syntheticMicrophone(amplitude = 8000) {
  const w = installWrtcGlobals();
  const source = new w.nonstandard.RTCAudioSource();
  const track = source.createTrack();
  const sampleRate = 48_000;
  const frames = sampleRate / 100;
  let t = 0;
  const timer = setInterval(() => {
    const samples = new Int16Array(frames);
    for (let i = 0; i < frames; i++, t++)
      samples[i] = Math.round(amplitude * Math.sin((2 * Math.PI * 440 * t) / sampleRate));
    source.onData({
      samples,
      sampleRate,
      bitsPerSample: 16,
      channelCount: 1,
      numberOfFrames: frames,
    });
  }, 10);
  return {
    track: track as unknown as MediaStreamTrack,
    stop: () => {
      clearInterval(timer);
      track.stop();
    },
  };
}

/**
 * Listens to a remote audio track: counts received frames and the RMS of the loudest recent one
 * (silence decodes to ~0; the sine above to thousands).
 */
export function audioMeter(track: MediaStreamTrack) {
  const w = installWrtcGlobals();
  const sink = new w.nonstandard.RTCAudioSink(track as never);
  // rms: a level that decays 10 % per 10 ms frame (a poll can miss a short loud stretch in it);
  // firstLoudAt: when the first frame louder than RMS 500 arrived (0: none yet).
  const state = { frames: 0, rms: 0, firstLoudAt: 0 };
  sink.ondata = (data: { samples: Int16Array }) => {
    let sum = 0;
    for (const s of data.samples) sum += s * s;
    const rms = Math.sqrt(sum / Math.max(1, data.samples.length));
    state.frames++;
    state.rms = Math.max(state.rms * 0.9, rms);
    if (rms > 500 && state.firstLoudAt === 0) state.firstLoudAt = performance.now();
  };
  return { state, stop: () => sink.stop() };
}
