/**
 * One named logger per subsystem, one line per entry.
 * Levels: error = needs an operator; warn = degraded but handled (worker died, bad config value
 * ignored); info = one line per lifecycle transition (server up, room created, peer joined);
 * debug = per request. Nothing is logged per packet.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function envLevel(): Level {
  const v = process.env['PORCHLIGHT_LOG_LEVEL'];
  return v === 'debug' || v === 'info' || v === 'warn' || v === 'error' ? v : 'info';
}

let threshold = order[envLevel()];

export class Logger {
  static setLevel(level: Level): void {
    threshold = order[level];
  }

  constructor(private readonly name: string) {}

  child(name: string): Logger {
    return new Logger(`${this.name}:${name}`);
  }

  debug(msg: string, fields?: Record<string, unknown>): void {
    this.write('debug', msg, fields);
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.write('info', msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.write('warn', msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.write('error', msg, fields);
  }

  private write(level: Level, msg: string, fields?: Record<string, unknown>): void {
    if (order[level] < threshold) return;
    let extra = '';
    if (fields) {
      extra =
        ' ' +
        Object.entries(fields)
          .map(
            ([k, v]) => `${k}=${v instanceof Error ? (v.stack ?? v.message) : JSON.stringify(v)}`,
          )
          .join(' ');
    }
    const line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} [${this.name}] ${msg}${extra}\n`;
    (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(line);
  }
}
