import type { DeviceUsageRow, UsageQueryInput, UsageReport } from '@porchlight/protocol';
import { DetectorHostApi } from './api-detector-host.ts';

/**
 * Usage metering of {@link PorchlightApi}: metered usage over `[from, to)` (unix ms, widened to
 * the whole UTC hours it overlaps) as totals and an hour/day/month series, quantities as exact decimal strings; the
 * operations device table. Site owners for their sites, admins everywhere; account totals are
 * admin-only.
 */
export abstract class UsageApi extends DetectorHostApi {
  /** A site's usage (optionally one device's). */
  getSiteUsage(siteId: string, query: UsageQueryInput): Promise<UsageReport> {
    return this.call('getSiteUsage', { params: { siteId }, query: { ...query } });
  }

  /** Admins: the usage of every site the account owns. */
  getAccountUsage(accountId: string, query: UsageQueryInput): Promise<UsageReport> {
    return this.call('getAccountUsage', { params: { accountId }, query: { ...query } });
  }

  /** A site's devices: online, bitrate, last seen, firmware / user agent, storage per stream. */
  listDeviceUsage(siteId: string): Promise<DeviceUsageRow[]> {
    return this.call('listDeviceUsage', { params: { siteId } });
  }
}
