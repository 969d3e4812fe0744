import { FrameDetector, type FrameResult } from '../../src/index.ts';
import type { DetectorInfo } from '@porchlight/protocol';

/**
 * The page the detect CLI and benches drive in headless Chromium: the same FrameDetector and
 * worker the apps run, fed with frames the CLI serves at /input/<n>.
 */
export interface HarnessApi {
  start(options: {
    motion: boolean;
    backend: 'auto' | 'wasm';
    floor: number;
  }): Promise<{ info: DetectorInfo; simd: boolean }>;
  detect(url: string, t: number): Promise<FrameResult & { width: number; height: number }>;
  info(): DetectorInfo;
  close(): void;
}

declare global {
  interface Window {
    porchlightDetector?: HarnessApi;
  }
}

let detector: FrameDetector | null = null;
const running = (): FrameDetector => {
  if (!detector) throw new Error('start() first');
  return detector;
};

window.porchlightDetector = {
  async start(options) {
    detector?.close();
    detector = await FrameDetector.create(options);
    return { info: detector.info, simd: detector.simd };
  },
  async detect(url, t) {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    const bitmap = await createImageBitmap(await res.blob());
    const [width, height] = [bitmap.width, bitmap.height];
    return { ...(await running().detect(bitmap, t)), width, height };
  },
  info: () => running().info,
  close: () => detector?.close(),
};
