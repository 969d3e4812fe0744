/// <reference lib="webworker" />
import { FrameAnalyzer } from './FrameAnalyzer.ts';
import type { FromWorker, ToWorker } from './messages.ts';

/**
 * The detector's Web Worker: the model's ~160 ms per frame never blocks the page (its event loop
 * keeps serving video, sockets and the UI). Messages are handled strictly in order.
 */
declare const self: DedicatedWorkerGlobalScope;

let analyzer: Promise<FrameAnalyzer> | null = null;
let queue: Promise<void> = Promise.resolve();

const reply = (m: FromWorker): void => self.postMessage(m);
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  queue = queue.then(async () => {
    try {
      if (msg.type === 'init') {
        analyzer ??= FrameAnalyzer.create(msg.config);
        const a = await analyzer;
        reply({ type: 'ready', id: msg.id, info: a.info, simd: a.simd });
      } else if (msg.type === 'detect') {
        if (!analyzer) {
          msg.bitmap.close();
          throw new Error('detect before init');
        }
        const result = await (await analyzer).analyze(msg.bitmap, msg.t, msg.force);
        reply({ type: 'result', id: msg.id, result });
      }
    } catch (e) {
      reply({ type: 'error', id: msg.id, message: message(e) });
    }
  });
};
