import { DEFAULT_DETECTION_SETTINGS, type DetectionSettings } from '@porchlight/protocol';
import { describe, expect, it } from 'vitest';
import type { Device } from '../../store/types.ts';
import { DetectorAssignments } from './DetectorAssignments.ts';

function world(o: { available?: boolean; maxCameras?: number } = {}) {
  const settings = new Map<string, DetectionSettings>();
  const devices = new Map<string, Device>();
  const add = (id: string, s: Partial<DetectionSettings> = {}): void => {
    devices.set(id, { id, siteId: 'site', name: id } as Device);
    settings.set(id, { ...DEFAULT_DETECTION_SETTINGS, ...s });
  };
  const a = new DetectorAssignments({
    device: async (id) => devices.get(id) ?? null,
    settingsOf: async (id) => settings.get(id) ?? DEFAULT_DETECTION_SETTINGS,
    available: o.available ?? true,
    maxCameras: o.maxCameras ?? 2,
  });
  return { a, add, settings, devices };
}

const cap = (canDetect: boolean) => ({ canDetect, reason: null, detector: null });

describe('DetectorAssignments', () => {
  it("'server' cameras, and 'auto' ones whose page cannot detect, up to maxCameras", async () => {
    const { a, add } = world();
    add('s', { runOn: 'server' });
    add('auto');
    add('cam', { runOn: 'camera' });
    add('late', { runOn: 'server' });
    for (const id of ['s', 'auto', 'cam', 'late']) await a.update(id);
    expect(a.assignment().cameras.map((c) => c.deviceId)).toEqual(['s', 'late']);
    await a.report('auto', cap(false));
    await a.report('cam', cap(false));
    // Full: the third camera that wants the server has to wait.
    expect(a.runsOn('auto', { ...DEFAULT_DETECTION_SETTINGS })).toBe('unavailable');
    expect(a.runsOn('cam', { ...DEFAULT_DETECTION_SETTINGS, runOn: 'camera' })).toBe('camera');
    expect(a.runsOn('s', { ...DEFAULT_DETECTION_SETTINGS, runOn: 'server' })).toBe('server');
    expect(a.runsOn('s', { ...DEFAULT_DETECTION_SETTINGS, enabled: false })).toBe('off');
  });

  it('a long poll answers at the next change; a settings change of an assigned camera is one', async () => {
    const { a, add, settings } = world();
    add('s', { runOn: 'server' });
    await a.update('s');
    const v = a.assignment().version;
    // A different version answers at once.
    expect((await a.wait(v - 1, 10_000)).version).toBe(v);
    const waiting = a.wait(v, 10_000);
    settings.set('s', { ...settings.get('s')!, minScore: 0.5 });
    await a.update('s');
    const next = await waiting;
    expect(next.version).toBe(v + 1);
    expect(next.cameras[0]!.settings.minScore).toBe(0.5);
    // Unchanged cameras that do not want the server change nothing.
    add('x');
    await a.update('x');
    expect(a.assignment().version).toBe(v + 1);
    a.close();
    expect((await a.wait(v + 1, 10_000)).version).toBe(v + 1);
  });

  it('without a host (disabled, no Chromium) nothing is assigned and the camera is told', async () => {
    const { a, add } = world({ available: false });
    add('s', { runOn: 'server' });
    await a.update('s');
    expect(a.assignment().cameras).toEqual([]);
    expect(a.runsOn('s', { ...DEFAULT_DETECTION_SETTINGS, runOn: 'server' })).toBe('unavailable');
  });

  it('a removed camera leaves the assignment', async () => {
    const { a, add, devices } = world();
    add('s', { runOn: 'server' });
    await a.update('s');
    devices.delete('s');
    await a.update('s');
    expect(a.assignment().cameras).toEqual([]);
  });
});
