import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { defaults } from './defaults.ts';
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
    [{ PORCHLIGHT_LOG_LEVEL: 'loud' }, /logLevel: /],
    [{ PORCHLIGHT_LOG_LEVEL: 'INFO' }, /logLevel: /],
    [
      { PORCHLIGHT_RECORDING_MASTER_KEYS: 'no-key-here' },
      /recording.masterKeys: expected id:base64/,
    ],
    [{ PORCHLIGHT_REDIS_URL: 'http://r:6379' }, /cluster.redisUrl: must start with redis:\/\//],
    [{ PORCHLIGHT_REDIS_URL: 'redis://r:6379' }, /needs a postgres:\/\/ database/],
    [
      { PORCHLIGHT_REDIS_URL: 'redis://r:6379', PORCHLIGHT_DATABASE_URL: 'postgres://db/p' },
      /records to shared storage: set storage to s3/,
    ],
    [{ PORCHLIGHT_NODE_ID: 'node 1' }, /cluster.nodeId: letters, digits/],
  ])('rejects illegal config %o with a clear message', (env, message) => {
    expect(() => loadConfig({}, env)).toThrow(ConfigError);
    expect(() => loadConfig({}, env)).toThrow(message);
  });

  it('takes a cluster configuration on PostgreSQL and S3', () => {
    const c = loadConfig(
      { recording: { storage: 's3', s3: { bucket: 'b' } } },
      {
        PORCHLIGHT_REDIS_URL: 'redis://10.0.0.5:6379',
        PORCHLIGHT_NODE_ID: 'node-a',
        PORCHLIGHT_DATABASE_URL: 'postgres://db/porchlight',
      },
    );
    expect(c.cluster).toMatchObject({ redisUrl: 'redis://10.0.0.5:6379', nodeId: 'node-a' });
    expect(loadConfig({}, {}).cluster.redisUrl).toBe('');
  });

  it('takes metrics address ranges as CIDR and refuses anything else', () => {
    expect(loadConfig({}, {}).ops.metricsAllowFrom).toEqual(['127.0.0.1/32', '::1/128']);
    const ok = loadConfig({ ops: { metricsAllowFrom: ['10.0.0.0/8', 'fd00::/8'] } }, {});
    expect(ok.ops.metricsAllowFrom).toEqual(['10.0.0.0/8', 'fd00::/8']);
    for (const bad of ['10.0.0.0', '10.0.0.0/33', '::1/129', 'host/8', '10.0.0.0/8/1']) {
      expect(() => loadConfig({ ops: { metricsAllowFrom: [bad] } }, {})).toThrow(
        /ops.metricsAllowFrom.0: must be an address range/,
      );
    }
  });

  it('rejects unknown keys in the config file (typos fail loudly)', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'plcfg-')), 'c.json');
    fs.writeFileSync(file, JSON.stringify({ prot: 1 }));
    expect(() => loadConfig({}, { PORCHLIGHT_CONFIG: file })).toThrow(/Unrecognized key/i);
    fs.writeFileSync(file, '[1,2]');
    expect(() => loadConfig({}, { PORCHLIGHT_CONFIG: file })).toThrow(/not a JSON object/);
  });

  it('reads the log level through the schema (default info)', () => {
    expect(loadConfig({}, {}).logLevel).toBe('info');
    expect(loadConfig({}, { PORCHLIGHT_LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(loadConfig({ logLevel: 'error' }, { PORCHLIGHT_LOG_LEVEL: 'debug' }).logLevel).toBe(
      'error',
    );
  });

  it('reads the recording master keys through the schema', () => {
    const keys = `mk1:${Buffer.alloc(32, 1).toString('base64')},mk0:${Buffer.alloc(32).toString('base64')}`;
    expect(loadConfig({}, {}).recording.masterKeys).toBe('');
    expect(loadConfig({}, { PORCHLIGHT_RECORDING_MASTER_KEYS: keys }).recording.masterKeys).toBe(
      keys,
    );
  });

  it('holds the recording defaults of new streams, pre/post-roll included', () => {
    const r = loadConfig({}, {}).recording;
    expect(r.defaultPreRollSeconds).toBe(defaults.recording.defaultPreRollSeconds);
    expect(r.defaultPostRollSeconds).toBe(defaults.recording.defaultPostRollSeconds);
    expect(r.onDemandSeconds).toBe(defaults.recording.onDemandSeconds);
    expect(() => loadConfig({ recording: { defaultPreRollSeconds: 2 } }, {})).toThrow(
      /recording.defaultPreRollSeconds/,
    );
    expect(() => loadConfig({ recording: { defaultPostRollSeconds: 601 } }, {})).toThrow(
      /recording.defaultPostRollSeconds/,
    );
  });
});
