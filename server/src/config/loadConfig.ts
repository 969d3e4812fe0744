import fs from 'node:fs';
import { ConfigError } from '../errors.ts';
import { ConfigSchema, type Config, type ConfigInput } from './schema.ts';

/** Environment variables and the config path they set. */
const ENV: Record<string, { path: string[]; type: 'string' | 'int' | 'bool' }> = {
  PORCHLIGHT_HOST: { path: ['host'], type: 'string' },
  PORCHLIGHT_PORT: { path: ['port'], type: 'int' },
  PORCHLIGHT_PUBLIC_HOST: { path: ['publicHost'], type: 'string' },
  PORCHLIGHT_DATA_DIR: { path: ['dataDir'], type: 'string' },
  PORCHLIGHT_LOG_LEVEL: { path: ['logLevel'], type: 'string' },
  PORCHLIGHT_TLS_CERT: { path: ['tls', 'certFile'], type: 'string' },
  PORCHLIGHT_TLS_KEY: { path: ['tls', 'keyFile'], type: 'string' },
  PORCHLIGHT_WORKERS: { path: ['media', 'numWorkers'], type: 'int' },
  PORCHLIGHT_MEDIA_LISTEN_IP: { path: ['media', 'listenIp'], type: 'string' },
  PORCHLIGHT_ANNOUNCED_ADDRESS: { path: ['media', 'announcedAddress'], type: 'string' },
  PORCHLIGHT_RTC_PORT: { path: ['media', 'rtcPort'], type: 'int' },
  PORCHLIGHT_MEDIA_PIPE_SRTP: { path: ['media', 'pipeSrtp'], type: 'bool' },
  PORCHLIGHT_TOKEN_SECRET: { path: ['auth', 'tokenSecret'], type: 'string' },
  PORCHLIGHT_TURN_ENABLED: { path: ['turn', 'enabled'], type: 'bool' },
  PORCHLIGHT_TURN_PORT: { path: ['turn', 'port'], type: 'int' },
  PORCHLIGHT_TURN_TLS_PORT: { path: ['turn', 'tlsPort'], type: 'int' },
  PORCHLIGHT_TURN_EXTERNAL_IP: { path: ['turn', 'externalIp'], type: 'string' },
  PORCHLIGHT_DATABASE_URL: { path: ['database', 'url'], type: 'string' },
  PORCHLIGHT_REDIS_URL: { path: ['cluster', 'redisUrl'], type: 'string' },
  PORCHLIGHT_NODE_ID: { path: ['cluster', 'nodeId'], type: 'string' },
  PORCHLIGHT_DRAIN_TIMEOUT_MS: { path: ['cluster', 'drainTimeoutMs'], type: 'int' },
  PORCHLIGHT_DETECTION_HOST: { path: ['detection', 'host', 'enabled'], type: 'bool' },
  PORCHLIGHT_RECORDING_ENABLED: { path: ['recording', 'enabled'], type: 'bool' },
  PORCHLIGHT_RECORDING_STORAGE: { path: ['recording', 'storage'], type: 'string' },
  PORCHLIGHT_RECORDING_DIR: { path: ['recording', 'storageDir'], type: 'string' },
  PORCHLIGHT_RECORDING_MASTER_KEYS: { path: ['recording', 'masterKeys'], type: 'string' },
  PORCHLIGHT_RECORDING_MUXER: { path: ['recording', 'muxer'], type: 'string' },
  PORCHLIGHT_S3_ENDPOINT: { path: ['recording', 's3', 'endpoint'], type: 'string' },
  PORCHLIGHT_S3_REGION: { path: ['recording', 's3', 'region'], type: 'string' },
  PORCHLIGHT_S3_BUCKET: { path: ['recording', 's3', 'bucket'], type: 'string' },
  PORCHLIGHT_S3_PREFIX: { path: ['recording', 's3', 'prefix'], type: 'string' },
  PORCHLIGHT_S3_ACCESS_KEY_ID: { path: ['recording', 's3', 'accessKeyId'], type: 'string' },
  PORCHLIGHT_S3_SECRET_ACCESS_KEY: { path: ['recording', 's3', 'secretAccessKey'], type: 'string' },
  PORCHLIGHT_PUSH_SUBJECT: { path: ['push', 'vapidSubject'], type: 'string' },
  PORCHLIGHT_DEV_BOOTSTRAP: { path: ['devBootstrap'], type: 'bool' },
};

function parseEnvValue(name: string, raw: string, type: 'string' | 'int' | 'bool'): unknown {
  if (type === 'string') return raw;
  if (type === 'bool') {
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    throw new ConfigError(`${name}: expected true/false, got "${raw}"`);
  }
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(`${name}: expected an integer, got "${raw}"`);
  return Number(raw);
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node = (typeof next === 'object' && next !== null ? next : (node[key] = {})) as Record<
      string,
      unknown
    >;
  }
  node[path[path.length - 1]!] = value;
}

/**
 * Builds the config from, in increasing precedence: defaults, the JSON file named by
 * PORCHLIGHT_CONFIG, environment variables, and `overrides` (tests). Throws ConfigError with every
 * problem listed when the result is illegal.
 */
export function loadConfig(
  overrides: ConfigInput = {},
  env: NodeJS.ProcessEnv = process.env,
): Config {
  let input: Record<string, unknown> = {};
  const file = env['PORCHLIGHT_CONFIG'];
  if (file) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError(`PORCHLIGHT_CONFIG: cannot read ${file}: ${(e as Error).message}`);
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      input = parsed as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError(
        `PORCHLIGHT_CONFIG: ${file} is not a JSON object: ${(e as Error).message}`,
      );
    }
  }
  for (const [name, spec] of Object.entries(ENV)) {
    const raw = env[name];
    if (raw !== undefined && raw !== '')
      setPath(input, spec.path, parseEnvValue(name, raw, spec.type));
  }
  const merged = deepMerge(input, overrides as Record<string, unknown>);
  const result = ConfigSchema.safeParse(merged);
  if (!result.success) {
    const lines = result.error.issues.map(
      (i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`,
    );
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

function deepMerge(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isPlain(v) && isPlain(prev) ? deepMerge(prev, v) : v;
  }
  return out;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
