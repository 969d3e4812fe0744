import type { StateCreator } from 'zustand';
import type { ClientState, PorchlightClient, ProducerInfo, Role } from '@porchlight/sdk';
import type { Store } from './index.ts';

export interface ConnectionSlice {
  client: PorchlightClient | null;
  connectionState: ClientState;
  role: Role | null;
  peerId: string | null;
  /** Producers announced to this peer (mirror of client.producers). */
  producers: readonly ProducerInfo[];
  /** Last error worth showing; fatal ones also close the client. */
  error: { code: string; message: string } | null;
  /** Bumped to reconnect with a fresh client (e.g. after the label changed). */
  sessionKey: number;

  setClient(client: PorchlightClient | null): void;
  setConnectionState(state: ClientState): void;
  setJoined(role: Role, peerId: string): void;
  setProducers(producers: readonly ProducerInfo[]): void;
  setError(error: { code: string; message: string } | null): void;
  restartSession(): void;
}

export const createConnectionSlice: StateCreator<Store, [], [], ConnectionSlice> = (set) => ({
  client: null,
  connectionState: 'idle',
  role: null,
  peerId: null,
  producers: [],
  error: null,
  sessionKey: 0,

  setClient: (client) => set({ client, role: null, peerId: null, producers: [], error: null }),
  setConnectionState: (connectionState) => set({ connectionState }),
  setJoined: (role, peerId) => set({ role, peerId }),
  setProducers: (producers) => set({ producers }),
  setError: (error) => set({ error }),
  restartSession: () => set((s) => ({ sessionKey: s.sessionKey + 1 })),
});
