import type { Device } from '@porchlight/protocol';

/** A device as the REST contract describes it, for fake server answers in unit tests. */
export function deviceView(over: Partial<Device> = {}): Device {
  return {
    id: 'd',
    siteId: 's',
    kind: 'camera',
    name: 'Porch',
    provisioned: true,
    revoked: false,
    online: false,
    lastSeenAt: null,
    lastAddress: null,
    userAgent: null,
    firmware: null,
    bitrate: null,
    createdAt: 0,
    ...over,
  };
}
