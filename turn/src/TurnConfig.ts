import net from 'node:net';
import { DENIED_PEER_CIDRS, LOOPBACK_CIDRS, TURN_DEFAULTS } from './defaults.ts';
import { TurnConfigError } from './errors.ts';
import { IpRangeError, toCoturnRange } from './ipRanges.ts';

export type TurnMode = 'production' | 'test';
export type TurnSecretStoreKind = 'sqlite' | 'static';

/** Options for one coturn instance. Defaults (and why): src/defaults.ts, TURN_DEFAULTS. */
export interface TurnConfigOptions {
  /** TURN realm; clients adopt it from the 401 challenge. Domain-like text. */
  realm: string;
  /**
   * TURN REST shared secrets (>= 32 chars each). The first is the current one (used to mint);
   * all are accepted, so a rotation adds the new secret first and drops the old one later.
   */
  secrets: readonly string[];
  mode?: TurnMode;
  listeningIps?: readonly string[];
  relayIps?: readonly string[];
  /** Public address announced in relayed candidates when behind 1:1 NAT: "public[/private]". */
  externalIp?: string;
  listeningPort?: number;
  tlsListeningPort?: number;
  minPort?: number;
  maxPort?: number;
  /** PEM certificate and key; both or neither. Enables the TLS listener ("turns:"). */
  certFile?: string;
  keyFile?: string;
  userQuota?: number;
  totalQuota?: number;
  maxBps?: number;
  secretStore?: TurnSecretStoreKind;
  /**
   * coturn's SQLite user database. Required with secretStore 'sqlite' (the secrets live there);
   * with 'static' it still pins coturn to this file instead of the system-wide default DB.
   */
  userDbPath?: string;
  pidFile?: string;
  logFile?: string;
  usageLogging?: boolean;
  staleNonceSeconds?: number;
  deniedPeerIps?: readonly string[];
  allowedPeerIps?: readonly string[];
  /** coturn relay threads; unset lets coturn pick (one per CPU). */
  relayThreads?: number;
}

/** TurnConfigOptions with every default applied. */
export type ResolvedTurnConfig = Required<
  Omit<
    TurnConfigOptions,
    'externalIp' | 'certFile' | 'keyFile' | 'userDbPath' | 'pidFile' | 'relayThreads'
  >
> &
  Pick<
    TurnConfigOptions,
    'externalIp' | 'certFile' | 'keyFile' | 'userDbPath' | 'pidFile' | 'relayThreads'
  >;

/** Minimum secret length: 32 chars of a random secret is >= 128 bits even as hex. */
export const MIN_SECRET_LENGTH = 32;

/**
 * A validated coturn configuration. `TurnConfig.from()` throws TurnConfigError on bad options;
 * `render()` produces turnserver.conf text.
 */
export class TurnConfig {
  private constructor(readonly options: Readonly<ResolvedTurnConfig>) {}

  static from(options: TurnConfigOptions): TurnConfig {
    const resolved: ResolvedTurnConfig = {
      mode: options.mode ?? TURN_DEFAULTS.mode,
      realm: options.realm,
      secrets: list('secrets', options.secrets, []),
      listeningIps: list('listeningIps', options.listeningIps, TURN_DEFAULTS.listeningIps),
      relayIps: list('relayIps', options.relayIps, TURN_DEFAULTS.relayIps),
      listeningPort: options.listeningPort ?? TURN_DEFAULTS.listeningPort,
      tlsListeningPort: options.tlsListeningPort ?? TURN_DEFAULTS.tlsListeningPort,
      minPort: options.minPort ?? TURN_DEFAULTS.minPort,
      maxPort: options.maxPort ?? TURN_DEFAULTS.maxPort,
      userQuota: options.userQuota ?? TURN_DEFAULTS.userQuota,
      totalQuota: options.totalQuota ?? TURN_DEFAULTS.totalQuota,
      maxBps: options.maxBps ?? TURN_DEFAULTS.maxBps,
      secretStore: options.secretStore ?? TURN_DEFAULTS.secretStore,
      logFile: options.logFile ?? TURN_DEFAULTS.logFile,
      usageLogging: options.usageLogging ?? TURN_DEFAULTS.usageLogging,
      staleNonceSeconds: options.staleNonceSeconds ?? TURN_DEFAULTS.staleNonceSeconds,
      deniedPeerIps: list('deniedPeerIps', options.deniedPeerIps, TURN_DEFAULTS.deniedPeerIps),
      allowedPeerIps: list('allowedPeerIps', options.allowedPeerIps, TURN_DEFAULTS.allowedPeerIps),
      ...(options.externalIp !== undefined ? { externalIp: options.externalIp } : {}),
      ...(options.certFile !== undefined ? { certFile: options.certFile } : {}),
      ...(options.keyFile !== undefined ? { keyFile: options.keyFile } : {}),
      ...(options.userDbPath !== undefined ? { userDbPath: options.userDbPath } : {}),
      ...(options.pidFile !== undefined ? { pidFile: options.pidFile } : {}),
      ...(options.relayThreads !== undefined ? { relayThreads: options.relayThreads } : {}),
    };
    validate(resolved);
    return new TurnConfig(Object.freeze(resolved));
  }

