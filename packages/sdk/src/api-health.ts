import type { HealthSeries, HealthSeriesQuery } from '@porchlight/protocol';
import { UsageApi } from './api-usage.ts';

/** Server operations of {@link PorchlightApi}: the admin's health charts. */
export abstract class HealthApi extends UsageApi {
  /**
   * Recent health samples as chart columns (CPU per worker, bitrate in/out, sockets, recorders,
   * event-loop lag); `since` returns only newer samples. Admins (or `metrics:read`) only.
   */
  getHealthSeries(query: HealthSeriesQuery = {}): Promise<HealthSeries> {
    return this.call('getHealthSeries', { query: { ...query } });
  }
}
