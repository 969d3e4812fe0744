import { randomUUID } from 'node:crypto';
import type { Device } from '../../server/src/store/types.ts';

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