  get tlsEnabled(): boolean {
    return this.options.certFile !== undefined;
  }

  /** The secret new credentials are minted with. */
  get currentSecret(): string {
    return this.options.secrets[0]!;
  }

  /** A copy with other secrets (validated like the original). */
  withSecrets(secrets: readonly string[]): TurnConfig {
    return TurnConfig.from({ ...this.options, secrets });
  }

  /** turnserver.conf text. Contains the secrets with secretStore 'static': write it 0600. */
  render(): string {
    const o = this.options;
    const lines: string[] = [
      '# Generated by @porchlight/turn (turn/src/TurnConfig.ts). Do not edit: regenerate.',
      `# mode=${o.mode}`,
      '',
      '# Authentication: TURN REST API (time-limited HMAC credentials).',
      'use-auth-secret',
    ];
    if (o.secretStore === 'static') {
      for (const s of o.secrets) lines.push(`static-auth-secret=${s}`);
    } else {
      lines.push('# Secrets live in the turn_secret table of userdb (rotated without a restart).');
    }
    if (o.userDbPath !== undefined) lines.push(`userdb=${o.userDbPath}`);
    lines.push(
      // The DB must not be able to widen the peer policy or move users to other realms.
      'no-dynamic-ip-list',
      'no-dynamic-realms',
      `realm=${o.realm}`,
      '',
      '# Protocol hardening.',
      'fingerprint',
      `stale-nonce=${o.staleNonceSeconds}`,
      'no-tlsv1',
      'no-tlsv1_1',
      // Browsers relay over UDP only; RFC 6062 TCP relays and DTLS listeners are attack surface.
      'no-tcp-relay',
      'no-dtls',
      'no-multicast-peers',
      // No telnet admin CLI; also what lets allow-loopback-peers start in test mode.
      'no-cli',
      '',
      '# Listeners and relay ports.',
      `listening-port=${o.listeningPort}`,
    );
    for (const ip of o.listeningIps) lines.push(`listening-ip=${ip}`);
    for (const ip of o.relayIps) lines.push(`relay-ip=${ip}`);
    if (o.externalIp !== undefined) lines.push(`external-ip=${o.externalIp}`);
    lines.push(`min-port=${o.minPort}`, `max-port=${o.maxPort}`);
    if (o.relayThreads !== undefined) lines.push(`relay-threads=${o.relayThreads}`);
    if (o.certFile !== undefined && o.keyFile !== undefined) {
      lines.push(
        `tls-listening-port=${o.tlsListeningPort}`,
        `cert=${o.certFile}`,
        `pkey=${o.keyFile}`,
      );
    } else {
      lines.push('no-tls');
    }
    lines.push('', '# Quotas (0 = unlimited).');
    lines.push(`user-quota=${o.userQuota}`, `total-quota=${o.totalQuota}`, `max-bps=${o.maxBps}`);

    lines.push('', '# Peer policy.');
    if (o.mode === 'test') {
      lines.push(
        '# TEST MODE: loopback peers allowed so tests can relay to 127.0.0.1. Never deploy.',
      );
      lines.push('allow-loopback-peers');
    } else {
      // coturn 4.6 already refuses loopback peers without allow-loopback-peers; the explicit
      // 127/8 and ::1 entries below keep that true if someone adds it by hand.
      lines.push('# Loopback peers are refused: allow-loopback-peers is deliberately absent.');
    }
    for (const range of deniedPeerRanges(o)) lines.push(`denied-peer-ip=${range}`);
    for (const spec of o.allowedPeerIps) lines.push(`allowed-peer-ip=${toCoturnRange(spec)}`);

    lines.push('', '# Process and logging.');
    if (o.pidFile !== undefined) lines.push(`pidfile=${o.pidFile}`);
    lines.push(`log-file=${o.logFile}`);
    if (o.logFile !== 'stdout') lines.push('no-stdout-log');
    lines.push('simple-log', 'new-log-timestamp');
    if (o.usageLogging) {
      lines.push(
        '# Per-session new/usage/closed lines (per request, never per packet).',
        'verbose',
      );
    }
    return `${lines.join('\n')}\n`;
  }
}

/** A copy of an array option (JSON input can hold anything: fail with a named error). */
function list(
  field: string,
  value: readonly string[] | undefined,
  fallback: readonly string[],
): string[] {
  if (value === undefined) return [...fallback];
  if (!Array.isArray(value)) throw new TurnConfigError(field, 'must be an array of strings');
  return [...value];
}

/** Validated options -> turnserver.conf text. Throws TurnConfigError. */
export function renderTurnserverConf(options: TurnConfigOptions): string {
  return TurnConfig.from(options).render();
}

function deniedPeerRanges(o: ResolvedTurnConfig): string[] {
  const cidrs = DENIED_PEER_CIDRS.filter(
    (c) => o.mode === 'production' || !LOOPBACK_CIDRS.includes(c),
  );
  return [...cidrs, ...o.deniedPeerIps].map((c) => toCoturnRange(c));
}

