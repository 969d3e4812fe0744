import type {
  AlarmHistoryPage,
  AlarmHistoryQuery,
  AlarmList,
  AlarmView,
  CreateAlarmRule,
  UpdateAlarmRule,
} from '@porchlight/protocol';
import { BillingApi } from './api-billing.ts';

/**
 * Alarms of {@link PorchlightApi} (docs/operations.md "Alarms"): a site's rules with their state,
 * their history, and acknowledging / muting. Owners for their sites, admins everywhere; others
 * get FORBIDDEN. Bad rules (M > N, a device target for a site-wide kind) are BAD_REQUEST.
 */
export abstract class AlarmsApi extends BillingApi {
  /** Every rule of the site with its current state (the defaults are made on first use). */
  listAlarms(siteId: string): Promise<AlarmList> {
    return this.call('listAlarms', { params: { siteId } });
  }

  /** Adds an alarm rule to a site (`alarm:manage`). */
  createAlarm(siteId: string, rule: CreateAlarmRule): Promise<AlarmView> {
    return this.call('createAlarm', { params: { siteId }, body: rule });
  }

  /** Changes an alarm rule. */
  updateAlarm(siteId: string, alarmId: string, patch: UpdateAlarmRule): Promise<AlarmView> {
    return this.call('updateAlarm', { params: { siteId, alarmId }, body: patch });
  }

  /** Deletes an alarm rule and its history. */
  deleteAlarm(siteId: string, alarmId: string): Promise<void> {
    return this.call('deleteAlarm', { params: { siteId, alarmId } });
  }

  /** Newest first; pass the page's `next` as `before` for the next page. */
  listAlarmHistory(siteId: string, query: AlarmHistoryQuery = {}): Promise<AlarmHistoryPage> {
    return this.call('listAlarmHistory', { params: { siteId }, query: { ...query } });
  }

  /** Acknowledges the current state of an alarm (until its next state change). */
  acknowledgeAlarm(siteId: string, alarmId: string): Promise<AlarmView> {
    return this.call('acknowledgeAlarm', { params: { siteId, alarmId } });
  }

  /** No notifications until `until` (unix ms); the state keeps changing. */
  muteAlarm(siteId: string, alarmId: string, until: number): Promise<AlarmView> {
    return this.call('muteAlarm', { params: { siteId, alarmId }, body: { until } });
  }

  /** Notifies the alarm's state changes again (ends a mute). */
  unmuteAlarm(siteId: string, alarmId: string): Promise<AlarmView> {
    return this.call('unmuteAlarm', { params: { siteId, alarmId } });
  }
}
