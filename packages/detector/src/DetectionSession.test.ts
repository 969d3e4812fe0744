import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { DEFAULT_DETECTION_SETTINGS, type Box, type DetectorInfo } from '@porchlight/protocol';
import { DetectionSession } from './DetectionSession.ts';
import { BudgetController } from './session/BudgetController.ts';
import type { FrameDetector } from './FrameDetector.ts';
import type { FrameResult } from './FrameResult.ts';
import type { DetectionEvent } from './pipeline/types.ts';
import type { DetectionStats, FrameDetectorLike, FrameSource } from './session/types.ts';

/** A frame that knows whether it was released. */
class FakeFrame {
  static open = 0;
  closed = false;
  constructor(readonly t: number) {
    FakeFrame.open++;
  }
  close(): void {
    if (this.closed) throw new Error('closed twice');
    this.closed = true;
    FakeFrame.open--;
  }
}

/** A camera with one person walking across it between `from` and `to` (ms of the fake clock). */
class FakeScene implements FrameSource<FakeFrame>, FrameDetectorLike<FakeFrame> {
  info: DetectorInfo = { backend: 'wasm', model: 'centernet-512', msPerFrame: 200 };
  closed = false;
  busy = 0;
  maxBusy = 0;
  detects = 0;
  constructor(
    private readonly from: number,
    private readonly to: number,
    private readonly modelMs = 200,
    private readonly score = 0.6,
  ) {}

  async grab(keepCopy: boolean) {
    const t = Date.now();
    return { frame: new FakeFrame(t), copy: keepCopy ? new FakeFrame(t) : null };
  }

  async detect(frame: FakeFrame, t: number): Promise<FrameResult> {
    this.busy++;
    this.detects++;
    this.maxBusy = Math.max(this.maxBusy, this.busy);
    frame.close(); // ownership moved to the detector (the worker)
    await new Promise((r) => setTimeout(r, this.modelMs));
    this.busy--;
    const persons: FrameResult['persons'] = [];
    if (t >= this.from && t <= this.to) {
      const k = (t - this.from) / (this.to - this.from);
      persons.push({ score: this.score, box: [0.1 + 0.7 * k, 0.3, 0.06, 0.2] });
    }
    return { t, persons, ms: this.modelMs, motion: true, ran: true };
  }
}