// Config-file injection guard: values land after "key=" on a line of their own.
const SAFE_VALUE = /^[^\s#"'\\]+$/;
const REALM = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,253}[A-Za-z0-9])?$/;

function validate(o: ResolvedTurnConfig): void {
  if (o.mode !== 'production' && o.mode !== 'test') {
    throw new TurnConfigError('mode', `must be 'production' or 'test', got ${String(o.mode)}`);
  }
  if (typeof o.realm !== 'string' || !REALM.test(o.realm)) {
    throw new TurnConfigError(
      'realm',
      `must be a domain-like name, got ${JSON.stringify(o.realm)}`,
    );
  }

  if (!Array.isArray(o.secrets) || o.secrets.length === 0) {
    throw new TurnConfigError('secrets', 'at least one secret is required');
  }
  o.secrets.forEach((s, i) => {
    if (typeof s !== 'string' || s.length === 0) {
      throw new TurnConfigError(`secrets[${i}]`, 'empty secret');
    }
    if (s.length < MIN_SECRET_LENGTH) {
      throw new TurnConfigError(
        `secrets[${i}]`,
        `too short (${s.length} chars, need >= ${MIN_SECRET_LENGTH}); generate one with \`openssl rand -hex 32\``,
      );
    }
    if (!SAFE_VALUE.test(s)) {
      throw new TurnConfigError(
        `secrets[${i}]`,
        'must not contain whitespace, quotes, "#" or "\\"',
      );
    }
  });
  if (new Set(o.secrets).size !== o.secrets.length) {
    throw new TurnConfigError('secrets', 'duplicate secret');
  }

  for (const field of ['listeningPort', 'tlsListeningPort', 'minPort', 'maxPort'] as const) {
    const p = o[field];
    if (!Number.isInteger(p) || p < 1 || p > 65535) {
      throw new TurnConfigError(field, `must be an integer port 1-65535, got ${String(p)}`);
    }
  }
  if (o.minPort > o.maxPort) {
    throw new TurnConfigError('minPort', `minPort ${o.minPort} > maxPort ${o.maxPort}`);
  }
  if (o.certFile !== undefined && o.tlsListeningPort === o.listeningPort) {
    throw new TurnConfigError('tlsListeningPort', 'must differ from listeningPort');
  }
  for (const field of ['listeningPort', 'tlsListeningPort'] as const) {
    if (
      o[field] >= o.minPort &&
      o[field] <= o.maxPort &&
      (field === 'listeningPort' || o.certFile)
    ) {
      throw new TurnConfigError(
        field,
        `${o[field]} lies inside the relay range ${o.minPort}-${o.maxPort}`,
      );
    }
  }

  for (const field of ['listeningIps', 'relayIps'] as const) {
    for (const ip of o[field]) {
      if (!net.isIP(ip))
        throw new TurnConfigError(field, `not an IP address: ${JSON.stringify(ip)}`);
    }
  }
  if (o.externalIp !== undefined) {
    const parts = o.externalIp.split('/');
    if (parts.length > 2 || parts.some((p) => !net.isIP(p))) {
      throw new TurnConfigError(
        'externalIp',
        `must be "public[/private]" IPs, got ${JSON.stringify(o.externalIp)}`,
      );
    }
  }

  if ((o.certFile === undefined) !== (o.keyFile === undefined)) {
    throw new TurnConfigError(
      o.certFile === undefined ? 'certFile' : 'keyFile',
      'certFile and keyFile go together (TLS needs both)',
    );
  }
  for (const field of ['certFile', 'keyFile', 'userDbPath', 'pidFile', 'logFile'] as const) {
    const v = o[field];
    if (v !== undefined && (typeof v !== 'string' || !SAFE_VALUE.test(v))) {
      throw new TurnConfigError(
        field,
        `must be a path without whitespace or quotes, got ${JSON.stringify(v)}`,
      );
    }
  }

  for (const field of ['userQuota', 'totalQuota', 'maxBps', 'staleNonceSeconds'] as const) {
    const v = o[field];
    if (!Number.isInteger(v) || v < 0) {
      throw new TurnConfigError(field, `must be a non-negative integer, got ${String(v)}`);
    }
  }
  if (o.relayThreads !== undefined && (!Number.isInteger(o.relayThreads) || o.relayThreads < 0)) {
    throw new TurnConfigError(
      'relayThreads',
      `must be a non-negative integer, got ${String(o.relayThreads)}`,
    );
  }

  if (o.secretStore !== 'sqlite' && o.secretStore !== 'static') {
    throw new TurnConfigError(
      'secretStore',
      `must be 'sqlite' or 'static', got ${String(o.secretStore)}`,
    );
  }
  if (o.secretStore === 'sqlite' && o.userDbPath === undefined) {
    throw new TurnConfigError(
      'userDbPath',
      "required with secretStore 'sqlite' (the secrets live there)",
    );
  }

  for (const field of ['deniedPeerIps', 'allowedPeerIps'] as const) {
    for (const spec of o[field]) {
      try {
        toCoturnRange(spec);
      } catch (error) {
        if (error instanceof IpRangeError) throw new TurnConfigError(field, error.message);
        throw error;
      }
    }
  }
}
