import type { StateCreator } from 'zustand';
import type { DeviceUsageRow, UsageReport } from '@porchlight/sdk/rest';
import { api } from '../services.ts';
import type { Store } from './index.ts';

/** Start of the current UTC month and of the next one (unix ms). */
export function thisMonth(now = Date.now()): { from: number; to: number } {
  const d = new Date(now);
  return {
    from: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
    to: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
  };
}

/** A site's operations view: its device table (status, firmware, storage) and this month's usage. */
export interface OperationsSlice {
  deviceUsage: DeviceUsageRow[] | null;
  monthUsage: UsageReport | null;
  loadOperations(siteId: string): Promise<void>;
}

export const createOperationsSlice: StateCreator<Store, [], [], OperationsSlice> = (set, get) => ({
  deviceUsage: null,
  monthUsage: null,
  loadOperations: async (siteId) => {
    const [devices, usage] = await Promise.all([
      get().attempt(() => api.listDeviceUsage(siteId)),
      get().attempt(() => api.getSiteUsage(siteId, { ...thisMonth(), granularity: 'month' })),
    ]);
    const page = get().page;
    if (page.name !== 'site' || page.siteId !== siteId) return;
    set({ deviceUsage: devices ?? [], monthUsage: usage ?? null });
  },
});