describe('DetectionSession', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_750_000_000_000 });
    FakeFrame.open = 0;
  });
  afterEach(() => vi.useRealTimers());

  it('FrameDetector is a detector the session can run', () => {
    expectTypeOf<FrameDetector>().toMatchTypeOf<FrameDetectorLike<ImageBitmap>>();
  });

  it('reports a person as started, snapshot, ended, one detection at a time, within the CPU budget', async () => {
    const t0 = Date.now();
    const scene = new FakeScene(t0 + 2000, t0 + 8000);
    const snapshots: { ev: DetectionEvent; box: Box; frame: number }[] = [];
    const session = new DetectionSession(scene, scene, DEFAULT_DETECTION_SETTINGS, {
      cpuBudget: 0.5,
      encodeSnapshot: async (frame, box) => {
        expect(frame.closed).toBe(false);
        snapshots.push({ ev: session.current!, box, frame: frame.t });
        return new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' });
      },
    });
    const seen: string[] = [];
    const snapshotEvents: DetectionEvent[] = [];
    const stats: DetectionStats[] = [];
    session.on('started', () => seen.push('started'));
    session.on('ended', () => seen.push('ended'));
    session.on('snapshot', (ev, jpeg) => {
      expect(jpeg.type).toBe('image/jpeg');
      snapshotEvents.push(ev);
    });
    session.on('stats', (s) => stats.push(s));
    await vi.advanceTimersByTimeAsync(30_000);

    expect(seen).toEqual(['started', 'ended']);
    expect(snapshotEvents.length).toBeGreaterThanOrEqual(1);
    expect(snapshotEvents[0]!.endedAt).toBeNull();
    // The snapshot shows the frame the best box came from.
    for (const s of snapshots) expect(s.frame).toBe(s.ev?.best.t ?? s.frame);
    expect(scene.maxBusy).toBe(1);
    // 200 ms per model run at half a core: one detection every 400 ms.
    const last = stats.at(-1)!;
    expect(last.detectionsPerSecond).toBeCloseTo(2.5, 1);
    expect(last).toMatchObject({ backend: 'wasm', msPerFrame: 200 });
    session.close();
    expect(FakeFrame.open).toBe(0);
  });

  it('runs faster when the model is cheap, up to maxRate', async () => {
    const scene = new FakeScene(0, 0, 20);
    const session = new DetectionSession(scene, scene, DEFAULT_DETECTION_SETTINGS, { maxRate: 4 });
    const stats: DetectionStats[] = [];
    session.on('stats', (s) => stats.push(s));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(stats.at(-1)!.detectionsPerSecond).toBeCloseTo(4, 1);
    session.close();
  });

  it('follows a budget controller: more detections while the encoder keeps up, fewer when it drops', async () => {
    const scene = new FakeScene(0, 0, 100);
    const controller = new BudgetController({ initial: 0.2, raiseAfterMs: 1000 });
    const session = new DetectionSession(scene, scene, DEFAULT_DETECTION_SETTINGS, {
      cpuBudget: controller,
      maxRate: 5,
    });
    const stats: DetectionStats[] = [];
    session.on('stats', (s) => stats.push(s));
    // The page samples its encoder once a second (healthy: 15 fps from a 15 fps capture).
    const sample = (fps: number) =>
      controller.observe({ t: Date.now(), fps, captureFps: 15, cpuLimited: false, lagP95Ms: 3 });
    // 100 ms per run at 0.2 of a core: 2 detections/s.
    await vi.advanceTimersByTimeAsync(6000);
    expect(stats.at(-1)!.detectionsPerSecond).toBeCloseTo(2, 0);
    for (let i = 0; i < 12; i++) {
      sample(15);
      await vi.advanceTimersByTimeAsync(1000);
    }
    // Raised to the ceiling; the rate cap (5/s), not the budget, limits now.
    expect(controller.budget).toBe(1);
    await vi.advanceTimersByTimeAsync(6000);
    expect(stats.at(-1)).toMatchObject({ cpuBudget: 1 });
    expect(stats.at(-1)!.detectionsPerSecond).toBeCloseTo(5, 0);
    // The encoder falls to 10 fps: halved at once, then again; the session slows down.
    sample(10);
    await vi.advanceTimersByTimeAsync(2000);
    sample(10);
    await vi.advanceTimersByTimeAsync(6000);
    expect(controller.budget).toBe(0.25);
    expect(stats.at(-1)!.detectionsPerSecond).toBeCloseTo(2.5, 0);
    expect(scene.maxBusy).toBe(1);
    session.close();
  });

  it('a slow device at its floor budget still catches a walker: someone unconfirmed is looked at again at once', async () => {
    // 800 ms per model run at a fifth of a core: a look every 4 s. The walker crosses the frame
    // in 6 s; between two paced looks they moved too far for the tracker to call it one person.
    const t0 = Date.now();
    const run = async (confirmLooks: number) => {
      const scene = new FakeScene(t0 + 1000, t0 + 7000, 800);
      const session = new DetectionSession(scene, scene, DEFAULT_DETECTION_SETTINGS, {
        cpuBudget: 0.2,
        confirmLooks,
      });
      const started: DetectionEvent[] = [];
      session.on('started', (ev) => started.push(ev));
      await vi.advanceTimersByTimeAsync(20_000);
      session.close();
      return { started, detects: scene.detects };
    };
    const paced = await run(0);
    vi.setSystemTime(t0);
    const quick = await run(4);
    expect(paced.started).toHaveLength(0);
    expect(quick.started).toHaveLength(1);
    // It starts with the first look that saw the walker, not the confirming ones.
    expect(quick.started[0]!.startedAt).toBeLessThanOrEqual(t0 + 1000 + 4000 + 800);
    // A handful of looks more, not a core's worth: 20 s at 4 s per look is 5 looks.
    expect(quick.detects - paced.detects).toBeLessThanOrEqual(4);
  });

  it('quick looks are bounded: a candidate the median gate keeps rejecting cannot hold the budget off', async () => {
    const t0 = Date.now();
    // Seen all the time, always under trackScore (0.45): never confirmed, always a candidate.
    const scene = new FakeScene(t0, t0 + 60_000, 800, 0.4);
    const session = new DetectionSession(scene, scene, DEFAULT_DETECTION_SETTINGS, {
      cpuBudget: 0.2,
      confirmLooks: 4,
    });
    const started: DetectionEvent[] = [];
    session.on('started', (ev) => started.push(ev));
    await vi.advanceTimersByTimeAsync(40_000);
    session.close();
    expect(started).toHaveLength(0);
    // 4 quick looks (0.8 s each) after the first, then one every 4 s: about 12 in 40 s, not 50.
    expect(scene.detects).toBeLessThanOrEqual(14);
  });

  it('close ends the open event, is idempotent, and stops detecting', async () => {
    const t0 = Date.now();
    const scene = new FakeScene(t0, t0 + 60_000);
    const session = new DetectionSession(scene, scene, DEFAULT_DETECTION_SETTINGS);
    const ended: DetectionEvent[] = [];
    let closes = 0;
    session.on('ended', (ev) => ended.push(ev));
    session.on('close', () => closes++);
    await vi.advanceTimersByTimeAsync(5000);
    expect(session.current).not.toBeNull();
    session.close();
    session.close();
    expect(ended).toHaveLength(1);
    expect(ended[0]!.endedAt).toBeGreaterThan(t0);
    expect(closes).toBe(1);
    const detects = scene.detects;
    await vi.advanceTimersByTimeAsync(5000);
    expect(scene.detects).toBe(detects);
    expect(FakeFrame.open).toBe(0);
  });

  it('reports a failing detector and retries; stops when the detector is closed', async () => {
    const scene = new FakeScene(0, 0);
    let failures = 0;
    const flaky: FrameDetectorLike<FakeFrame> = {
      info: scene.info,
      get closed() {
        return failures >= 3;
      },
      detect: async (frame, t) => {
        if (failures < 3) {
          frame.close();
          failures++;
          throw new Error('worker hiccup');
        }
        return scene.detect(frame, t);
      },
    };
    const session = new DetectionSession(scene, flaky, DEFAULT_DETECTION_SETTINGS, {
      retryMs: 1000,
    });
    const errors: Error[] = [];
    session.on('error', (e) => errors.push(e));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(errors.map((e) => e.message)).toEqual([
      'worker hiccup',
      'worker hiccup',
      'worker hiccup',
    ]);
    expect(session.closed).toBe(true);
    expect(FakeFrame.open).toBe(0);
  });
});
