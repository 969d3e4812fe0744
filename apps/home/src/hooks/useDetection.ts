import { useEffect, useMemo, useRef, useState } from 'react';
import type { BudgetState } from '@porchlight/detector';
import { DETECTION_LIMITS, type DetectionSettings } from '@porchlight/protocol';
import { describeApiError } from '@porchlight/sdk';
import { publicApi } from '../auth/services.ts';
import { EventLoopLag, sampleEncoder } from '../media/encoderHealth.ts';
import { EventReporter } from '../media/EventReporter.ts';
import { useStore } from '../store/index.ts';

/** What the camera page shows about its person detector. */
export interface DetectionStatus {
  /**
   * off: disabled in the settings (or no camera yet); loading: model starting; server: the
   * server's detector host analyses this camera instead (runOn 'server', or 'auto' and too slow).
   */
  state: 'off' | 'loading' | 'running' | 'error' | 'server';
  error: string | null;
  detectionsPerSecond: number | null;
  msPerFrame: number | null;
  backend: string | null;
  /** The adaptive CPU budget: share of a core, why, and the encoder's health it follows. */
  budget: BudgetState | null;
  /** Events reported since the page opened. */
  events: number;
}

const OFF: DetectionStatus = {
  state: 'off',
  error: null,
  detectionsPerSecond: null,
  msPerFrame: null,
  backend: null,
  budget: null,
  events: 0,
};

/** How often the page looks at its encoder and event loop to adapt the detector's budget. */
const BUDGET_SAMPLE_MS = 1000;

/**
 * Person detection on the camera's own page (docs/detection.md): reads this camera's settings
 * (and follows `detectionSettings` pushes), runs `@porchlight/detector`'s DetectionSession on the
 * local camera stream while `enabled`, and reports its events through the SDK with the device's
 * token (EventReporter). The detector code (TF.js, ~1 MB) loads only when detection is on.
 */
