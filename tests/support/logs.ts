/**
 * Reads the server's log output (pino JSON lines, @porchlight/runtime) as captured from a child
 * process: lines that are not JSON (the start-up banner, ffmpeg, coturn) are skipped.
 */
export function logEntries(output: string): Record<string, unknown>[] {
  const entries: Record<string, unknown>[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null)
        entries.push(value as Record<string, unknown>);
    } catch {
      // A line still being written (partial chunk) or not ours.
    }
  }
  return entries;
}

/** The fields of the first log entry whose message is `msg`. */
export function logEntry(output: string, msg: string): Record<string, unknown> | undefined {
  return logEntries(output).find((e) => e['msg'] === msg);
}

/** A numeric field of the first entry with message `msg` (array fields: their first element). */
export function loggedNumber(output: string, msg: string, field: string): number {
  const value = logEntry(output, msg)?.[field];
  return Number(Array.isArray(value) ? value[0] : value);
}
