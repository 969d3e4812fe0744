import pino from 'pino';
import { captureLine } from './capture.ts';
import { defaultSink, type LogSink } from './sinks.ts';

/**
 * One named logger per subsystem; every entry is one JSON line (pino) with `level`, `time`,
 * `name`, `msg` and the caller's fields. Levels: error = needs an operator; warn = degraded but
 * handled (worker died, bad config value ignored); info = one line per lifecycle transition
 * (server up, room created, peer joined); debug = per request. Nothing is logged per packet.
 */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** Structured fields of one entry; Error values are serialized with their stack. */
export type LogFields = Record<string, unknown>;

const ORDER: Record<LogLevel, number> = { debug: 20, info: 30, warn: 40, error: 50 };
/** Keys pino writes itself: a field of the same name would make a duplicate JSON key. */
const RESERVED = new Set(['level', 'time', 'name', 'msg']);

// Module-level so loggers created at import time (before config is read) follow later changes.
let threshold = ORDER.info;
let sink: LogSink = defaultSink();

function root(write: (line: string) => void): pino.Logger {
  return pino(
    {
      level: 'debug',
      // No pid/hostname: one process per box, and callers log their own `pid` fields (coturn, ffmpeg).
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    { write },
  );
}
const outRoot = root((line) => {
  captureLine(line);
  sink.out.write(line);
});
const errRoot = root((line) => {
  captureLine(line);
  sink.err.write(line);
});

/** Sets the threshold of every logger, existing or future (the validated config's logLevel). */
export function setLogLevel(level: LogLevel): void {
  threshold = ORDER[level];
}

/** The current threshold. */
export function getLogLevel(): LogLevel {
  return LOG_LEVELS.find((l) => ORDER[l] === threshold) ?? 'info';
}

/** Redirects every logger (tests capture lines); undefined restores stdout/stderr. */
export function setLogSink(next: LogSink | undefined): void {
  sink = next ?? defaultSink();
}

/** Error properties named like these are written as "[redacted]". */
const SECRET_KEY = /password|secret|token|authorization|cookie|credential/i;
/** Object-valued error properties kept (pino serializes them as errors). */
const NESTED_ERRORS = new Set(['cause', 'aggregateErrors']);

/**
 * pino's error serializer plus two rules: object-valued properties other than causes are dropped
 * (libraries hang whole clients on errors: pg's carries its backend `secretKey`), and properties
 * named like secrets are redacted.
 */
function serializeError(error: Error): Record<string, unknown> {
  return scrub(pino.stdSerializers.err(error) as unknown as Record<string, unknown>);
}

function scrub(out: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(out)) {
    if (SECRET_KEY.test(key)) out[key] = '[redacted]';
    else if (typeof value !== 'object' || value === null) continue;
    else if (!NESTED_ERRORS.has(key)) delete out[key];
    else if (Array.isArray(value)) value.forEach((v) => isRecord(v) && scrub(v));
    else scrub(value as Record<string, unknown>);
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function serialize(fields: LogFields | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!fields) return out;
  for (const [key, value] of Object.entries(fields)) {
    out[RESERVED.has(key) ? `${key}_` : key] =
      value instanceof Error ? serializeError(value) : value;
  }
  return out;
}

export class Logger {
  readonly #out: pino.Logger;
  readonly #err: pino.Logger;

  /** Prefer createLogger(name). */
  constructor(readonly name: string) {
    this.#out = outRoot.child({ name });
    this.#err = errRoot.child({ name });
  }

  /** A logger for a part of this subsystem, named `parent:name`. */
  child(name: string): Logger {
    return new Logger(`${this.name}:${name}`);
  }

  /** Whether entries of `level` are written (skip building expensive fields when not). */
  enabled(level: LogLevel): boolean {
    return ORDER[level] >= threshold;
  }

  debug(msg: string, fields?: LogFields): void {
    if (this.enabled('debug')) this.#out.debug(serialize(fields), msg);
  }
  info(msg: string, fields?: LogFields): void {
    if (this.enabled('info')) this.#out.info(serialize(fields), msg);
  }
  warn(msg: string, fields?: LogFields): void {
    if (this.enabled('warn')) this.#err.warn(serialize(fields), msg);
  }
  error(msg: string, fields?: LogFields): void {
    if (this.enabled('error')) this.#err.error(serialize(fields), msg);
  }
}

/** The logger of one subsystem, e.g. createLogger('Server'). */
export function createLogger(name: string): Logger {
  return new Logger(name);
}

/** Narrows a string (an env var, a CLI flag) to a level. */
export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}
