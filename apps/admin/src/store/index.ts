import { create } from 'zustand';
import { createAccountAccessSlice, type AccountAccessSlice } from './accountAccess.ts';
import { createAlarmsSlice, type AlarmsSlice } from './alarms.ts';
import { createAuditSlice, type AuditSlice } from './audit.ts';
import { createAuthSlice, type AuthSlice } from './auth.ts';
import { createBillingSlice, type BillingSlice } from './billing.ts';
import { createDirectorySlice, type DirectorySlice } from './directory.ts';
import { createHealthSlice, type HealthSlice } from './health.ts';
import { createOperationsSlice, type OperationsSlice } from './operations.ts';
import { createSiteSlice, type SiteSlice } from './site.ts';
import { createUiSlice, type UiSlice } from './ui.ts';

export type Store = AuthSlice &
  DirectorySlice &
  AccountAccessSlice &
  SiteSlice &
  AuditSlice &
  HealthSlice &
  UiSlice &
  OperationsSlice &
  BillingSlice &
  AlarmsSlice;

export const useStore = create<Store>()((...a) => ({
  ...createAuthSlice(...a),
  ...createDirectorySlice(...a),
  ...createAccountAccessSlice(...a),
  ...createSiteSlice(...a),
  ...createAuditSlice(...a),
  ...createHealthSlice(...a),
  ...createBillingSlice(...a),
  ...createAlarmsSlice(...a),
  ...createUiSlice(...a),
  ...createOperationsSlice(...a),
}));

export type { Mode } from './auth.ts';
export type { Page } from './ui.ts';
