import type { DetectionSession, FrameDetector } from '@porchlight/detector';
import type { DetectionSettings, HostCameraStatus } from '@porchlight/protocol';
import { describeApiError, type PorchlightClient, type Subscription } from '@porchlight/sdk';
import { EventReporter, type EventsEndpoint } from '../media/EventReporter.ts';
import type { SerialGate } from './SerialGate.ts';

/** Look for the camera's video again this often while it is not published. */
const RETRY_MS = 2000;

export interface CameraAnalysisOptions {
  deviceId: string;
  settings: DetectionSettings;
  /** The site's connection (as the detector host principal). */
  client: PorchlightClient;
  api: EventsEndpoint;
  gate: SerialGate;
}

/**
 * One camera analysed by the detector host: consumes its live video from the SFU, runs the same
 * DetectionSession the camera page runs, and reports events through the same EventReporter.
 */
export class CameraAnalysis {
  readonly deviceId: string;
  readonly #o: CameraAnalysisOptions;
  #settings: DetectionSettings;
  #subscription: Subscription | null = null;
  #video: HTMLVideoElement | null = null;
  #detector: FrameDetector | null = null;
  #session: DetectionSession | null = null;
  #reporter: EventReporter | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #offProducers: () => void;
  #closed = false;
  #status: HostCameraStatus;

  constructor(o: CameraAnalysisOptions) {
    this.#o = o;
    this.deviceId = o.deviceId;
    this.#settings = o.settings;
    this.#status = {
      deviceId: o.deviceId,
      state: 'waiting',
      detectionsPerSecond: null,
      msPerFrame: null,
      backend: null,
      error: null,
      events: 0,
    };
    this.#offProducers = o.client.on('producersChanged', () => this.#watch());
    this.#watch();
  }

  get status(): HostCameraStatus {
    return { ...this.#status };
  }

  setSettings(settings: DetectionSettings): void {
    this.#settings = settings;
    this.#session?.setSettings(settings);
  }

  /** Subscribes to the camera's video once it is announced. */
  #watch(): void {
    if (this.#closed || this.#subscription) return;
    const producer = this.#o.client.producers.find(
      (p) => p.deviceId === this.deviceId && p.kind === 'video' && p.source === 'camera',
    );
    if (!producer) return;
    this.#o.client.watch(producer.producerId).then(
      (subscription) => {
        if (this.#closed) return subscription.close();
        this.#subscription = subscription;
        subscription.on('closed', () => {
          this.#subscription = null;
          this.#stopSession();
          this.#status = { ...this.#status, state: 'waiting', detectionsPerSecond: null };
          this.#retry();
        });
        void this.#start(subscription.stream);
      },
      (error: unknown) => {
        this.#status = { ...this.#status, error: describeApiError(error) };
        this.#retry();
      },
    );
  }

  #retry(): void {
    clearTimeout(this.#timer);
    if (!this.#closed) this.#timer = setTimeout(() => this.#watch(), RETRY_MS);
  }

  async #start(stream: MediaStream): Promise<void> {
    this.#status = { ...this.#status, state: 'starting', error: null };
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    void video.play().catch(() => undefined);
    this.#video = video;
    try {
      const { FrameDetector, DetectionSession } = await import('@porchlight/detector');
      const detector = this.#detector ?? (await FrameDetector.create());
      this.#detector = detector;
      if (this.#closed || this.#video !== video) return;
      this.#reporter ??= new EventReporter({
        api: this.#o.api,
        deviceId: this.deviceId,
        detector: () => detector.info,
        onError: (e) => (this.#status = { ...this.#status, error: describeApiError(e) }),
        onPosted: (kind) => {
          if (kind === 'started')
            this.#status = { ...this.#status, events: this.#status.events + 1 };
        },
      });
      const reporter = this.#reporter;
      const session = DetectionSession.forVideo(video, this.#o.gate.wrap(detector), this.#settings);
      session.on('started', (ev) => reporter.started(ev));
      session.on('updated', (ev) => reporter.updated(ev));
      session.on('ended', (ev) => reporter.ended(ev));
      session.on('snapshot', (ev, jpeg) => reporter.snapshot(ev, jpeg));
      session.on('error', (e) => (this.#status = { ...this.#status, error: e.message }));
      session.on('stats', (s) => {
        this.#status = {
          ...this.#status,
          state: 'running',
          detectionsPerSecond: s.detectionsPerSecond,
          msPerFrame: s.msPerFrame,
          backend: s.backend,
        };
      });
      this.#session = session;
      this.#status = { ...this.#status, state: 'running', backend: detector.info.backend };
    } catch (error) {
      this.#status = {
        ...this.#status,
        state: 'error',
        error: error instanceof Error ? error.message : String(error),
      };
    }
  }

  #stopSession(): void {
    // Closing ends an open event; the reporter still sends that end.
    this.#session?.close();
    this.#session = null;
    if (this.#video) {
      this.#video.pause();
      this.#video.srcObject = null;
    }
    this.#video = null;
  }

  /** Stops analysing this camera (its open event is ended). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#offProducers();
    this.#stopSession();
    this.#subscription?.close();
    this.#subscription = null;
    this.#detector?.close();
    this.#detector = null;
  }
}
