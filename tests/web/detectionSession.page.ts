/**
 * Page side of detectionSession.test.ts: a DetectionSession on a real <video> (a canvas stream
 * with a light "person" crossing it) in Chromium, with a stand-in detector that finds that
 * rectangle. Everything else is the real code: frame grabbing, pacing, pipeline, JPEG snapshots.
 */
import { DEFAULT_DETECTION_SETTINGS, type Box } from '@porchlight/protocol';
import { DetectionSession } from '../../packages/detector/src/DetectionSession.ts';
import type { FrameResult } from '../../packages/detector/src/FrameResult.ts';
import type { FrameDetectorLike } from '../../packages/detector/src/session/types.ts';

export interface PageReport {
  kinds: string[];
  snapshots: {
    bytes: number[];
    size: number;
    type: string;
    box: Box;
    width: number;
    height: number;
    /** Colour of the snapshot on the box's left edge, and well inside the box. */
    edge: number[];
    inside: number[];
  }[];
  frameSizes: string[];
  detectionsPerSecond: number;
  errors: string[];
}

declare global {
  interface Window {
    runDetectionSession?: () => Promise<PageReport>;
  }
}

const W = 640;
const H = 360;

window.runDetectionSession = async () => {
  const canvas = document.createElement('canvas');
  canvas.width = W;
  canvas.height = H;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d context');
  let x = 40;
  let present = true;
  const draw = (): void => {
    ctx.fillStyle = '#303030';
    ctx.fillRect(0, 0, W, H);
    if (present) {
      ctx.fillStyle = '#e0e0e0';
      ctx.fillRect(x, 100, 40, 120);
    }
  };
  draw();
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = canvas.captureStream(15);
  document.body.append(video);
  await video.play();

  // Stand-in for the model: finds the light rectangle in the transferred bitmap.
  const probe = new OffscreenCanvas(W, H);
  const pctx = probe.getContext('2d', { willReadFrequently: true });
  if (!pctx) throw new Error('no probe context');
  const frameSizes: string[] = [];
  const detector: FrameDetectorLike<ImageBitmap> = {
    info: { backend: 'wasm', model: 'stand-in', msPerFrame: 5 },
    closed: false,
    async detect(bitmap, t): Promise<FrameResult> {
      frameSizes.push(`${bitmap.width}x${bitmap.height}`);
      pctx.drawImage(bitmap, 0, 0, W, H);
      bitmap.close();
      const data = pctx.getImageData(0, 0, W, H).data;
      let [x0, y0, x1, y1] = [W, H, -1, -1];
      for (let y = 0; y < H; y += 2) {
        for (let xx = 0; xx < W; xx += 2) {
          if ((data[(y * W + xx) * 4] ?? 0) > 180) {
            x0 = Math.min(x0, xx);
            y0 = Math.min(y0, y);
            x1 = Math.max(x1, xx);
            y1 = Math.max(y1, y);
          }
        }
      }
      const persons: FrameResult['persons'] =
        x1 < 0 ? [] : [{ score: 0.7, box: [x0 / W, y0 / H, (x1 - x0 + 2) / W, (y1 - y0 + 2) / H] }];
      return { t, persons, ms: 5, motion: true, ran: true };
    },
  };

  const report: PageReport = {
    kinds: [],
    snapshots: [],
    frameSizes,
    detectionsPerSecond: 0,
    errors: [],
  };
  const settings = { ...DEFAULT_DETECTION_SETTINGS, cooldownSeconds: 1 };
  const session = DetectionSession.forVideo(video, detector, settings, { statsIntervalMs: 500 });
  const pending: Promise<void>[] = [];
  session.on('started', () => report.kinds.push('started'));
  session.on('ended', () => report.kinds.push('ended'));
  session.on('error', (e) => report.errors.push(e.message));
  session.on('stats', (s) => (report.detectionsPerSecond = s.detectionsPerSecond));
  session.on('snapshot', (ev, jpeg) => {
    report.kinds.push('snapshot');
    pending.push(
      (async () => {
        const bytes = [...new Uint8Array(await jpeg.arrayBuffer()).slice(0, 3)];
        const img = await createImageBitmap(jpeg);
        const c = new OffscreenCanvas(img.width, img.height);
        const cx = c.getContext('2d', { willReadFrequently: true });
        if (!cx) throw new Error('no context');
        cx.drawImage(img, 0, 0);
        const [bx, by, bw, bh] = ev.best.box;
        const px = (x: number, y: number): number[] =>
          [
            ...cx.getImageData(Math.round(x * img.width), Math.round(y * img.height), 1, 1).data,
          ].slice(0, 3);
        report.snapshots.push({
          bytes,
          size: jpeg.size,
          type: jpeg.type,
          box: ev.best.box,
          width: img.width,
          height: img.height,
          edge: px(bx, by + bh / 2),
          inside: px(bx + bw / 2, by + bh / 2),
        });
        img.close();
      })(),
    );
  });

  // The person walks right for 3 s, leaves, and the event ends after the 1 s cooldown (or the
  // page gives up after 30 s and the test reports what it saw).
  const giveUp = Date.now() + 30_000;
  await new Promise<void>((resolve) => {
    const walk = setInterval(() => {
      x += 8;
      if (x > 520) present = false;
      draw();
      if (report.kinds.includes('ended') || Date.now() > giveUp) {
        clearInterval(walk);
        resolve();
      }
    }, 50);
  });
  session.close();
  await Promise.all(pending);
  return report;
};
