/**
 * The alarms module on a real SQLite store with an injected clock and a scripted AlarmSignals
 * port: defaults per site, M of N transitions, history, notices, acknowledge and mute. The real
 * causes (a camera stopping, a worker killed, ...) are in alarms.integration.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALARM_KINDS, type AlarmKind } from '@porchlight/protocol';
import { deviceRecord } from '../../../tests/support/records.ts';
import type { Notice, Notifier } from '../../src/notify/Notifier.ts';
import { Alarms } from '../../src/ops/alarms/Alarms.ts';
import type { AlarmSignals } from '../../src/ops/alarms/ports.ts';
import { createStore, type Store } from '../../src/store/createStore.ts';
import { setLogLevel } from '@porchlight/runtime';

setLogLevel('warn');

let store: Store;
let clock: number;
const values = new Map<AlarmKind, number | null>();
const signals: AlarmSignals = { sample: async (kind) => values.get(kind) ?? null };
const notices: Notice[] = [];
const notifier: Notifier = {
  name: 'test',
  notify: async (n) => void notices.push(n),
};
let alarms: Alarms;
const siteId = randomUUID();

beforeEach(async () => {
  store = await createStore({ url: 'sqlite::memory:' });
  await store.sites.create({ id: siteId, name: 'Home', createdAt: 1 });
  clock = 1_700_000_000_000;
  values.clear();
  notices.length = 0;
  alarms = new Alarms({
    repo: store.alarms,
    sites: store.sites,
    devices: store.devices,
    signals,
    audience: { recipients: async () => ['owner-1'] },
    notifiers: [notifier],
    tickMs: 0,
    now: () => clock,
  });
  await alarms.start();
});
afterEach(async () => {
  await alarms.close();
  await store.close();
});

/** Advances the injected clock and runs one evaluation pass. */
async function after(seconds: number): Promise<void> {
  clock += seconds * 1000;
  await alarms.tick();
}

const ruleOf = async (kind: AlarmKind) =>
  (await alarms.service.list(siteId)).find((a) => a.kind === kind && a.isDefault)!;

