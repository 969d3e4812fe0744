import { describe, expect, it } from 'vitest';
import { DENIED_PEER_CIDRS } from '../src/defaults.ts';
import { TurnConfigError } from '../src/errors.ts';
import { toCoturnRange } from '../src/ipRanges.ts';
import { renderTurnserverConf, TurnConfig, type TurnConfigOptions } from '../src/TurnConfig.ts';

const SECRET_A = 'a'.repeat(32);
const SECRET_B = 'b'.repeat(40);

function base(over: Partial<TurnConfigOptions> = {}): TurnConfigOptions {
  return {
    realm: 'turn.example.com',
    secrets: [SECRET_A],
    userDbPath: '/var/lib/porchlight-turn/turndb',
    ...over,
  };
}

function lines(conf: string): string[] {
  return conf.split('\n').filter((l) => l && !l.startsWith('#'));
}

function configError(fn: () => unknown): TurnConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TurnConfigError);
    return error as TurnConfigError;
  }
  throw new Error('expected a TurnConfigError');
}

describe('renderTurnserverConf', () => {
  it('production: REST auth, hardening, no CLI, denied private ranges, no loopback peers', () => {
    const conf = renderTurnserverConf(
      base({
        listeningIps: ['10.1.2.3'],
        relayIps: ['10.1.2.3'],
        externalIp: '203.0.113.7/10.1.2.3',
      }),
    );
    const l = lines(conf);
    for (const flag of [
      'use-auth-secret',
      'realm=turn.example.com',
      'fingerprint',
      'no-multicast-peers',
      'no-tlsv1',
      'no-tlsv1_1',
      'stale-nonce=600',
      'no-cli',
      'listening-port=3478',
      'listening-ip=10.1.2.3',
      'relay-ip=10.1.2.3',
      'external-ip=203.0.113.7/10.1.2.3',
      'min-port=49160',
      'max-port=49200',
      'user-quota=10',
      'total-quota=0',
      'max-bps=0',
      'log-file=stdout',
      'simple-log',
      'new-log-timestamp',
      'verbose',
      'no-tls',
      'userdb=/var/lib/porchlight-turn/turndb',
    ]) {
      expect(l, flag).toContain(flag);
    }
    expect(l).not.toContain('allow-loopback-peers');
    // The required ranges, as coturn 4.6.1 needs them (a-b, no CIDR).
    for (const range of [
      '0.0.0.0-0.255.255.255',
      '10.0.0.0-10.255.255.255',
      '100.64.0.0-100.127.255.255',
      '127.0.0.0-127.255.255.255',
      '169.254.0.0-169.254.255.255',
      '172.16.0.0-172.31.255.255',
      '192.168.0.0-192.168.255.255',
      'fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      'fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      '::1',
    ]) {
      expect(l).toContain(`denied-peer-ip=${range}`);
    }
    expect(l.filter((x) => x.startsWith('denied-peer-ip=')).length).toBe(DENIED_PEER_CIDRS.length);
    expect(conf).not.toMatch(/denied-peer-ip=.*\/\d+/); // coturn 4.6.1 rejects CIDR
  });

  it('sqlite store keeps secrets out of the file; static store writes one line per secret', () => {
    const sqlite = renderTurnserverConf(base({ secrets: [SECRET_A, SECRET_B] }));
    expect(sqlite).not.toContain(SECRET_A);
    expect(sqlite).not.toContain('static-auth-secret');

    const stat = lines(
      renderTurnserverConf(base({ secrets: [SECRET_A, SECRET_B], secretStore: 'static' })),
    );
    expect(stat.filter((x) => x.startsWith('static-auth-secret='))).toEqual([
      `static-auth-secret=${SECRET_A}`,
      `static-auth-secret=${SECRET_B}`,
    ]);
  });

  it('test mode: allow-loopback-peers with no-cli, loopback not denied, private ranges still denied', () => {
    const l = lines(renderTurnserverConf(base({ mode: 'test' })));
    expect(l).toContain('allow-loopback-peers');
    expect(l).toContain('no-cli');
    expect(l).not.toContain('denied-peer-ip=127.0.0.0-127.255.255.255');
    expect(l).not.toContain('denied-peer-ip=::1');
    expect(l).toContain('denied-peer-ip=10.0.0.0-10.255.255.255');
  });

  it('TLS: cert, pkey and tls-listening-port only when both files are given', () => {
    const l = lines(
      renderTurnserverConf(
        base({
          certFile: '/etc/turn/cert.pem',
          keyFile: '/etc/turn/key.pem',
          tlsListeningPort: 443,
        }),
      ),
    );
    expect(l).toEqual(
      expect.arrayContaining([
        'cert=/etc/turn/cert.pem',
        'pkey=/etc/turn/key.pem',
        'tls-listening-port=443',
      ]),
    );
    expect(l).not.toContain('no-tls');
  });

  it('options: quotas, log file, pid file, allowed peers, usage logging off', () => {
    const l = lines(
      renderTurnserverConf(
        base({
          userQuota: 3,
          totalQuota: 40,
          maxBps: 1_000_000,
          logFile: '/var/log/turn.log',
          pidFile: '/run/turn.pid',
          allowedPeerIps: ['192.168.1.10', '10.0.0.0/24'],
          usageLogging: false,
          relayThreads: 1,
        }),
      ),
    );
    expect(l).toEqual(
      expect.arrayContaining([
        'user-quota=3',
        'total-quota=40',
        'max-bps=1000000',
        'log-file=/var/log/turn.log',
        'no-stdout-log',
        'pidfile=/run/turn.pid',
        'allowed-peer-ip=192.168.1.10',
        'allowed-peer-ip=10.0.0.0-10.0.0.255',
        'relay-threads=1',
      ]),
    );
    expect(l).not.toContain('verbose');
  });
});

