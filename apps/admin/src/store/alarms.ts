import type { StateCreator } from 'zustand';
import type { AlarmHistoryEntry, AlarmView, UpdateAlarmRule } from '@porchlight/sdk/rest';
import { api } from '../services.ts';
import type { Store } from './index.ts';

export const ALARM_HISTORY_PAGE = 50;

/** One site's alarm rules with their states, and its alarm history (newest first). */
export interface AlarmsSlice {
  alarms: AlarmView[] | null;
  alarmHistory: AlarmHistoryEntry[] | null;
  /** Cursor of the next (older) history page; null on the last page. */
  alarmHistoryNext: number | null;

  /** Rules and the first history page (the page polls this). */
  loadAlarms(siteId: string): Promise<void>;
  moreAlarmHistory(siteId: string): Promise<void>;
  updateAlarm(siteId: string, alarmId: string, patch: UpdateAlarmRule): Promise<boolean>;
  acknowledgeAlarm(siteId: string, alarmId: string): Promise<void>;
  muteAlarm(siteId: string, alarmId: string, until: number): Promise<void>;
  unmuteAlarm(siteId: string, alarmId: string): Promise<void>;
}

export const createAlarmsSlice: StateCreator<Store, [], [], AlarmsSlice> = (set, get) => {
  /** Answers for a site no longer shown are dropped. */
  const shown = (siteId: string): boolean => {
    const page = get().page;
    return page.name === 'alarms' && (page.siteId === null || page.siteId === siteId);
  };

  return {
    alarms: null,
    alarmHistory: null,
    alarmHistoryNext: null,

    loadAlarms: async (siteId) => {
      const [list, history] = await Promise.all([
        get().attempt(() => api.listAlarms(siteId)),
        get().attempt(() => api.listAlarmHistory(siteId, { limit: ALARM_HISTORY_PAGE })),
      ]);
      if (!shown(siteId)) return;
      // A poll keeps older pages the person already opened.
      const older = (get().alarmHistory ?? []).slice(ALARM_HISTORY_PAGE);
      set({
        alarms: list?.alarms ?? [],
        alarmHistory: [...(history?.entries ?? []), ...older],
        ...(older.length === 0 ? { alarmHistoryNext: history?.next ?? null } : {}),
      });
    },

    moreAlarmHistory: async (siteId) => {
      const before = get().alarmHistoryNext;
      if (before === null) return;
      const page = await get().attempt(() =>
        api.listAlarmHistory(siteId, { limit: ALARM_HISTORY_PAGE, before }),
      );
      if (!page || !shown(siteId)) return;
      set({
        alarmHistory: [...(get().alarmHistory ?? []), ...page.entries],
        alarmHistoryNext: page.next,
      });
    },

    updateAlarm: async (siteId, alarmId, patch) => {
      get().setBanner(null);
      const done = await get().attempt(() => api.updateAlarm(siteId, alarmId, patch));
      await get().loadAlarms(siteId);
      return done !== undefined;
    },

    acknowledgeAlarm: async (siteId, alarmId) => {
      await get().attempt(() => api.acknowledgeAlarm(siteId, alarmId));
      await get().loadAlarms(siteId);
    },

    muteAlarm: async (siteId, alarmId, until) => {
      await get().attempt(() => api.muteAlarm(siteId, alarmId, until));
      await get().loadAlarms(siteId);
    },

    unmuteAlarm: async (siteId, alarmId) => {
      await get().attempt(() => api.unmuteAlarm(siteId, alarmId));
      await get().loadAlarms(siteId);
    },
  };
};
