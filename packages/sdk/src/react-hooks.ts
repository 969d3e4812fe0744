import {
  createElement,
  useCallback,
  useEffect,
  useRef,
  useState,
  type ReactElement,
  type VideoHTMLAttributes,
} from 'react';
import type {
  CallView,
  EventView,
  ListEventsQuery,
  ProducerInfo,
  RecordingTimeline,
  TimeRange,
} from '@porchlight/protocol';
import type { Publication } from './publication.ts';
import { toPorchlightError, type PorchlightError } from './errors.ts';
import type { Subscription, SubscriptionState } from './subscription.ts';
import { usePorchlight, usePorchlightApi, usePorchlightClient } from './react-context.ts';

/** An answer that loads: the last value, the last error, and a way to load again. */
export interface AsyncView<T> {
  data: T | undefined;
  error: PorchlightError | undefined;
  loading: boolean;
  /** Loads again (also done by the hooks when the server notifies a change). */
  reload: () => void;
}

/**
 * Runs `load` on mount, when `key` changes and on `reload()`; answers of superseded runs are
 * dropped. `key` stands for every input of `load`.
 */
function useAsync<T>(key: string, load: (() => Promise<T>) | undefined): AsyncView<T> {
  const [state, setState] = useState<Omit<AsyncView<T>, 'reload'>>({
    data: undefined,
    error: undefined,
    loading: load !== undefined,
  });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const run = loadRef.current;
    if (!run) return;
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    run().then(
      (data) => current && setState({ data, error: undefined, loading: false }),
      (error: unknown) =>
        current && setState((s) => ({ ...s, error: toPorchlightError(error), loading: false })),
    );
    return () => {
      current = false;
    };
  }, [key, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}

/**
 * The cameras the client can watch live: announced video producers of source `camera`, updated
 * as cameras come, go, pause and are renamed.
 */
export function useCameras(): readonly ProducerInfo[] {
  const client = usePorchlightClient();
  const pick = (all: readonly ProducerInfo[]): ProducerInfo[] =>
    all.filter((p) => p.source === 'camera' && p.kind === 'video');
  const [cameras, setCameras] = useState<ProducerInfo[]>(() => pick(client.producers));
  useEffect(() => {
    setCameras(pick(client.producers));
    return client.on('producersChanged', (all) => setCameras(pick(all)));
  }, [client]);
  return cameras;
}

/** What {@link useLiveVideo} returns. */
export interface LiveVideoView {
  /** Put on a `<video>`: it shows the camera (and is re-attached after media resets). */
  ref: (element: HTMLVideoElement | null) => void;
  subscription: Subscription | undefined;
  /** `active` while following the camera, `waiting` while it is away. */
  state: SubscriptionState | 'idle';
  error: PorchlightError | undefined;
}

/**
 * Watches a producer (a camera's video) while mounted and `producerId` is set; closes the
 * subscription on unmount or when the id changes.
 */
export function useLiveVideo(producerId: string | undefined): LiveVideoView {
  const client = usePorchlightClient();
  const [subscription, setSubscription] = useState<Subscription>();
  const [state, setState] = useState<LiveVideoView['state']>('idle');
  const [error, setError] = useState<PorchlightError>();
  const element = useRef<HTMLVideoElement | null>(null);

  const attach = useCallback((video: HTMLVideoElement | null, sub: Subscription | undefined) => {
    if (!video) return;
    const stream = sub?.stream ?? null;
    if (video.srcObject !== stream) video.srcObject = stream;
    if (stream) video.play().catch(() => undefined);
  }, []);

  useEffect(() => {
    if (producerId === undefined) return;
    let current: Subscription | undefined;
    let cancelled = false;
    const offs: (() => void)[] = [];
    setError(undefined);
    client.watch(producerId).then(
      (sub) => {
        if (cancelled) {
          sub.close();
          return;
        }
        current = sub;
        setSubscription(sub);
        setState(sub.state);
        offs.push(
          sub.on('stateChanged', setState),
          sub.on('trackChanged', () => attach(element.current, sub)),
          sub.on('closed', () => setState('closed')),
        );
        attach(element.current, sub);
      },
      (e: unknown) => !cancelled && setError(toPorchlightError(e)),
    );
    return () => {
      cancelled = true;
      offs.forEach((off) => off());
      current?.close();
      setSubscription(undefined);
      setState('idle');
    };
  }, [client, producerId, attach]);

  const ref = useCallback(
    (video: HTMLVideoElement | null) => {
      element.current = video;
      attach(video, subscription);
    },
    [attach, subscription],
  );
  return { ref, subscription, state, error };
}

