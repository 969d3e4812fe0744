/**
 * `@porchlight/sdk/react`: a provider and hooks over `PorchlightClient` and `PorchlightApi` for React 18/19 apps: connection state, the cameras, live video, talk
 * (push-to-talk), recordings, events and doorbell calls. `react` is a peer dependency.
 *
 * @packageDocumentation
 */
export {
  PorchlightProvider,
  useConnection,
  usePorchlight,
  usePorchlightApi,
  usePorchlightClient,
} from './react-context.ts';
export type {
  ConnectionView,
  PorchlightContextValue,
  PorchlightProviderProps,
} from './react-context.ts';
export {
  LiveVideo,
  useCalls,
  useCameras,
  useEvents,
  useLiveVideo,
  useRecordings,
  useTalk,
} from './react-hooks.ts';
export type { AsyncView, LiveVideoProps, LiveVideoView, TalkView } from './react-hooks.ts';
