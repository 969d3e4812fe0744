import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Retention } from './Retention.ts';
import { testVault } from '../../test/recording/testVault.ts';
import { filesUnder } from '../../test/recording/support.ts';

type Vault = Awaited<ReturnType<typeof testVault>>;

describe('Retention', () => {
  let v: Vault;
  let retention: Retention;
  beforeEach(async () => {
    v = await testVault();
    retention = new Retention(v.index, v.vault, () => new Set());
  });
  afterEach(async () => {
    await v.close();
  });

  const seqs = async () => (await v.index.allSegments(v.deviceId)).map((s) => s.seq);
  const segmentFiles = () => filesUnder(v.dir).filter((f) => f.endsWith('.m4s'));

  it('by age deletes exactly the segments that ended before the cutoff, rows and objects', async () => {
    // Segment n covers [1_000_000 + 2000n, +2000).
    for (let n = 1; n <= 10; n++) await v.addSegment(n);
    const now = 1_000_000 + 2000 * 6 + 2000 + 60_000; // segment 6 ends exactly at now - 60 s
    const deleted = await retention.enforce({ ...v.stream, retentionMaxAgeSeconds: 60 }, now);
    expect(deleted.map((s) => s.seq)).toStrictEqual([1, 2, 3, 4, 5, 6]);
    expect(await seqs()).toStrictEqual([7, 8, 9, 10]);
    expect(segmentFiles().map((f) => path.basename(f))).toStrictEqual([
      '0000000007.m4s',
      '0000000008.m4s',
      '0000000009.m4s',
      '0000000010.m4s',
    ]);
    // Applying it again changes nothing.
    expect(await retention.enforce({ ...v.stream, retentionMaxAgeSeconds: 60 }, now)).toStrictEqual(
      [],
    );
  });

  it('by size deletes exactly the oldest segments until the stream fits', async () => {
    const rows = [];
    for (let n = 1; n <= 10; n++) rows.push(await v.addSegment(n, { bytes: 1000 }));
    const each = rows[0]!.storedBytes;
    // Room for 3.5 segments: the 4 newest would not fit, so 7 go.
    const deleted = await retention.enforce(
      { ...v.stream, retentionMaxBytes: Math.floor(each * 3.5) },
      Date.now(),
    );
    expect(deleted.map((s) => s.seq)).toStrictEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(await seqs()).toStrictEqual([8, 9, 10]);
    expect(segmentFiles()).toHaveLength(3);
    expect((await v.index.streamTotals(v.deviceId)).storedBytes).toBe(each * 3);
  });

  it('age and size together, and the init segment goes with the last segment of its run', async () => {
    for (let n = 1; n <= 4; n++) await v.addSegment(n);
    const now = 1_000_000 + 2000 * 2 + 2000 + 1000; // segments 1, 2 expired by a 1 s age limit
    const deleted = await retention.enforce(
      { ...v.stream, retentionMaxAgeSeconds: 1, retentionMaxBytes: 1_000_000 },
      now,
    );
    expect(deleted.map((s) => s.seq)).toStrictEqual([1, 2]);
    expect(await v.index.getRun(v.run.id)).not.toBeNull();
    await retention.enforce({ ...v.stream, retentionMaxAgeSeconds: 1 }, now + 10_000);
    expect(await seqs()).toStrictEqual([]);
    expect(await v.index.getRun(v.run.id)).toBeNull();
    expect(filesUnder(v.dir)).toStrictEqual([]);
  });

  it('keeps the init segment of a run that is still recording', async () => {
    await v.addSegment(1);
    const keep = new Retention(v.index, v.vault, () => new Set([v.run.id]));
    await keep.enforce({ ...v.stream, retentionMaxAgeSeconds: 1 }, 10_000_000);
    expect(await seqs()).toStrictEqual([]);
    expect(await v.index.getRun(v.run.id)).not.toBeNull();
    expect(fs.existsSync(path.join(v.dir, v.run.storageKey))).toBe(true);
  });

  it('in a cluster keeps a young empty run another node may be recording', async () => {
    await v.addSegment(1);
    const at = v.run.startedAt + 10 * 60_000;
    const cluster = new Retention(v.index, v.vault, () => new Set(), {
      emptyRunGraceMs: 3_600_000,
      now: () => at,
    });
    await cluster.enforce({ ...v.stream, retentionMaxAgeSeconds: 1 }, 10_000_000);
    expect(await seqs()).toStrictEqual([]);
    expect(await v.index.getRun(v.run.id)).not.toBeNull();
    const later = new Retention(v.index, v.vault, () => new Set(), {
      emptyRunGraceMs: 3_600_000,
      now: () => at + 3_600_000,
    });
    await later.enforce({ ...v.stream, retentionMaxAgeSeconds: 1 }, 10_000_000);
    expect(await v.index.getRun(v.run.id)).toBeNull();
  });

  it('the disk guard deletes oldest first across streams until under the quota', async () => {
    const rows = [];
    for (let n = 1; n <= 6; n++) rows.push(await v.addSegment(n));
    const total = await v.index.totalStoredBytes();
    const quota = total - rows[0]!.storedBytes * 2 - 1;
    const result = await retention.guard({ minFreeBytes: 0, maxTotalBytes: quota });
    expect(result.reason).toBe('quota');
    expect(result.deleted.map((s) => s.seq)).toStrictEqual([1, 2, 3]);
    expect(await seqs()).toStrictEqual([4, 5, 6]);
    expect(result.totalBytes).toBeLessThanOrEqual(quota);
    const calm = await retention.guard({ minFreeBytes: 0, maxTotalBytes: quota });
    expect(calm.deleted).toStrictEqual([]);
    expect(calm.reason).toBeNull();
  });

  it('the disk guard reacts to a nearly full volume', async () => {
    for (let n = 1; n <= 3; n++) await v.addSegment(n);
    // More free space required than any disk has: everything goes, then it stops (no loop).
    const result = await retention.guard({
      minFreeBytes: Number.MAX_SAFE_INTEGER,
      maxTotalBytes: 0,
    });
    expect(result.reason).toBe('low-disk');
    expect(result.deleted.map((s) => s.seq)).toStrictEqual([1, 2, 3]);
    expect(await seqs()).toStrictEqual([]);
  });
});
