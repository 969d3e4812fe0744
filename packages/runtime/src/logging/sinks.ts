import pretty from 'pino-pretty';

/** Where finished log lines go: debug/info to `out`, warn/error to `err` (as before pino). */
export interface LogSink {
  out: { write(line: string): unknown };
  err: { write(line: string): unknown };
}

/**
 * JSON lines for machines (pipes, files, journald); pino-pretty only when a person watches the
 * terminal. prettyFactory is synchronous, so a line written right before process.exit is not lost.
 */
export function defaultSink(): LogSink {
  if (!process.stdout.isTTY) return { out: process.stdout, err: process.stderr };
  const prettify = pretty.prettyFactory({
    colorize: pretty.isColorSupported,
    translateTime: 'SYS:HH:MM:ss.l',
    messageFormat: '[{name}] {msg}',
    ignore: 'name',
  });
  return {
    out: { write: (line: string) => process.stdout.write(prettify(line)) },
    err: { write: (line: string) => process.stderr.write(prettify(line)) },
  };
}
