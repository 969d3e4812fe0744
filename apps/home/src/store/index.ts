import { create } from 'zustand';
import { createCameraSlice, type CameraSlice } from './camera.ts';
import { createConnectionSlice, type ConnectionSlice } from './connection.ts';
import { createFeedsSlice, type FeedsSlice } from './feeds.ts';
import { createTalkSlice, type TalkSlice } from './talk.ts';

export type Store = ConnectionSlice & FeedsSlice & TalkSlice & CameraSlice;

export const useStore = create<Store>()((...a) => ({
  ...createConnectionSlice(...a),
  ...createFeedsSlice(...a),
  ...createTalkSlice(...a),
  ...createCameraSlice(...a),
}));

export type { CameraStatus } from './camera.ts';
export type { Feed } from './feeds.ts';
