/**
 * The CallService's clocks, driven by injected timers and a manual clock on a real SQLite store:
 * an unanswered call is missed when its ring window ends, an answered one ends at the maximum
 * call duration, and a missed call's history row says so.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NotificationMap } from '@porchlight/protocol';
import { Authorizer } from '../../src/identity/authorization/Authorizer.ts';
import { Doorbell } from '../../src/doorbell/Doorbell.ts';
import type { Timers } from '../../src/doorbell/CallService.ts';
import { createStore, type Store } from '../../src/store/createStore.ts';
import { accountRecord, deviceRecord, grantRecord } from '../../../tests/support/records.ts';

/** Timers fired by hand, in due order. */
class ManualTimers implements Timers {
  now = 1_800_000_000_000;
  #pending = new Map<number, { at: number; fn: () => void }>();
  #next = 0;
  set(fn: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#pending.set(id, { at: this.now + ms, fn });
    return id;
  }
  clear(handle: unknown): void {
    this.#pending.delete(handle as number);
  }
  /** Moves the clock forward, firing what falls due. */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.#pending.entries()]
        .filter(([, t]) => t.at <= until)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.#pending.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = until;
  }
}

describe('CallService timers', () => {
  let dir: string;
  let store: Store;
  let timers: ManualTimers;
  let doorbell: Doorbell;
  const sent: { to: string; name: string; payload: unknown }[] = [];
  const siteId = randomUUID();
  const door = deviceRecord(siteId, { kind: 'doorbell', name: 'Front door' });
  const person = accountRecord({ displayName: 'Olivia' });

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doorbell-timers-'));
    store = await createStore({ url: `sqlite:${path.join(dir, 'db.sqlite')}` });
    timers = new ManualTimers();
    const now = () => timers.now;
    await store.sites.create({ id: siteId, name: 'Home', createdAt: now() });
    await store.devices.create(door);
    await store.accounts.create(person);
    await store.grants.create(grantRecord(person.id, siteId, 'member'));
    sent.length = 0;
    doorbell = new Doorbell({
      config: {
        ringWindowSeconds: 30,
        maxCallSeconds: 600,
        maxMessageSeconds: 30,
        historyRetentionDays: 90,
        ringsPerDoor: 100,
        ringsPerAddress: 100,
        ringLimitWindowSeconds: 60,
        speechCommand: 'espeak-ng',
        speechVoice: 'en',
      },
      secret: 'x'.repeat(40),
      dataDir: dir,
      repos: store,
      authorizer: new Authorizer(store, now),
      publicUrl: () => 'https://home.example',
      notifier: {
        toAccounts: (ids, name, payload) => ids.forEach((to) => sent.push({ to, name, payload })),
        toVisitor: (callId, name, payload) => sent.push({ to: `visitor:${callId}`, name, payload }),
      },
      rooms: { closeCallRoom: () => undefined },
      now,
      timers,
    });
  });
  afterEach(async () => {
    await doorbell.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('an unanswered call is missed when the ring window ends, not a moment before', async () => {
    const d = await doorbell.doors.get(siteId, door.id);
    const ended: string[] = [];
    doorbell.calls.on('ended', (view) => ended.push(view.outcome ?? 'none'));
    const call = await doorbell.calls.ring(d, 'link', '127.0.0.1');
    expect(sent.filter((s) => s.name === 'callRinging').map((s) => s.to)).toEqual([person.id]);
    timers.advance(29_999);
    expect(call.state).toBe('ringing');
    timers.advance(1);
    expect(call.state).toBe('ended');
    expect(call.outcome).toBe('missed');
    expect(ended).toEqual(['missed']);
    const visitorEnd = sent.find((s) => s.name === 'callEnded')!
      .payload as NotificationMap['callEnded'];
    expect(visitorEnd).toMatchObject({ outcome: 'missed', reason: 'nobody answered' });
    await until(async () => (await store.calls.get(call.id))?.outcome === 'missed');
    // Answering after the window is too late.
    await expect(
      doorbell.calls.answer(call.id, {
        accountId: person.id,
        name: 'Olivia',
        deviceLabel: 'Phone',
      }),
    ).rejects.toThrow(/ended/);
  });

  it('an answered call ends at the maximum duration, with its duration recorded', async () => {
    const d = await doorbell.doors.get(siteId, door.id);
    const call = await doorbell.calls.ring(d, 'link', '127.0.0.1');
    timers.advance(5_000);
    await doorbell.calls.answer(call.id, {
      accountId: person.id,
      name: 'Olivia',
      deviceLabel: 'Phone',
    });
    // The ring window no longer applies once answered.
    timers.advance(60_000);
    expect(call.state).toBe('answered');
    timers.advance(540_000);
    expect(call.state).toBe('ended');
    expect(call.endReason).toBe('maximum call duration reached');
    expect(call.durationSeconds).toBe(600);
    await until(async () => (await store.calls.get(call.id))?.durationSeconds === 600);
  });

  it('history older than the retention is purged with its snapshot', async () => {
    const d = await doorbell.doors.get(siteId, door.id);
    const call = await doorbell.calls.ring(d, 'link', '127.0.0.1');
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0, 0xff, 0xd9]);
    await doorbell.calls.snapshot(call.id, jpeg);
    timers.advance(30_000);
    expect(await doorbell.purge()).toBe(0);
    timers.advance(91 * 86_400_000);
    expect(await doorbell.purge()).toBe(1);
    expect(await store.calls.get(call.id)).toBeNull();
    expect(await doorbell.snapshots.get(call.id)).toBeNull();
  });
});

async function until(cond: () => Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
