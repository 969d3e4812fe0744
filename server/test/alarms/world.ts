/**
 * What the alarm integration tests share: a real test server with alarms evaluated every 200 ms,
 * an owner who listens on a socket for `alarm` messages, and REST helpers to tune a site's
 * default rule of a kind and to wait for its state.
 */
import type {
  AlarmHistoryEntry,
  AlarmKind,
  AlarmState,
  AlarmView,
  NotificationMap,
  UpdateAlarmRule,
} from '@porchlight/protocol';
import { expect } from 'vitest';
import { api } from '../../../tests/support/http.ts';
import { connectRaw, type RawClient } from '../../../tests/support/rawClient.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import type { ConfigInput } from '../../src/config/schema.ts';
import type { ServerOverrides } from '../../src/Server.ts';
import { until } from '../recording/support.ts';

export interface AlarmWorld {
  ts: TestServer;
  owner: { token: string; id: string };
  socket: RawClient;
  /** Every `alarm` message the owner's socket got, in order. */
  messages: NotificationMap['alarm'][];
  /** The site's default rule of `kind`, changed by `patch` (through the REST API). */
  tune(kind: AlarmKind, patch: UpdateAlarmRule): Promise<AlarmView>;
  /** Waits until the rule is in `state` (read through the REST API). */
  waitFor(alarmId: string, state: AlarmState, timeoutMs?: number): Promise<AlarmView>;
  /** Waits for the owner's socket to get the change of `alarmId` into `state`. */
  message(
    alarmId: string,
    state: AlarmState,
    timeoutMs?: number,
  ): Promise<NotificationMap['alarm']>;
  history(alarmId: string): Promise<AlarmHistoryEntry[]>;
  close(): Promise<void>;
}

export async function alarmWorld(
  config: ConfigInput = {},
  overrides: ServerOverrides = {},
): Promise<AlarmWorld> {
  const ts = await startTestServer(
    { ...config, alarms: { enabled: true, tickMs: 200 } },
    overrides,
  );
  const owner = await ts.mintWithId('viewer', { siteRole: 'owner', label: 'Owner' });
  const socket = await connectRaw(ts.url, owner.token);
  const messages: NotificationMap['alarm'][] = [];
  socket.socket.on('alarm', (m: NotificationMap['alarm']) => messages.push(m));
  // An unjoined socket is dropped after signaling.joinTimeoutMs; an app page joins its site.
  expect((await socket.request('join', { siteId: ts.siteId })).ok).toBe(true);
  const base = `/api/v1/sites/${ts.siteId}/alarms`;
  const list = async (): Promise<AlarmView[]> => {
    const r = await api<{ alarms: AlarmView[] }>(ts.url, 'GET', base, { token: owner.token });
    if (r.status !== 200) throw new Error(`alarms answered ${r.status}`);
    return r.body.alarms;
  };
  return {
    ts,
    owner,
    socket,
    messages,
    tune: async (kind, patch) => {
      const rule = (await list()).find((a) => a.kind === kind && a.isDefault);
      if (!rule) throw new Error(`no default ${kind} rule`);
      const r = await api<AlarmView>(ts.url, 'PATCH', `${base}/${rule.id}`, {
        token: owner.token,
        body: patch,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body;
    },
    waitFor: (alarmId, state, timeoutMs = 30_000) =>
      until(
        `alarm ${alarmId} ${state}`,
        // A failed read (the database test ends connections under the server) is asked again.
        async () =>
          (await list().catch(() => [])).find((a) => a.id === alarmId && a.state === state),
        timeoutMs,
      ),
    message: (alarmId, state, timeoutMs = 30_000) =>
      until(
        `an alarm message ${state}`,
        () => messages.find((m) => m.alarm.id === alarmId && m.alarm.state === state),
        timeoutMs,
      ),
    history: async (alarmId) => {
      const r = await api<{ entries: AlarmHistoryEntry[] }>(
        ts.url,
        'GET',
        `${base}/history?alarmId=${alarmId}&limit=50`,
        { token: owner.token },
      );
      if (r.status !== 200) throw new Error(`history answered ${r.status}`);
      return r.body.entries;
    },
    close: async () => {
      socket.close();
      await ts.close();
    },
  };
}

/** The state changes of a history page, oldest first (`FROM->TO`). */
export const transitions = (entries: AlarmHistoryEntry[]): string[] =>
  entries
    .filter((e) => e.type === 'state')
    .reverse()
    .map((e) => `${e.from}->${e.to}`);

/** Short periods so a real cause shows within seconds: 1 s, 1 of 1. */
export const FAST = { periodSeconds: 1, datapointsToAlarm: 1, evaluationPeriods: 1 } as const;
