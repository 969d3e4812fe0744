import type { Migration } from '../migrations.ts';

/**
 * Usage metering (server/src/ops/usage): hourly rollups per site, device and dimension.
 *
 * `hour` is the unix ms of the UTC hour's start. `device_id` is '' for what belongs to the site
 * rather than a device (people's signaling). Counters (bytes, byte-seconds, messages) are added;
 * `activeChannels` rows are set to 1 (a device connected in that hour: months count distinct
 * devices, never sums of hours). Rows with `hour` = -1 are the meter's persisted checkpoint (stored
 * bytes and the time they were integrated to), written in the same statement as the rollups.
 * `batch_id` names the last flush applied to the row: a retried flush skips rows it already reached.
 */
const v10Sqlite = `
CREATE TABLE usage_rollups (
  hour INTEGER NOT NULL,
  site_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  dimension TEXT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity >= 0),
  batch_id TEXT NOT NULL,
  PRIMARY KEY (hour, site_id, device_id, dimension)
) STRICT;
CREATE INDEX usage_rollups_site_hour ON usage_rollups (site_id, hour);
`;

const v10Postgres = `
CREATE TABLE usage_rollups (
  hour BIGINT NOT NULL,
  site_id TEXT COLLATE "C" NOT NULL,
  device_id TEXT COLLATE "C" NOT NULL,
  dimension TEXT COLLATE "C" NOT NULL,
  quantity BIGINT NOT NULL CHECK (quantity >= 0),
  batch_id TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (hour, site_id, device_id, dimension)
);
CREATE INDEX usage_rollups_site_hour ON usage_rollups (site_id, hour);
`;

export const v10: Migration = {
  version: 10,
  name: 'usage rollups',
  sqlite: v10Sqlite,
  postgres: v10Postgres,
};
