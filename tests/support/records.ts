import { randomUUID } from 'node:crypto';
import type { RecordingStream } from '../../server/src/recording/types.ts';
import type { Account, Device, Grant } from '../../server/src/store/types.ts';

/** A never-connected camera record, for seeding stores directly. */
export function deviceRecord(siteId: string, over: Partial<Device> = {}): Device {
  return {
    id: randomUUID(),
    siteId,
    kind: 'camera',
    name: 'Porch',
    credentialHash: null,
    credentialGeneration: 0,
    createdAt: Date.now(),
    revokedAt: null,
    online: false,
    lastSeenAt: null,
    lastAddress: null,
    userAgent: null,
    firmware: null,
    bitrate: null,
    ...over,
  };
}

/** An enabled account that cannot log in with a password, for seeding stores directly. */
export function accountRecord(over: Partial<Account> = {}): Account {
  const id = over.id ?? randomUUID();
  return {
    id,
    email: `${id}@test.invalid`,
    displayName: 'Viewer',
    passwordHash: 'x',
    isAdmin: false,
    createdAt: Date.now(),
    disabledAt: null,
    ...over,
  };
}

/** A grant of `role` on a site, unlimited in time and devices unless `over` says otherwise. */
export function grantRecord(
  accountId: string,
  siteId: string,
  role: Grant['role'],
  over: Partial<Grant> = {},
): Grant {
  return {
    id: randomUUID(),
    accountId,
    siteId,
    role,
    deviceIds: null,
    validFrom: null,
    validUntil: null,
    createdBy: null,
    createdAt: Date.now(),
    revokedAt: null,
    ...over,
  };
}

/** A device's continuous recording settings without retention limits, created at `at`. */
export function streamRecord(
  deviceId: string,
  siteId: string,
  at: number,
  over: Partial<RecordingStream> = {},
): RecordingStream {
  return {
    deviceId,
    ownerDeviceId: deviceId,
    siteId,
    mode: 'continuous',
    retentionMaxAgeSeconds: null,
    retentionMaxBytes: null,
    preRollSeconds: 6,
    postRollSeconds: 20,
    tags: {},
    createdAt: at,
    updatedAt: at,
    ...over,
  };
}
