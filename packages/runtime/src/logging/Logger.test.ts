import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, getLogLevel, setLogLevel, setLogSink } from './Logger.ts';

function capture(): { out: Record<string, unknown>[]; err: Record<string, unknown>[] } {
  const lines = { out: [] as Record<string, unknown>[], err: [] as Record<string, unknown>[] };
  setLogSink({
    out: { write: (l: string) => lines.out.push(JSON.parse(l) as Record<string, unknown>) },
    err: { write: (l: string) => lines.err.push(JSON.parse(l) as Record<string, unknown>) },
  });
  return lines;
}

describe('Logger', () => {
  afterEach(() => {
    setLogSink(undefined);
    setLogLevel('info');
  });

  it('writes one JSON line per entry with level, time, name, msg and the fields', () => {
    const lines = capture();
    createLogger('Server').info('listening', { url: 'https://127.0.0.1:1', workers: 1 });
    expect(lines.out).toEqual([
      {
        level: 'info',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        name: 'Server',
        url: 'https://127.0.0.1:1',
        workers: 1,
        msg: 'listening',
      },
    ]);
  });

  it('names child loggers parent:child', () => {
    const lines = capture();
    createLogger('Recording').child('Recorder').info('started');
    expect(lines.out[0]).toMatchObject({ name: 'Recording:Recorder', msg: 'started' });
  });

  it('sends warn and error to the error sink, debug and info to the output sink', () => {
    const lines = capture();
    setLogLevel('debug');
    const log = createLogger('x');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(lines.out.map((l) => l['level'])).toEqual(['debug', 'info']);
    expect(lines.err.map((l) => l['level'])).toEqual(['warn', 'error']);
  });

  it('applies the level to loggers created before it was set', () => {
    const lines = capture();
    const early = createLogger('early');
    early.debug('dropped');
    setLogLevel('debug');
    early.debug('kept');
    setLogLevel('error');
    early.warn('dropped too');
    expect(getLogLevel()).toBe('error');
    expect(lines.out.map((l) => l['msg'])).toEqual(['kept']);
    expect(lines.err).toEqual([]);
  });

  it('keeps the stack of Error fields', () => {
    const lines = capture();
    createLogger('x').error('failed', { error: new TypeError('bad input') });
    const error = lines.err[0]?.['error'] as Record<string, unknown>;
    expect(error).toMatchObject({ type: 'TypeError', message: 'bad input' });
    expect(error['stack']).toMatch(/TypeError: bad input\n\s+at /);
  });

  it('drops objects libraries hang on errors and redacts secret-named properties', () => {
    const lines = capture();
    const cause = Object.assign(new Error('inner'), { client: { secretKey: 42 }, code: 'E1' });
    const error = Object.assign(new Error('outer', { cause }), {
      client: { processID: 7, secretKey: 123456789 },
      password: 'hunter2',
      code: 'ECONNRESET',
    });
    createLogger('x').error('failed', { error });
    const line = JSON.stringify(lines.err[0]);
    expect(line).not.toContain('123456789');
    expect(line).not.toContain('hunter2');
    expect(line).not.toContain('secretKey');
    expect(lines.err[0]?.['error']).toMatchObject({
      message: expect.stringContaining('outer') as unknown,
      code: 'ECONNRESET',
      password: '[redacted]',
    });
    // pino folds the cause into message and stack.
    expect(lines.err[0]?.['error']).toMatchObject({ message: 'outer: inner' });
  });

  it('renames fields that would collide with the keys pino writes', () => {
    const lines = capture();
    createLogger('x').info('m', { name: 'camera 1', pid: 7 });
    expect(lines.out[0]).toMatchObject({ name: 'x', name_: 'camera 1', pid: 7, msg: 'm' });
  });
});
