/** The real `npm run -s billing -- estimate` command, as an admin runs it. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, value: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

async function billing(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npm', ['run', '-s', 'billing', '--', ...args], {
      cwd: ROOT,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const GB = 2 ** 30;
const prices = write('prices.json', {
  currency: 'USD',
  ingestPerGB: '0.0085',
  consumePerGB: 0.12,
  hlsPerGB: '0.09',
  storagePerGBMonth: '0.023',
  signalingChannelPerMonth: '0.03',
  signalingMessagesPerMillion: '2.25',
  turnPerThousandMinutes: '0.40',
});

describe('npm run -s billing -- estimate', () => {
  it('prints the estimate JSON for a price list and a usage file', async () => {
    const usage = write('usage.json', {
      periodDays: 30,
      usage: {
        ingestBytes: 100 * GB,
        consumeBytes: 50 * GB,
        // 2^53 and more: as a string.
        storedByteSeconds: String(200n * BigInt(GB) * 30n * 86_400n),
        activeChannels: 4,
        signalingMessages: 1_000_000,
      },
    });
    const { code, stdout, stderr } = await billing(
      'estimate',
      '--prices',
      prices,
      '--usage',
      usage,
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as { currency: string; lines: unknown[]; total: string };
    expect(Object.keys(out)).toEqual(['currency', 'lines', 'total']);
    expect(out.lines).toEqual([
      { item: 'ingest', quantity: '100', unit: 'GB', unitPrice: '0.0085', amount: '0.85' },
      { item: 'consume', quantity: '50', unit: 'GB', unitPrice: '0.12', amount: '6.00' },
      { item: 'hls', quantity: '0', unit: 'GB', unitPrice: '0.09', amount: '0.00' },
      { item: 'storage', quantity: '200', unit: 'GB-month', unitPrice: '0.023', amount: '4.60' },
      { item: 'channels', quantity: '4', unit: 'channel-month', unitPrice: '0.03', amount: '0.12' },
      {
        item: 'messages',
        quantity: '1',
        unit: 'million messages',
        unitPrice: '2.25',
        amount: '2.25',
      },
      { item: 'turn', quantity: '0', unit: 'thousand minutes', unitPrice: '0.4', amount: '0.00' },
    ]);
    expect(out).toMatchObject({ currency: 'USD', total: '13.82' });
  });

  it('exits 2 with a clear message on a missing file, bad JSON, bad fields or bad arguments', async () => {
    const usage = write('ok.json', { usage: {} });
    const missing = await billing(
      'estimate',
      '--prices',
      path.join(dir, 'nope.json'),
      '--usage',
      usage,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.json: no such file');
    expect(missing.stdout).toBe('');

    const notJson = await billing(
      'estimate',
      '--prices',
      write('x.json', '{oops'),
      '--usage',
      usage,
    );
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/x\.json: not JSON/);

    const bad = write('bad-usage.json', { usage: { ingestBytes: -1, hlsBytes: 'many', extra: 1 } });
    const badFields = await billing('estimate', '--prices', prices, '--usage', bad);
    expect(badFields.code).toBe(2);
    expect(badFields.stderr).toContain(`${bad}: usage.ingestBytes:`);
    expect(badFields.stderr).toContain(`${bad}: usage.hlsBytes:`);
    expect(badFields.stderr).toContain(`${bad}: usage: Unrecognized key: "extra"`);

    const noUsage = await billing('estimate', '--prices', prices);
    expect(noUsage.code).toBe(2);
    expect(noUsage.stderr).toContain('--usage USAGE.json is required');
    const unknown = await billing('estimat', '--prices', prices, '--usage', usage);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "estimat"');
    const flag = await billing('estimate', '--price', prices);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/Unknown option '--price'/);
  });
});
