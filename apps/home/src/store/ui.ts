import type { StateCreator } from 'zustand';
import { createBannerSlice, type BannerSlice } from '@porchlight/web-ui';
import type { Store } from './index.ts';

/** A problem from the last action (login, invite…), shown in the error banner. */
export type UiSlice = BannerSlice;

export const createUiSlice: StateCreator<Store, [], [], UiSlice> = (set) => createBannerSlice(set);
