/**
 * Command-line options of the benches: `--name=value`, or a bare `--name` for a flag.
 */

/** `--name=value` → "value"; a bare `--name` → "true"; absent → undefined. */
export function arg(name: string): string | undefined {
  const hit = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (!hit) return undefined;
  return hit.includes('=') ? hit.slice(hit.indexOf('=') + 1) : 'true';
}

/** A number option; `fallback` when absent or given without a value. */
export function numberArg(name: string, fallback: number): number {
  const value = arg(name);
  return value === undefined || value === 'true' ? fallback : Number(value);
}

/** A comma-separated list of positive numbers ("4,12,24" → [4, 12, 24]). */
export function numberList(text: string): number[] {
  return text
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
}