describe('alarms on an injected clock', () => {
  it('gives every site one default rule per kind, once (a deleted default stays deleted)', async () => {
    const rules = await alarms.service.list(siteId);
    expect(rules.map((r) => r.kind).sort()).toStrictEqual([...ALARM_KINDS].sort());
    expect(rules.every((r) => r.isDefault && r.enabled && r.state === 'INSUFFICIENT_DATA')).toBe(
      true,
    );
    await alarms.service.delete(siteId, rules[0]!.id);
    await alarms.start();
    await alarms.tick();
    expect(await alarms.service.list(siteId)).toHaveLength(ALARM_KINDS.length - 1);
    // A site made later gets its defaults on the next pass.
    await store.sites.create({ id: 'later', name: 'Later', createdAt: 2 });
    await alarms.tick();
    expect((await store.alarms.listForSite('later')).length).toBe(ALARM_KINDS.length);
  });

  it('goes OK -> ALARM after M of N breaching periods and back, storing and notifying each change', async () => {
    const rule = await ruleOf('worker-restarts');
    await alarms.service.update(siteId, rule.id, {
      threshold: 2,
      periodSeconds: 10,
      datapointsToAlarm: 2,
      evaluationPeriods: 3,
    });
    values.set('worker-restarts', 0);
    await after(0);
    expect((await ruleOf('worker-restarts')).state).toBe('OK');
    values.set('worker-restarts', 3);
    await after(10);
    expect((await ruleOf('worker-restarts')).state).toBe('OK'); // 1 of 3
    await after(5); // not due yet: the period is 10 s
    expect((await ruleOf('worker-restarts')).value).toBe(3);
    await after(5);
    const alarmed = await ruleOf('worker-restarts');
    expect(alarmed.state).toBe('ALARM');
    expect(alarmed.reason).toMatch(/2 of the last 3 datapoints > 2/);
    values.set('worker-restarts', 1);
    await after(10);
    expect((await ruleOf('worker-restarts')).state).toBe('ALARM'); // still 2 of 3
    await after(10);
    expect((await ruleOf('worker-restarts')).state).toBe('OK');

    const history = await alarms.service.history(siteId, { alarmId: rule.id, limit: 10 });
    expect(history.entries.map((e) => `${e.from}->${e.to}`)).toStrictEqual([
      'ALARM->OK',
      'OK->ALARM',
      'INSUFFICIENT_DATA->OK',
    ]);
    // Only changes into or out of ALARM are notified.
    const mine = notices.filter((n) => n.alarm.alarm.id === rule.id);
    expect(mine.map((n) => `${n.alarm.from}->${n.alarm.alarm.state}`)).toStrictEqual([
      'OK->ALARM',
      'ALARM->OK',
    ]);
    expect(mine[0]!.recipients).toStrictEqual(['owner-1']);
    expect(mine[0]!.title).toBe('Alarm: worker-restarts');
  });

  it('treats missing data as INSUFFICIENT_DATA once no datapoint is left in the window', async () => {
    const rule = await ruleOf('turn-unhealthy'); // 2 of 3, 60 s
    values.set('turn-unhealthy', 0);
    await after(0);
    expect((await ruleOf('turn-unhealthy')).state).toBe('OK');
    values.set('turn-unhealthy', null);
    await after(60);
    await after(60);
    expect((await ruleOf('turn-unhealthy')).state).toBe('OK');
    await after(60);
    const r = await ruleOf('turn-unhealthy');
    expect(r.state).toBe('INSUFFICIENT_DATA');
    expect(r.value).toBeNull();
    expect(r.reason).toBe('no data in the last 3 periods');
    expect(notices.filter((n) => n.alarm.alarm.id === rule.id)).toEqual([]);
  });

  it('mutes notices (not state) until a time; an acknowledgement lasts until the next change', async () => {
    const rule = await ruleOf('push-failures'); // > 5 in 300 s, 1 of 1
    values.set('push-failures', 0);
    await after(0);
    await alarms.service.mute(siteId, rule.id, clock + 400_000, 'owner-1');
    values.set('push-failures', 9);
    await after(300);
    expect((await ruleOf('push-failures')).state).toBe('ALARM');
    expect(notices).toEqual([]);
    const acked = await alarms.service.acknowledge(siteId, rule.id, 'owner-1');
    expect(acked.acknowledgedBy).toBe('owner-1');
    expect((await ruleOf('push-failures')).acknowledgedAt).toBe(clock);
    values.set('push-failures', 0);
    await after(300); // past the mute
    const ok = await ruleOf('push-failures');
    expect(ok.state).toBe('OK');
    expect(ok.acknowledgedAt).toBeNull();
    expect(notices.map((n) => n.alarm.alarm.state)).toStrictEqual(['OK']);
    await alarms.service.unmute(siteId, rule.id, 'owner-1');
    const types = (
      await alarms.service.history(siteId, { alarmId: rule.id, limit: 10 })
    ).entries.map((e) => e.type);
    expect(types).toStrictEqual(['unmuted', 'state', 'acknowledged', 'state', 'muted', 'state']);
  });

  it('validates rules beyond the schema: the device must be the site’s, M <= N', async () => {
    await expect(
      alarms.service.create(siteId, { kind: 'stream-down', deviceId: 'nope' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const cam = deviceRecord(siteId);
    await store.devices.create(cam);
    const r = await alarms.service.create(siteId, {
      kind: 'stream-down',
      deviceId: cam.id,
      evaluationPeriods: 2,
    });
    expect(r).toMatchObject({ datapointsToAlarm: 1, evaluationPeriods: 2, isDefault: false });
    await expect(
      alarms.service.update(siteId, r.id, { datapointsToAlarm: 3 }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(alarms.service.acknowledge('other-site', r.id, 'x')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