describe('TurnConfig validation', () => {
  it.each<[string, Partial<TurnConfigOptions>, string]>([
    ['empty secrets', { secrets: [] }, 'secrets'],
    ['secrets not an array (JSON input)', { secrets: 'x'.repeat(40) as never }, 'secrets'],
    ['empty secret', { secrets: [''] }, 'secrets[0]'],
    ['short secret', { secrets: ['x'.repeat(31)] }, 'secrets[0]'],
    ['secret with space', { secrets: [`${'x'.repeat(32)} y`] }, 'secrets[0]'],
    ['duplicate secrets', { secrets: [SECRET_A, SECRET_A] }, 'secrets'],
    ['port 0', { listeningPort: 0 }, 'listeningPort'],
    ['port 70000', { listeningPort: 70_000 }, 'listeningPort'],
    ['fractional port', { minPort: 50_000.5 }, 'minPort'],
    ['min > max', { minPort: 50_001, maxPort: 50_000 }, 'minPort'],
    ['listening port in relay range', { listeningPort: 49_170 }, 'listeningPort'],
    ['cert without key', { certFile: '/c.pem' }, 'keyFile'],
    ['key without cert', { keyFile: '/k.pem' }, 'certFile'],
    ['bad realm', { realm: 'bad realm\nno-auth' }, 'realm'],
    ['bad listening ip', { listeningIps: ['not-an-ip'] }, 'listeningIps'],
    ['bad external ip', { externalIp: '1.2.3.4/5.6.7.8/9.9.9.9' }, 'externalIp'],
    ['negative quota', { userQuota: -1 }, 'userQuota'],
    ['bad mode', { mode: 'dev' as never }, 'mode'],
    ['bad denied range', { deniedPeerIps: ['10.0.0.0/33'] }, 'deniedPeerIps'],
    ['path injection', { pidFile: '/run/x.pid\nallow-loopback-peers' }, 'pidFile'],
  ])('%s -> TurnConfigError(%s)', (_name, over, field) => {
    const error = configError(() => TurnConfig.from({ ...base(), ...over }));
    expect(error.field).toBe(field);
    expect(error.name).toBe('TurnConfigError');
    expect(error.message).toContain(field);
  });

  it("secretStore 'sqlite' (the default) needs userDbPath", () => {
    const { userDbPath: _omit, ...noDb } = base();
    expect(configError(() => TurnConfig.from(noDb)).field).toBe('userDbPath');
    expect(() => TurnConfig.from({ ...noDb, secretStore: 'static' })).not.toThrow();
  });

  it('accepts the minimal valid options and exposes the current secret', () => {
    const c = TurnConfig.from(base({ secrets: [SECRET_B, SECRET_A] }));
    expect(c.currentSecret).toBe(SECRET_B);
    expect(c.withSecrets([SECRET_A]).currentSecret).toBe(SECRET_A);
    expect(() => c.withSecrets([])).toThrow(TurnConfigError);
  });
});

describe('toCoturnRange', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0-10.255.255.255'],
    ['100.64.0.0/10', '100.64.0.0-100.127.255.255'],
    ['172.16.0.0/12', '172.16.0.0-172.31.255.255'],
    ['192.168.1.7/32', '192.168.1.7'],
    ['192.168.1.7', '192.168.1.7'],
    ['fc00::/7', 'fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['fe80::/10', 'fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['::ffff:0:0/96', '::ffff:0:0-::ffff:ffff:ffff'],
    ['::1/128', '::1'],
    ['1.2.3.4-1.2.3.9', '1.2.3.4-1.2.3.9'],
  ])('%s -> %s', (cidr, range) => {
    expect(toCoturnRange(cidr)).toBe(range);
  });

  it('rejects garbage', () => {
    for (const bad of ['10.0.0.0/33', 'x/8', '1.2.3.4-::1', '10.0.0.0/']) {
      expect(() => toCoturnRange(bad), bad).toThrow();
    }
  });
});
