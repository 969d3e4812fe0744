import type { StateCreator } from 'zustand';
import type { Store } from './index.ts';

export interface UiSlice {
  /** A problem from the last action (login, invite…), shown in the error banner. */
  banner: string | null;

  setBanner(message: string | null): void;
}

export const createUiSlice: StateCreator<Store, [], [], UiSlice> = (set) => ({
  banner: null,

  setBanner: (banner) => set({ banner }),
});
