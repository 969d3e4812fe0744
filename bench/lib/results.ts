import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineInfo, type MachineInfo } from './resources.ts';

/**
 * Shared results writer. Every bench merges its own section into bench/results/latest.json
 * (read-modify-write, keyed by bench name) and regenerates bench/results/latest.md from the JSON,
 * so benches can run alone or in any order without clobbering each other.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
export const RESULTS_DIR = path.resolve(here, '../results');
export const RESULTS_JSON = path.join(RESULTS_DIR, 'latest.json');
export const RESULTS_MD = path.join(RESULTS_DIR, 'latest.md');

export interface BenchSection {
  /** ISO time the bench finished. */
  timestamp: string;
  /** Wall-clock run time of the bench (seconds), when the caller passed it. */
  durationSeconds?: number;
  machine: MachineInfo;
  /** Bench-specific numbers (kept as measured, for later comparison). */
  data: unknown;
  /** Short markdown (usually one table plus a few lines) shown in latest.md. */
  markdown: string;
}

export interface ResultsFile {
  updated: string;
  benches: Record<string, BenchSection>;
}

function readResults(): ResultsFile {
  try {
    const parsed = JSON.parse(fs.readFileSync(RESULTS_JSON, 'utf8')) as Partial<ResultsFile>;
    if (
      parsed &&
      typeof parsed === 'object' &&
      parsed.benches &&
      typeof parsed.benches === 'object'
    ) {
      return { updated: parsed.updated ?? '', benches: parsed.benches };
    }
  } catch {
    // Missing or unreadable: start afresh.
  }
  return { updated: '', benches: {} };
}

/**
 * Serializes read-modify-write across processes (benches may finish at the same moment): an
 * O_EXCL lock file, taken over when older than 30 s (a crashed writer).
 */
function withLock<T>(fn: () => T): T {
  const lock = path.join(RESULTS_DIR, '.latest.lock');
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      fs.closeSync(fs.openSync(lock, 'wx'));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 30_000) fs.rmSync(lock, { force: true });
      } catch {
        // vanished meanwhile: retry
      }
      if (Date.now() > deadline) break; // give up waiting; last writer wins
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** Renders latest.md from the JSON (one section per bench, alphabetical). */
export function renderMarkdown(results: ResultsFile): string {
  const out: string[] = ['# Porchlight benchmark results', ''];
  out.push(
    `Updated ${results.updated}. Regenerated from \`latest.json\`; numbers are from a shared, noisy`,
  );
  out.push(
    'machine: compare ratios measured in the same run rather than absolute values across runs.',
  );
  out.push('');
  for (const name of Object.keys(results.benches).sort()) {
    const b = results.benches[name];
    if (!b) continue;
    const m = b.machine;
    out.push(`## ${name}`, '');
    const took = b.durationSeconds !== undefined ? `, took ${b.durationSeconds.toFixed(0)} s` : '';
    out.push(
      `_${b.timestamp}${took} — ${m.cpuModel}, ${m.nproc} CPUs, node ${m.nodeVersion}, load ${m.loadAvg1.toFixed(2)} at start_`,
      '',
    );
    out.push(b.markdown.trim(), '');
  }
  return out.join('\n');
}

/**
 * Records one bench's results: merges `{ [name]: section }` into latest.json and regenerates
 * latest.md. `machine` defaults to this process's view of the machine, taken now.
 */
export function recordResult(
  name: string,
  data: object,
  markdown: string,
  options: { durationSeconds?: number; machine?: MachineInfo } = {},
): { json: string; md: string } {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const machine = options.machine ?? machineInfo();
  withLock(() => {
    const results = readResults();
    const now = new Date().toISOString();
    results.updated = now;
    results.benches[name] = {
      timestamp: now,
      ...(options.durationSeconds !== undefined
        ? { durationSeconds: options.durationSeconds }
        : {}),
      machine,
      data,
      markdown,
    };
    writeAtomic(RESULTS_JSON, `${JSON.stringify(results, null, 2)}\n`);
    writeAtomic(RESULTS_MD, renderMarkdown(results));
  });
  return { json: RESULTS_JSON, md: RESULTS_MD };
}

/** A markdown table; cells are stringified as given. */
export function mdTable(headers: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]): string =>
    `| ${cells.map((c) => String(c)).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}
