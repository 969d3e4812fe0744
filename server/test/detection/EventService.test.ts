/**
 * EventService with an injected clock and a recording port that records its calls: the keep-alive
 * re-triggers the recording while an event is open, a camera gone quiet has its event ended at
 * its last sighting, a restart ends what was left open, and long tracks are thinned, not cut.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TrackPoint } from '@porchlight/protocol';
import { deviceRecord } from '../../../tests/support/records.ts';
import { DetectionRepository, type EventRow } from '../../src/detection/DetectionRepository.ts';
import { EventSnapshots } from '../../src/detection/EventSnapshots.ts';
import { appendTrack, EventService } from '../../src/detection/EventService.ts';
import type { EventRecordingPort } from '../../src/detection/ports.ts';
import { createStore, type Store } from '../../src/store/createStore.ts';
import type { Device } from '../../src/store/types.ts';
import { until } from '../recording/support.ts';
import { startOf } from './world.ts';

describe('EventService', () => {
  let store: Store;
  let repo: DetectionRepository;
  let device: Device;
  let clock: number;
  let triggers: number[];
  let services: EventService[];
  const recording: EventRecordingPort = {
    trigger: async () => void triggers.push(clock),
    preRollMs: async () => 6_000,
    retentionMs: async () => null,
    onMaintenance: () => undefined,
  };
  const service = () => {
    const s = new EventService({
      repo,
      snapshots: new EventSnapshots({
        dir: fs.mkdtempSync(path.join(os.tmpdir(), 'det-snap-')),
        secret: 'x'.repeat(32),
        now: () => clock,
      }),
      recording,
      now: () => clock,
      keepAliveMs: 10,
      staleMs: 60_000,
    });
    services.push(s);
    return s;
  };

  beforeEach(async () => {
    store = await createStore({ url: 'sqlite::memory:' });
    const siteId = randomUUID();
    await store.sites.create({ id: siteId, name: 'Home', createdAt: 0 });
    device = deviceRecord(siteId, { id: randomUUID() });
    await store.devices.create(device);
    repo = new DetectionRepository(store.executor);
    clock = 1_700_000_000_000;
    triggers = [];
    services = [];
  });
  afterEach(async () => {
    for (const s of services) s.close();
    await store.close();
  });

  it('keeps the recording going while open; a quiet camera has its event ended at its last sighting', async () => {
    const events = service();
    const ended: EventRow[] = [];
    events.on('ended', (e) => ended.push(e));
    const row = await events.start(device, startOf(clock));
    expect(triggers).toStrictEqual([clock]);
    // The camera posts a later box 20 s in; keep-alive triggers continue meanwhile.
    clock += 20_000;
    await events.update(device.id, row.id, {
      track: [{ t: clock, box: [0.2, 0.2, 0.1, 0.3], score: 0.7 }],
    });
    const lastSeen = clock;
    await until('keep-alive triggers', () => triggers.filter((t) => t === lastSeen).length >= 2);
    // Then nothing for over a minute: the server ends it at the last box.
    clock += 61_000;
    await until('the stale event ends', () => ended[0]);
    expect(ended[0]!.endedAt).toBe(lastSeen);
    expect((await repo.getEvent(row.id))?.endedAt).toBe(lastSeen);
    // No longer kept alive: nothing is open.
    expect(events.openCount).toBe(0);
  });

  it('an ended event triggers once more (post-roll from its end) and refuses further news', async () => {
    const events = service();
    const row = await events.start(device, startOf(clock));
    clock += 5_000;
    await events.update(device.id, row.id, { endedAt: clock });
    expect(triggers.at(-1)).toBe(clock);
    await expect(events.update(device.id, row.id, { maxScore: 1 })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(events.update(device.id, randomUUID(), { maxScore: 1 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('updates posted at once all land (no lost track points)', async () => {
    const events = service();
    const row = await events.start(device, startOf(clock));
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        events.update(device.id, row.id, {
          track: [{ t: clock + i + 1, box: [0.1, 0.1, 0.1, 0.1], score: 0.5 }],
          zones: [`Zone ${i}`],
        }),
      ),
    );
    const stored = await repo.getEvent(row.id);
    expect(stored?.track).toHaveLength(11);
    expect(stored?.zones).toHaveLength(11);
  });

  it('times far from the server clock are refused', async () => {
    const events = service();
    await expect(events.start(device, startOf(clock - 3_600_000))).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    const row = await events.start(device, startOf(clock));
    await expect(
      events.update(device.id, row.id, { endedAt: row.startedAt - 1 }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await repo.listEvents({ deviceIds: [device.id], limit: 10 })).toHaveLength(1);
  });

  it('a restart ends the events left open at their last box', async () => {
    const first = service();
    const row = await first.start(device, {
      ...startOf(clock),
      track: [
        { t: clock, box: [0.1, 0.1, 0.1, 0.1], score: 0.5 },
        { t: clock + 3_000, box: [0.2, 0.1, 0.1, 0.1], score: 0.6 },
      ],
    });
    first.close();
    await service().recover();
    expect((await repo.getEvent(row.id))?.endedAt).toBe(clock + 3_000);
  });

  it('a long track is thinned from its old end, never losing the newest boxes', () => {
    const point = (t: number): TrackPoint => ({ t, box: [0, 0, 0.1, 0.1], score: 0.5 });
    const old = Array.from({ length: 300 }, (_, i) => point(i));
    const fresh = Array.from({ length: 50 }, (_, i) => point(1_000 + i));
    const out = appendTrack(old, fresh, 300);
    expect(out.length).toBeLessThanOrEqual(300);
    expect(out.slice(-50)).toStrictEqual(fresh);
    expect(out[0]!.t).toBe(0);
    expect(out.map((p) => p.t)).toStrictEqual([...out.map((p) => p.t)].sort((a, b) => a - b));
  });
});
