import { create } from 'zustand';
import { createAuthSlice, type AuthSlice } from './auth.ts';
import { createCameraSlice, type CameraSlice } from './camera.ts';
import { createConnectionSlice, type ConnectionSlice } from './connection.ts';
import { createFeedsSlice, type FeedsSlice } from './feeds.ts';
import { createManageSlice, type ManageSlice } from './manage.ts';
import { createRouteSlice, type RouteSlice } from './route.ts';
import { createSiteSlice, type SiteSlice } from './site.ts';
import { createTalkSlice, type TalkSlice } from './talk.ts';
import { createUiSlice, type UiSlice } from './ui.ts';

export type Store = ConnectionSlice &
  FeedsSlice &
  TalkSlice &
  CameraSlice &
  AuthSlice &
  SiteSlice &
  ManageSlice &
  RouteSlice &
  UiSlice;

export const useStore = create<Store>()((...a) => ({
  ...createConnectionSlice(...a),
  ...createFeedsSlice(...a),
  ...createTalkSlice(...a),
  ...createCameraSlice(...a),
  ...createAuthSlice(...a),
  ...createSiteSlice(...a),
  ...createManageSlice(...a),
  ...createRouteSlice(...a),
  ...createUiSlice(...a),
}));

export type { CameraStatus } from './camera.ts';
export type { Feed } from './feeds.ts';
export type { Mode, ProvisionStatus } from './auth.ts';
export type { Tab } from './site.ts';
