/** Every resource's rows, merged: one example per route, and the authenticated routes' table. */
import type { Who } from '../principals.ts';
import type { Example, ResourceRows } from '../world.ts';
import { accounts } from './accounts.ts';
import { alarms } from './alarms.ts';
import { apiKeys } from './apiKeys.ts';
import { audit } from './audit.ts';
import { billing } from './billing.ts';
import { detection } from './detection.ts';
import { detectorHost } from './detectorHost.ts';
import { devices } from './devices.ts';
import { doorbell } from './doorbell.ts';
import { grants } from './grants.ts';
import { ingest } from './ingest.ts';
import { health } from './health.ts';
import { cluster } from './cluster.ts';
import { notifications } from './notifications.ts';
import { invitations } from './invitations.ts';
import { recordings } from './recordings.ts';
import { sites } from './sites.ts';
import { turnUsage } from './turnUsage.ts';
import { usage } from './usage.ts';
import { webhooks } from './webhooks.ts';

const RESOURCES: ResourceRows[] = [
  sites,
  audit,
  turnUsage,
  grants,
  invitations,
  devices,
  accounts,
  apiKeys,
  recordings,
  doorbell,
  notifications,
  detection,
  detectorHost,
  usage,
  health,
  cluster,
  billing,
  alarms,
  webhooks,
  ingest,
];

/** A valid request per route, so a 403 can only come from authorization. */
export const EXAMPLES: Record<string, Example> = Object.assign(
  {},
  ...RESOURCES.map((r) => r.examples),
);

/** Routes any authenticated principal reaches; who actually gets a 2xx/4xx-not-403 there. */
export const AUTHENTICATED: Record<string, Who[]> = Object.assign(
  {},
  ...RESOURCES.map((r) => r.authenticated ?? {}),
);
