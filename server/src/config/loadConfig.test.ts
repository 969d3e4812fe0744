import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { loadConfig } from './loadConfig.ts';

describe('loadConfig', () => {
  it('applies documented defaults', () => {
    const c = loadConfig({}, {});
    expect(c.port).toBe(8443);
    expect(c.media.rtcPort).toBe(40000);
    expect(c.media.numWorkers).toBe(os.cpus().length);
    expect(c.devBootstrap).toBe(true);
  });

  it('reads env vars over the config file', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'plcfg-')), 'c.json');
    fs.writeFileSync(file, JSON.stringify({ port: 9000, media: { numWorkers: 3 } }));
    const c = loadConfig({}, { PORCHLIGHT_CONFIG: file, PORCHLIGHT_PORT: '9443' });
    expect(c.port).toBe(9443);
    expect(c.media.numWorkers).toBe(3);
  });

  it.each([
    [{ PORCHLIGHT_PORT: 'eighty' }, /PORCHLIGHT_PORT: expected an integer/],
    [{ PORCHLIGHT_PORT: '70000' }, /port: /],
    [{ PORCHLIGHT_WORKERS: '0' }, /media.numWorkers/],
    [{ PORCHLIGHT_TLS_CERT: '/x.pem' }, /certFile and keyFile must be set together/],
    [{ PORCHLIGHT_PORT: '40000' }, /collides with media ports/],
    [{ PORCHLIGHT_MEDIA_LISTEN_IP: 'not-an-ip' }, /must be an IP address/],
    [{ PORCHLIGHT_TOKEN_SECRET: 'short' }, /at least 32 characters/],
    [{ PORCHLIGHT_DEV_BOOTSTRAP: 'maybe' }, /expected true\/false/],
    [{ PORCHLIGHT_CONFIG: '/nonexistent.json' }, /cannot read/],
  ])('rejects illegal config %o with a clear message', (env, message) => {
    expect(() => loadConfig({}, env)).toThrow(ConfigError);
    expect(() => loadConfig({}, env)).toThrow(message);
  });

  it('rejects unknown keys in the config file (typos fail loudly)', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'plcfg-')), 'c.json');
    fs.writeFileSync(file, JSON.stringify({ prot: 1 }));
    expect(() => loadConfig({}, { PORCHLIGHT_CONFIG: file })).toThrow(/Unrecognized key/i);
    fs.writeFileSync(file, '[1,2]');
    expect(() => loadConfig({}, { PORCHLIGHT_CONFIG: file })).toThrow(/not a JSON object/);
  });
});
