/**
 * disk-free from a real cause: the recording volume is a small tmpfs (mounted here, as root or
 * through `sudo -n` like scripts/setup.sh), something fills it (a file written next to the recordings), statfs sees the free space
 * fall under the threshold; the file goes and the alarm resolves.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alarmWorld, FAST, transitions, type AlarmWorld } from './world.ts';

const MiB = 1024 * 1024;

/** mount/umount need root: direct when we are, through sudo (no prompt) when not. */
function asRoot(command: string, args: string[]): void {
  if (process.getuid?.() === 0) execFileSync(command, args);
  else execFileSync('sudo', ['-n', command, ...args]);
}

describe('disk-free alarm on a small recording volume', () => {
  const volume = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-volume-'));
  let mounted = false;
  let w: AlarmWorld;

  beforeAll(async () => {
    asRoot('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=1777', 'tmpfs', volume]);
    mounted = true;
    w = await alarmWorld({ recording: { storageDir: path.join(volume, 'recordings') } });
  });
  afterAll(async () => {
    await w?.close();
    if (mounted) asRoot('umount', [volume]);
    fs.rmSync(volume, { recursive: true, force: true });
  });

  it('is ALARM while the volume is nearly full and OK once space is freed', async () => {
    const rule = await w.tune('disk-free', { ...FAST, threshold: MiB });
    const ok = await w.waitFor(rule.id, 'OK');
    expect(ok.value).toBeGreaterThan(3 * MiB);
    // The default rule (1 GiB) may have been in ALARM on this 4 MiB volume before the change.
    w.messages.length = 0;
    const filler = path.join(volume, 'filler.bin');
    fs.writeFileSync(filler, Buffer.alloc(3.5 * MiB, 1));
    const alarmed = await w.message(rule.id, 'ALARM');
    expect(alarmed.alarm.value).toBeLessThan(MiB);
    fs.rmSync(filler);
    const resolved = await w.message(rule.id, 'OK');
    expect(resolved.alarm.value).toBeGreaterThan(3 * MiB);
    expect(transitions(await w.history(rule.id)).slice(-2)).toStrictEqual([
      'OK->ALARM',
      'ALARM->OK',
    ]);
  });
});
