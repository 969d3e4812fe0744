import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repairRecordings } from './Repair.ts';
import { testVault } from '../../test/recording/testVault.ts';

type Vault = Awaited<ReturnType<typeof testVault>>;

describe('repairRecordings', () => {
  let v: Vault;
  beforeEach(async () => {
    v = await testVault();
  });
  afterEach(async () => {
    await v.close();
  });

  it('a consistent store is left alone', async () => {
    for (let n = 1; n <= 3; n++) await v.addSegment(n);
    const report = await repairRecordings(v.index, v.vault.storage);
    expect(report).toStrictEqual({ partial: 0, missingSegments: 0, missingRuns: 0, orphans: 0 });
    expect(await v.index.allSegments(v.deviceId)).toHaveLength(3);
  });

  it('removes temp files, orphans, rows without objects and truncated objects', async () => {
    for (let n = 1; n <= 5; n++) await v.addSegment(n);
    const segDir = path.join(v.dir, v.siteId, v.deviceId, v.run.id);
    // A crash mid-write leaves a temp file; a crash between object and row leaves an orphan.
    fs.writeFileSync(path.join(segDir, '0000000006.m4s.~0123456789abcdef.tmp'), 'partial');
    await v.vault.put(
      v.deviceId,
      `${v.siteId}/${v.deviceId}/${v.run.id}/0000000007.m4s`,
      Buffer.from('x'),
    );
    // An object lost (restored backup) and one truncated (disk trouble).
    fs.rmSync(path.join(segDir, '0000000002.m4s'));
    fs.truncateSync(path.join(segDir, '0000000004.m4s'), 10);
    const report = await repairRecordings(v.index, v.vault.storage);
    expect(report).toStrictEqual({ partial: 1, missingSegments: 2, missingRuns: 0, orphans: 2 });
    expect((await v.index.allSegments(v.deviceId)).map((s) => s.seq)).toStrictEqual([1, 3, 5]);
    expect(fs.readdirSync(segDir).sort()).toStrictEqual([
      '0000000001.m4s',
      '0000000003.m4s',
      '0000000005.m4s',
      'init.mp4',
    ]);
    // Every remaining row opens (decrypts) cleanly.
    for (const s of await v.index.allSegments(v.deviceId)) {
      expect((await v.vault.get(s.storageKey)).length).toBe(s.bytes);
    }
  });

  it('a run whose init segment is gone takes its segments with it', async () => {
    for (let n = 1; n <= 2; n++) await v.addSegment(n);
    fs.rmSync(path.join(v.dir, v.run.storageKey));
    const report = await repairRecordings(v.index, v.vault.storage);
    expect(report.missingRuns).toBe(1);
    expect(report.orphans).toBe(2);
    expect(await v.index.allSegments(v.deviceId)).toStrictEqual([]);
  });
});
