import { create } from 'zustand';
import { createAlarmsSlice, type AlarmsSlice } from './alarms.ts';
import { createAuditSlice, type AuditSlice } from './audit.ts';
import { createAuthSlice, type AuthSlice } from './auth.ts';
import { createDirectorySlice, type DirectorySlice } from './directory.ts';
import { createSiteSlice, type SiteSlice } from './site.ts';
import { createUiSlice, type UiSlice } from './ui.ts';

export type Store = AuthSlice & DirectorySlice & SiteSlice & AuditSlice & AlarmsSlice & UiSlice;

export const useStore = create<Store>()((...a) => ({
  ...createAuthSlice(...a),
  ...createDirectorySlice(...a),
  ...createSiteSlice(...a),
  ...createAuditSlice(...a),
  ...createAlarmsSlice(...a),
  ...createUiSlice(...a),
}));

export type { Mode } from './auth.ts';
export type { Page } from './ui.ts';
