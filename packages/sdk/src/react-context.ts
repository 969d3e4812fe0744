import {
  createContext,
  createElement,
  useContext,
  useEffect,
  useState,
  type ReactNode,
} from 'react';
import type { PorchlightApi } from './api.ts';
import type { PorchlightClient } from './client.ts';
import type { ClientState, JoinInfo } from './client-types.ts';
import type { PorchlightError } from './errors.ts';

/** What {@link PorchlightProvider} shares with the hooks below it. */
export interface PorchlightContextValue {
  /** The media client (live video, talk, notifications); undefined for REST-only trees. */
  client: PorchlightClient | undefined;
  /** The REST client (cameras' recordings, events, calls); undefined for media-only trees. */
  api: PorchlightApi | undefined;
}

const PorchlightContext = createContext<PorchlightContextValue | null>(null);

/** Props of {@link PorchlightProvider}. */
export interface PorchlightProviderProps {
  /** The media client. The provider connects it; its owner closes it. */
  client?: PorchlightClient;
  /** The REST client, for the recordings, events and calls hooks. */
  api?: PorchlightApi;
  /** Call `client.connect()` on mount when the client is idle. Default true. */
  connect?: boolean;
  children?: ReactNode;
}

/**
 * Makes a {@link PorchlightClient} and a {@link PorchlightApi} available to the hooks of
 * `@porchlight/sdk/react`. It connects the client (unless `connect` is false) but never closes
 * it: the client outlives re-renders, its creator closes it.
 *
 * @example
 * ```tsx
 * const client = new PorchlightClient({ token: session.getToken, siteId });
 * root.render(<PorchlightProvider client={client} api={api}><App /></PorchlightProvider>);
 * ```
 */
export function PorchlightProvider(props: PorchlightProviderProps): ReactNode {
  const { client, api, connect = true } = props;
  useEffect(() => {
    // A refused connect is reported by useConnection (the client's `error` event and state).
    if (connect && client?.state === 'idle') client.connect().catch(() => undefined);
  }, [client, connect]);
  const [value, setValue] = useState<PorchlightContextValue>({ client, api });
  useEffect(() => setValue({ client, api }), [client, api]);
  return createElement(PorchlightContext.Provider, { value }, props.children);
}

/** The provider's clients. Throws outside a {@link PorchlightProvider}. */
export function usePorchlight(): PorchlightContextValue {
  const value = useContext(PorchlightContext);
  if (value === null)
    throw new Error('usePorchlight: no <PorchlightProvider> above this component');
  return value;
}

/** The provider's media client. Throws when the provider has none. */
export function usePorchlightClient(): PorchlightClient {
  const { client } = usePorchlight();
  if (!client) throw new Error('usePorchlightClient: the <PorchlightProvider> has no `client`');
  return client;
}

/** The provider's REST client. Throws when the provider has none. */
export function usePorchlightApi(): PorchlightApi {
  const { api } = usePorchlight();
  if (!api) throw new Error('usePorchlightApi: the <PorchlightProvider> has no `api`');
  return api;
}

/** The client's connection, as {@link useConnection} returns it. */
export interface ConnectionView {
  state: ClientState;
  /** Who the server says this is; set once joined, kept while reconnecting. */
  info: JoinInfo | undefined;
  /** The last error the client reported (a fatal one comes with state `closed`). */
  error: PorchlightError | undefined;
}

/**
 * Session and connection state of the provider's client: re-renders on every state change, join
 * and error. A refused protocol version shows as `error` (a `ProtocolVersionError`) with state
 * `closed`.
 */
export function useConnection(): ConnectionView {
  const client = usePorchlightClient();
  const [view, setView] = useState<ConnectionView>(() => snapshot(client));
  useEffect(() => {
    setView(snapshot(client));
    const offs = [
      client.on('stateChanged', (state) => setView((v) => ({ ...v, state }))),
      client.on('joined', (info) => setView((v) => ({ ...v, info, error: undefined }))),
      client.on('error', (error) => setView((v) => ({ ...v, error, state: client.state }))),
    ];
    return () => offs.forEach((off) => off());
  }, [client]);
  return view;
}

/** The connection as the client's getters tell it now (no error: errors are events). */
function snapshot(client: PorchlightClient): ConnectionView {
  const { peerId, siteId, role, label } = client;
  const info =
    peerId !== undefined && siteId !== undefined && role !== undefined
      ? { peerId, siteId, role, label: label ?? '' }
      : undefined;
  return { state: client.state, info, error: undefined };
}