export function useDetection(stream: MediaStream | null): DetectionStatus {
  const device = useStore((s) => s.device);
  const token = useStore((s) => s.liveToken);
  const client = useStore((s) => s.client);
  const deviceId = device?.id ?? null;
  const api = useMemo(
    () => (typeof token === 'function' ? publicApi.withToken(token) : null),
    [token],
  );
  const [settings, setSettings] = useState<DetectionSettings | null>(null);
  const [status, setStatus] = useState<DetectionStatus>(OFF);
  // The running session reads the newest settings at start and gets later ones pushed.
  const latest = useRef<DetectionSettings | null>(null);
  const apply = useRef<((next: DetectionSettings) => void) | null>(null);

  // Read at start and after every (re)join: a change made while the socket was down was missed.
  useEffect(() => {
    if (!api || deviceId === null) return;
    let stale = false;
    const load = (): void => {
      api.getDetectionSettings(deviceId).then(
        (d) => stale || setSettings(d.settings),
        (e: unknown) => stale || setStatus({ ...OFF, state: 'error', error: describeApiError(e) }),
      );
    };
    load();
    const off = client?.on('joined', load);
    return () => {
      stale = true;
      off?.();
    };
  }, [api, deviceId, client]);

  useEffect(
    () =>
      client?.on('detectionSettings', (n) => {
        if (n.deviceId === deviceId) setSettings(n.settings);
      }),
    [client, deviceId],
  );

  // Changed settings (zones, thresholds) go to the running session without restarting it.
  useEffect(() => {
    latest.current = settings;
    if (settings) apply.current?.(settings);
  }, [settings]);

  const enabled = settings?.enabled === true;
  const runOn = settings?.runOn ?? 'auto';
  useEffect(() => {
    if (!enabled || !stream || !api || deviceId === null) {
      setStatus((s) => (s.state === 'error' && !enabled ? s : { ...OFF, events: s.events }));
      return;
    }
    if (runOn === 'server') {
      setStatus((s) => ({ ...OFF, state: 'server', events: s.events }));
      return;
    }
    let stopped = false;
    let stop = (): void => undefined;
    setStatus((s) => ({ ...OFF, state: 'loading', events: s.events }));
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    void video.play().catch(() => undefined);

    const run = async (): Promise<void> => {
      const { FrameDetector, DetectionSession, BudgetController } =
        await import('@porchlight/detector');
      // Say whether this page can detect: with runOn 'auto' the server takes over when not.
      const report = (capability: Parameters<typeof api.reportDetectionCapability>[1]) =>
        api.reportDetectionCapability(deviceId, capability).catch(() => null);
      let detector: Awaited<ReturnType<typeof FrameDetector.create>>;
      try {
        detector = await FrameDetector.create();
      } catch (error) {
        const answer = await report({
          canDetect: false,
          reason: describeDetectorError(error).slice(0, 300),
          detector: null,
        });
        if (!stopped && runOn === 'auto' && answer?.runsOn === 'server')
          return setStatus((s) => ({ ...OFF, state: 'server', events: s.events }));
        throw error;
      }
      if (stopped) return detector.close();
      const ms = detector.info.msPerFrame;
      const tooSlow = ms > DETECTION_LIMITS.cameraMaxMsPerFrame;
      const answer = await report({
        canDetect: !tooSlow,
        reason: tooSlow ? `too slow: ${Math.round(ms)} ms per frame` : null,
        detector: detector.info,
      });
      // Only when the server really takes over: a slow detector beats none.
      if (stopped || (runOn === 'auto' && tooSlow && answer?.runsOn === 'server')) {
        detector.close();
        if (!stopped) setStatus((s) => ({ ...OFF, state: 'server', events: s.events }));
        return;
      }
      const reporter = new EventReporter({
        api,
        deviceId,
        detector: () => detector.info,
        onError: (e) => setStatus((s) => ({ ...s, error: describeApiError(e) })),
        onPosted: (kind) => {
          if (kind === 'started') setStatus((s) => ({ ...s, events: s.events + 1, error: null }));
        },
      });
      const settingsNow = latest.current;
      if (stopped || !settingsNow) return detector.close();
      // The budget rises while the camera's encoder keeps its frame rate and the page its
      // responsiveness, and falls at once when either suffers (docs/detection.md).
      const budget = new BudgetController();
      const lag = new EventLoopLag();
      const sampler = setInterval(() => {
        const publication = useStore
          .getState()
          .client?.publications.find(
            (p) => p.kind === 'video' && p.source === 'camera' && !p.closed,
          );
        void sampleEncoder(
          () => publication?.getStats() ?? Promise.resolve(null),
          stream.getVideoTracks()[0],
          lag,
          performance.now(),
        ).then((sample) => {
          if (stopped) return;
          const state = budget.observe(sample);
          setStatus((s) => ({ ...s, budget: state }));
        });
      }, BUDGET_SAMPLE_MS);
      const session = DetectionSession.forVideo(video, detector, settingsNow, {
        cpuBudget: budget,
      });
      session.on('started', (ev) => reporter.started(ev));
      session.on('updated', (ev) => reporter.updated(ev));
      session.on('ended', (ev) => reporter.ended(ev));
      session.on('snapshot', (ev, jpeg) => reporter.snapshot(ev, jpeg));
      session.on('error', (e) => setStatus((s) => ({ ...s, error: e.message })));
      session.on('stats', (stats) =>
        setStatus((s) => ({
          ...s,
          state: 'running',
          detectionsPerSecond: stats.detectionsPerSecond,
          msPerFrame: stats.msPerFrame,
          backend: stats.backend,
        })),
      );
      apply.current = (next) => session.setSettings(next);
      setStatus((s) => ({ ...s, state: 'running', backend: detector.info.backend }));
      // Closing ends an open event: the reporter still sends that end (it is not closed).
      stop = () => {
        clearInterval(sampler);
        lag.close();
        session.close();
        detector.close();
      };
    };
    run().catch((e: unknown) => {
      if (!stopped) setStatus((s) => ({ ...s, state: 'error', error: describeDetectorError(e) }));
    });
    return () => {
      stopped = true;
      apply.current = null;
      stop();
      video.pause();
      video.srcObject = null;
    };
  }, [enabled, runOn, stream, api, deviceId]);

  return status;
}

function describeDetectorError(error: unknown): string {
  return `Person detection cannot run in this browser: ${error instanceof Error ? error.message : String(error)}`;
}
