/**
 * Alarms about the box: a mediasoup worker killed with SIGKILL (the pool respawns it) trips
 * worker-restarts until the death is an hour old (the alarms' clock moved on); Web Push
 * deliveries that fail for real (the push service is unreachable) trip push-failures until a
 * period passes without failures; coturn stopped (SIGSTOP: its health probe fails) trips
 * turn-unhealthy until it runs again (SIGCONT).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../tests/support/http.ts';
import { freePort, testTurnConfig } from '../../../tests/support/ports.ts';
import { PushReceiver } from '../../../tests/support/pushReceiver.ts';
import { until } from '../recording/support.ts';
import { alarmWorld, FAST, transitions, type AlarmWorld } from './world.ts';

describe('worker-restarts and push-failures alarms', () => {
  let w: AlarmWorld;
  let receiver: PushReceiver;
  let offset = 0;

  beforeAll(async () => {
    receiver = await PushReceiver.start();
    w = await alarmWorld(
      { push: { allowPrivateEndpoints: true } },
      { pushAgent: receiver.agent, alarmClock: () => Date.now() + offset },
    );
  });
  afterAll(async () => {
    await w?.close();
    await receiver?.close();
  });

  it('a worker killed with SIGKILL is an ALARM until the death is over an hour old', async () => {
    const rule = await w.tune('worker-restarts', { ...FAST, threshold: 0 });
    await w.waitFor(rule.id, 'OK');
    const { pool } = w.ts.server;
    const pid = pool.slots[0]!.worker.pid;
    const respawned = new Promise((resolve) => pool.once('workerRespawned', resolve));
    process.kill(pid, 'SIGKILL');
    await respawned;
    expect(pool.slots[0]!.worker.pid).not.toBe(pid);
    const alarmed = await w.message(rule.id, 'ALARM');
    expect(alarmed.alarm.value).toBe(1);
    offset = 3_600_001; // the alarms' clock: one hour later, the death leaves the window
    const ok = await w.message(rule.id, 'OK');
    expect(ok.alarm.value).toBe(0);
    expect(transitions(await w.history(rule.id))).toStrictEqual([
      'INSUFFICIENT_DATA->OK',
      'OK->ALARM',
      'ALARM->OK',
    ]);
  });

  it('pushes that fail to reach their push service are an ALARM until a period without', async () => {
    const rule = await w.tune('push-failures', { ...FAST, periodSeconds: 2, threshold: 0 });
    await w.waitFor(rule.id, 'OK');
    // A browser whose push service does not answer (nothing listens on its port).
    const dead = receiver.browser();
    const endpoint = `https://127.0.0.1:${await freePort()}/push/${dead.id}`;
    const sub = await api<{ id: string }>(w.ts.url, 'POST', '/api/v1/notifications/subscriptions', {
      token: w.owner.token,
      body: { subscription: { ...dead.subscription, endpoint }, label: 'Gone phone' },
    });
    expect(sub.status).toBe(201);
    const test = await api<{ delivered: boolean }>(
      w.ts.url,
      'POST',
      `/api/v1/notifications/subscriptions/${sub.body.id}/test`,
      { token: w.owner.token },
    );
    expect(test.body.delivered).toBe(false);
    const alarmed = await w.message(rule.id, 'ALARM');
    expect(alarmed.alarm.value).toBeGreaterThanOrEqual(1);
    const ok = await w.message(rule.id, 'OK');
    expect(ok.alarm.value).toBe(0);
    expect(transitions(await w.history(rule.id)).slice(-2)).toStrictEqual([
      'OK->ALARM',
      'ALARM->OK',
    ]);
  });
});

describe('turn-unhealthy alarm from coturn stopped and resumed', () => {
  let w: AlarmWorld;
  let pid: number | undefined;

  beforeAll(async () => {
    w = await alarmWorld({ turn: await testTurnConfig() });
  });
  afterAll(async () => {
    if (pid) process.kill(pid, 'SIGCONT');
    await w?.close();
  });

  it('is ALARM while coturn fails its health probe and OK once it answers again', async () => {
    const rule = await w.tune('turn-unhealthy', { ...FAST, threshold: 0 });
    await w.waitFor(rule.id, 'OK');
    const supervisor = w.ts.server.turn!.supervisor;
    pid = supervisor.pid!;
    process.kill(pid, 'SIGSTOP');
    const alarmed = await w.message(rule.id, 'ALARM', 40_000);
    expect(alarmed.alarm.value).toBe(1);
    expect(supervisor.healthy).toBe(false);
    process.kill(pid, 'SIGCONT');
    pid = undefined;
    await w.message(rule.id, 'OK', 40_000);
    await until('coturn healthy', () => supervisor.healthy);
    expect(transitions(await w.history(rule.id))).toStrictEqual([
      'INSUFFICIENT_DATA->OK',
      'OK->ALARM',
      'ALARM->OK',
    ]);
  });
});
