/**
 * `npm run -s billing -- estimate --prices PRICES.json --usage USAGE.json`: prints the estimate
 * as JSON. Exit 2 with one line per problem on bad arguments, unreadable files or bad input.
 */
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BillingInputError, estimate, parsePriceList, parseUsageFile } from './estimate.ts';

const USAGE =
  'usage: npm run -s billing -- estimate --prices PRICES.json --usage USAGE.json\n' +
  '  PRICES.json: {"currency": "USD", "ingestPerGB": "0.0085", ...} (docs/operations.md#billing)\n' +
  '  USAGE.json:  {"periodDays": 30, "usage": {"ingestBytes": 1073741824, ...}}';

class UsageError extends Error {}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `${what} file ${file}: ${code === 'ENOENT' ? 'no such file' : String(error)}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${what} file ${file}: not JSON (${(error as Error).message})`);
  }
}

/** Bad content is reported as `FILE: field: problem`, one line per problem. */
function inFile<T>(file: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof BillingInputError)) throw error;
    throw new BillingInputError(
      error.message
        .split('\n')
        .map((line) => `${file}: ${line}`)
        .join('\n'),
    );
  }
}

/** Runs the command; returns the exit code. */
export function run(
  argv: readonly string[],
  out: (s: string) => void,
  err: (s: string) => void,
): number {
  try {
    const { positionals, values } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { prices: { type: 'string' }, usage: { type: 'string' }, help: { type: 'boolean' } },
    });
    if (values.help) {
      out(USAGE);
      return 0;
    }
    if (positionals.length !== 1 || positionals[0] !== 'estimate')
      throw new UsageError(`unknown command "${positionals.join(' ')}"`);
    if (!values.prices) throw new UsageError('--prices PRICES.json is required');
    if (!values.usage) throw new UsageError('--usage USAGE.json is required');
    const prices = inFile(values.prices, () =>
      parsePriceList(readJson(values.prices!, 'prices'), ''),
    );
    const usage = inFile(values.usage, () => parseUsageFile(readJson(values.usage!, 'usage'), ''));
    out(JSON.stringify(estimate(prices, usage), null, 2));
    return 0;
  } catch (error) {
    if (error instanceof BillingInputError || error instanceof UsageError) {
      err(`billing: ${error.message}`);
      if (error instanceof UsageError) err(USAGE);
      return 2;
    }
    // parseArgs: unknown option, missing value.
    if (
      error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS')
    ) {
      err(`billing: ${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = run(
    process.argv.slice(2),
    (s) => process.stdout.write(`${s}\n`),
    (s) => process.stderr.write(`${s}\n`),
  );
}