/** Props of {@link LiveVideo}: a producer id and any `<video>` attribute. */
export interface LiveVideoProps extends VideoHTMLAttributes<HTMLVideoElement> {
  producerId: string | undefined;
}

/** A muted, inline, autoplaying `<video>` showing a camera live ({@link useLiveVideo}). */
export function LiveVideo({ producerId, ...video }: LiveVideoProps): ReactElement {
  const { ref, state } = useLiveVideo(producerId);
  return createElement('video', {
    autoPlay: true,
    playsInline: true,
    muted: true,
    'data-state': state,
    ...video,
    ref,
  });
}

/** What {@link useTalk} returns. */
export interface TalkView {
  /** Starts talking (asks for the microphone the first time). */
  start: () => Promise<void>;
  /** Stops talking; the microphone stays open, paused, until unmount. */
  stop: () => Promise<void>;
  talking: boolean;
  error: PorchlightError | undefined;
}

/**
 * Push-to-talk to a camera's speaker: `start()` while the button is held, `stop()` on release.
 * Without `targetPeerId` the talk goes to the one camera this client watches (see
 * `PublishOptions.targetPeerId`). The publication and microphone end on unmount.
 */
export function useTalk(
  targetPeerId?: string,
  getMicrophone: () => Promise<MediaStreamTrack> = defaultMicrophone,
): TalkView {
  const client = usePorchlightClient();
  const talk = useRef<{ publication: Promise<Publication>; track: Promise<MediaStreamTrack> }>(
    undefined,
  );
  const [talking, setTalking] = useState(false);
  const [error, setError] = useState<PorchlightError>();

  useEffect(
    () => () => {
      const current = talk.current;
      talk.current = undefined;
      current?.publication.then((p) => p.close()).catch(() => undefined);
      current?.track.then((t) => t.stop()).catch(() => undefined);
    },
    [client, targetPeerId],
  );

  const start = useCallback(async () => {
    try {
      setError(undefined);
      if (!talk.current) {
        const track = getMicrophone();
        const publication = track.then((t) =>
          client.publish(t, {
            source: 'talkback',
            ...(targetPeerId !== undefined ? { targetPeerId } : {}),
          }),
        );
        talk.current = { track, publication };
      }
      await (await talk.current.publication).resume();
      setTalking(true);
    } catch (e) {
      setError(toPorchlightError(e));
      setTalking(false);
    }
  }, [client, targetPeerId, getMicrophone]);

  const stop = useCallback(async () => {
    setTalking(false);
    const current = talk.current;
    if (current) await (await current.publication).pause().catch(() => undefined);
  }, []);

  return { start, stop, talking, error };
}

async function defaultMicrophone(): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  const [track] = stream.getAudioTracks();
  if (!track) throw new Error('no microphone track');
  return track;
}

/**
 * A camera's recorded ranges (and gaps) in `window` (unix ms). Needs the provider's `api`.
 * Signed playback URLs come from `api.createPlayback`.
 */
export function useRecordings(
  siteId: string | undefined,
  deviceId: string | undefined,
  window: TimeRange,
): AsyncView<RecordingTimeline> {
  const api = usePorchlightApi();
  const ready = siteId !== undefined && deviceId !== undefined;
  return useAsync(
    `${siteId}/${deviceId}/${window.from}/${window.to}`,
    ready ? () => api.getRecordingTimeline(siteId, deviceId, window) : undefined,
  );
}

/**
 * Detection events (newest first) matching `query`, reloaded whenever the client reports a
 * detection (`started`, `updated`, `ended`) when the provider has a client.
 */
export function useEvents(query: ListEventsQuery = {}): AsyncView<EventView[]> {
  const api = usePorchlightApi();
  const { client } = usePorchlight();
  const view = useAsync(JSON.stringify(query), async () => (await api.listEvents(query)).events);
  const { reload } = view;
  useEffect(() => client?.on('detection', () => reload()), [client, reload]);
  return view;
}

/**
 * Doorbell calls ringing or in progress that this person may answer, reloaded on every call
 * notification of the client. Answer or decline with `api.answerCall` / `api.declineCall`.
 */
export function useCalls(): AsyncView<CallView[]> {
  const api = usePorchlightApi();
  const { client } = usePorchlight();
  const view = useAsync('active', () => api.listActiveCalls());
  const { reload } = view;
  useEffect(() => client?.on('call', () => reload()), [client, reload]);
  return view;
}
