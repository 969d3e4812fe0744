import type { FrameDetector } from '../../src/index.ts';

/**
 * Bench only: the camera page's situation. The fake camera (Chromium's file capture) is shown in
 * a <video> and encoded by a loopback WebRTC connection (VP8, as a camera publishes), while
 * frames from the video go through the detector one at a time.
 */
export interface LiveStats {
  seconds: number;
  detections: number;
  modelRuns: number;
  /** Frames the encoder produced per second during the run, and in the same time before it. */
  encodedFps: number;
  encodedFpsBefore: number;
  width: number;
  height: number;
}

async function encoder(
  stream: MediaStream,
): Promise<{ frames: () => Promise<number>; close: () => void }> {
  const pc1 = new RTCPeerConnection();
  const pc2 = new RTCPeerConnection();
  pc1.onicecandidate = (e) => void (e.candidate && pc2.addIceCandidate(e.candidate));
  pc2.onicecandidate = (e) => void (e.candidate && pc1.addIceCandidate(e.candidate));
  for (const t of stream.getVideoTracks()) pc1.addTrack(t, stream);
  await pc1.setLocalDescription(await pc1.createOffer());
  await pc2.setRemoteDescription(pc1.localDescription!);
  await pc2.setLocalDescription(await pc2.createAnswer());
  await pc1.setRemoteDescription(pc2.localDescription!);
  const frames = async (): Promise<number> => {
    let n = 0;
    (await pc1.getStats()).forEach((s: { type: string; framesEncoded?: number }) => {
      if (s.type === 'outbound-rtp') n += s.framesEncoded ?? 0;
    });
    return n;
  };
  return { frames, close: () => (pc1.close(), pc2.close()) };
}

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runLive(detector: FrameDetector, seconds: number): Promise<LiveStats> {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: 1280, height: 720, frameRate: 15 },
  });
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = stream;
  await video.play();
  const enc = await encoder(stream);
  try {
    // Let the encoder ramp up, then measure it alone for the same time as with detection.
    while ((await enc.frames()) < 15) await wait(100);
    const f0 = await enc.frames();
    await wait(seconds * 1000);
    const f1 = await enc.frames();
    let detections = 0;
    let modelRuns = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      const bitmap = await createImageBitmap(video);
      const r = await detector.detect(bitmap, Date.now());
      detections++;
      if (r.ran) modelRuns++;
    }
    const elapsed = (performance.now() - t0) / 1000;
    const f2 = await enc.frames();
    return {
      seconds: elapsed,
      detections,
      modelRuns,
      encodedFps: (f2 - f1) / elapsed,
      encodedFpsBefore: (f1 - f0) / seconds,
      width: video.videoWidth,
      height: video.videoHeight,
    };
  } finally {
    enc.close();
    for (const t of stream.getTracks()) t.stop();
  }
}
