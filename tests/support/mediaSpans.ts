import type { types } from 'mediasoup';
import type { MediaSpan } from './continuity.ts';
import type { TestServer } from './testServer.ts';

/** How often the room is looked at for a new producer of the device. */
const POLL_MS = 20;

/**
 * When the SFU received a device's video: one span per video producer (a camera reload or a
 * worker death makes a new one), from the first to the last RTP packet seen (mediasoup 'rtp'
 * trace events, stamped on arrival in this process). The first packets of a producer may go by
 * before tracing is on (one poll plus a channel round trip, ~20-40 ms): `firstAt` errs late by
 * that much.
 */
export class MediaSpanWatch {
  readonly #ts: TestServer;
  readonly #deviceId: string;
  readonly #spans = new Map<string, { firstAt?: number; lastAt?: number }>();
  readonly #timer: NodeJS.Timeout;
  readonly #traced = new Set<types.Producer>();

  constructor(ts: TestServer, deviceId: string) {
    this.#ts = ts;
    this.#deviceId = deviceId;
    this.#timer = setInterval(() => this.#poll(), POLL_MS);
  }

  /** Spans that have received media, oldest first. */
  spans(): MediaSpan[] {
    return [...this.#spans.entries()]
      .filter(([, s]) => s.firstAt !== undefined && s.lastAt !== undefined)
      .map(([id, s]) => ({ id, firstAt: s.firstAt!, lastAt: s.lastAt! }));
  }

  /** The id of the device's current video producer once it has received media. */
  current(): string | undefined {
    const p = this.#producer();
    return p && this.#spans.get(p.id)?.firstAt !== undefined ? p.id : undefined;
  }

  stop(): void {
    clearInterval(this.#timer);
    for (const p of this.#traced) if (!p.closed) void p.enableTraceEvent([]).catch(() => {});
    this.#traced.clear();
  }

  #producer(): types.Producer | undefined {
    return this.#ts.server.rooms.rooms
      .get(this.#ts.siteId)
      ?.producersOfDevice(this.#deviceId)
      .find((p) => p.kind === 'video' && !p.closed);
  }

  #poll(): void {
    const p = this.#producer();
    if (!p || this.#spans.has(p.id)) return;
    const span: { firstAt?: number; lastAt?: number } = {};
    this.#spans.set(p.id, span);
    this.#traced.add(p);
    p.on('trace', (t) => {
      if (t.type !== 'rtp') return;
      const now = Date.now();
      span.firstAt ??= now;
      span.lastAt = now;
    });
    p.observer.once('close', () => this.#traced.delete(p));
    void p.enableTraceEvent(['rtp']).catch(() => {});
  }
}
