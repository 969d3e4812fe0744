/**
 * A doorbell world on a real test server: a doorbell device (door), homeowners of several roles
 * with open sockets joined to the site, and a door link.
 */
import type { NotificationMap, NotificationName, VisitorSession } from '@porchlight/protocol';
import { api } from '../../../tests/support/http.ts';
import { connectRaw, type RawClient } from '../../../tests/support/rawClient.ts';
import type { TestServer } from '../../../tests/support/testServer.ts';

export interface Door {
  id: string;
  deviceToken: string;
  doorToken: string;
  tokenId: string;
}

/** A doorbell device of the site, provisioned like a camera, with one door link. */
export async function createDoor(
  ts: TestServer,
  ownerToken: string,
  name = 'Front door',
  siteId = ts.siteId,
): Promise<Door> {
  const { provisioning, accessTokens } = ts.server.identity;
  await ts.ensureSite(siteId);
  const code = await provisioning.createCode({ siteId, kind: 'doorbell', name, createdBy: 'test' });
  const { device } = await provisioning.redeem(code.code, {
    userAgent: 'test',
    firmware: null,
    address: '127.0.0.1',
  });
  const res = await api<{ token: string; id: string; url: string }>(
    ts.url,
    'POST',
    `/api/v1/sites/${siteId}/doors/${device.id}/tokens`,
    { token: ownerToken, body: { label: 'Gate QR' } },
  );
  if (res.status !== 201) throw new Error(`door token: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    id: device.id,
    deviceToken: (await accessTokens.issueDevice(device)).token,
    doorToken: res.body.token,
    tokenId: res.body.id,
  };
}

/** Rings through the door link like a visitor's page. */
export function ring(ts: TestServer, doorToken: string) {
  return api<VisitorSession & { error?: { code: string; message: string } }>(
    ts.url,
    'POST',
    '/api/v1/visit/ring',
    {
      body: { doorToken },
    },
  );
}

/** A socket that records every doorbell notification it receives. */
export interface Listener {
  client: RawClient;
  events: { name: NotificationName; payload: unknown; at: number }[];
  /** Resolves with the first (already received or coming) notification matching. */
  next<K extends NotificationName>(
    name: K,
    match?: (p: NotificationMap[K]) => boolean,
    timeoutMs?: number,
  ): Promise<{ payload: NotificationMap[K]; at: number }>;
  close(): void;
}

const CALL_EVENTS: NotificationName[] = [
  'callRinging',
  'callUpdated',
  'callAnswered',
  'callEnded',
  'quickReply',
];

export async function listen(
  ts: TestServer,
  token: string,
  join: { siteId?: string; callId?: string } | null = {},
): Promise<Listener> {
  const client = await connectRaw(ts.url, token);
  const events: Listener['events'] = [];
  const waiters = new Set<() => void>();
  for (const name of CALL_EVENTS) {
    client.socket.on(name, (payload: unknown) => {
      events.push({ name, payload, at: performance.now() });
      for (const w of [...waiters]) w();
    });
  }
  if (join) {
    const res = await client.request('join', join);
    if (!res.ok) throw new Error(`join failed: ${res.error.message}`);
  }
  return {
    client,
    events,
    next: (name, match, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const hit = events.find(
            (e) => e.name === name && (!match || match(e.payload as NotificationMap[typeof name])),
          );
          if (!hit) return false;
          waiters.delete(waiter);
          clearTimeout(timer);
          resolve({ payload: hit.payload as NotificationMap[typeof name], at: hit.at });
          return true;
        };
        const waiter = (): void => void check();
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no ${name} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
        check();
      }),
    close: () => client.close(),
  };
}

/** A tiny valid JPEG (1x1 grey), as a browser's canvas.toBlob would give. */
export const TINY_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==',
  'base64',
);
