import type { StateCreator } from 'zustand';
import type { TalkController } from '../media/talk.ts';
import type { Store } from './index.ts';

export interface TalkSlice {
  /** Camera peer the user is holding push-to-talk for. */
  talkingTo: string | null;
  micError: string | null;
  /** Owns the talkback publications of the current client. */
  talkController: TalkController | null;

  setTalkController(controller: TalkController | null): void;
  setTalkingTo(peerId: string | null): void;
  setMicError(message: string | null): void;
  pressPtt(peerId: string): void;
  releasePtt(peerId: string): void;
}

export const createTalkSlice: StateCreator<Store, [], [], TalkSlice> = (set, get) => ({
  talkingTo: null,
  micError: null,
  talkController: null,

  setTalkController: (talkController) => set({ talkController, talkingTo: null, micError: null }),
  setTalkingTo: (talkingTo) => set({ talkingTo }),
  setMicError: (micError) => set({ micError }),
  pressPtt: (peerId) => get().talkController?.press(peerId),
  releasePtt: (peerId) => get().talkController?.release(peerId),
});
