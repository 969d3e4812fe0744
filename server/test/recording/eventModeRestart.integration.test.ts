import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { fragments, ringMs, startCamera, until } from './support.ts';

describe('event mode across a recorder restart', () => {
  let ts: TestServer;
  let owner: string;
  let cam: Awaited<ReturnType<typeof startCamera>> | undefined;

  beforeAll(async () => {
    ts = await startTestServer({ recording: { defaultMode: 'event' } });
    owner = await ts.mint('viewer', { siteRole: 'owner' });
  });
  afterAll(async () => {
    cam?.stop();
    await ts?.close();
  });

  it('an event right after a recorder crash keeps the pre-roll recorded before it', async () => {
    cam = await startCamera(ts);
    const { deviceId } = cam;
    const service = ts.server.recording.service;
    const stream = await until('the stream', () => service.streamOf(deviceId));
    await until('the pre-roll ring to hold 6 s', () => ringMs(stream) >= 6_000 || undefined);
    const crashed = stream.activeRunId!;
    stream.killRecorder();
    await until('a new run', () => (stream.activeRunId ?? crashed) !== crashed || undefined);
    const triggeredAt = Date.now();
    await service.trigger(deviceId, ts.siteId, 'doorbell');
    const persisted = await until('the post-roll', async () => {
      const f = await fragments(ts, owner, ts.siteId, deviceId);
      const last = f[f.length - 1];
      return last && last.producerTime + last.durationMs >= triggeredAt + 3_000 ? f : undefined;
    });
    await stream.drain();
    // The crashed run's ring was persisted: at least 5 s before the event are kept.
    expect(persisted[0]!.producerTime).toBeLessThanOrEqual(triggeredAt - 5_000);
    const rows = await service.index.allSegments(deviceId);
    expect(rows.some((r) => r.runId === crashed)).toBe(true);
    expect(rows.every((r) => r.tags.includes('doorbell'))).toBe(true);
    // Every row's run is indexed, and retention (empty runs) leaves the crashed run alone.
    await service.retention.enforce((await service.index.getStream(deviceId))!, Date.now());
    const runs = new Set((await service.index.listRuns(deviceId)).map((r) => r.id));
    expect(rows.every((r) => runs.has(r.runId))).toBe(true);
    const objects = new Set<string>();
    for await (const o of service.vault.storage.list('')) objects.add(o.key);
    expect(rows.every((r) => objects.has(r.storageKey))).toBe(true);
  });
});
