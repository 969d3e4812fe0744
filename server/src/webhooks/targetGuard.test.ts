import { describe, expect, it } from 'vitest';
import { isBlockedAddress, targetHost } from './targetGuard.ts';
import { TargetRefusedError, WebhookSender } from './WebhookSender.ts';

describe('the SSRF classifier', () => {
  const blocked = [
    '127.0.0.1',
    '127.255.255.254',
    '0.0.0.0',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.10',
    '169.254.169.254', // cloud metadata
    '100.64.0.1', // CGNAT
    '100.127.255.255',
    '224.0.0.251', // multicast
    '255.255.255.255',
    '198.18.0.1',
    '::',
    '::1',
    '[::1]',
    'fd00::1', // unique local
    'fc00::1',
    'fe80::1', // link-local
    'fe80::1%eth0',
    'ff02::1', // multicast
    '::ffff:127.0.0.1', // IPv4-mapped
    '[::ffff:127.0.0.1]',
    '::ffff:7f00:1', // the same, in hex
    '::ffff:169.254.169.254',
    '::ffff:10.0.0.1',
    '64:ff9b::a9fe:a9fe', // NAT64 of 169.254.169.254
    '2002:7f00:1::', // 6to4 of 127.0.0.1
    '::127.0.0.1', // IPv4-compatible
  ];
  const allowed = [
    '203.0.113.10',
    '8.8.8.8',
    '1.1.1.1',
    '100.128.0.1', // just past CGNAT
    '172.32.0.1', // just past 172.16/12
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '2001:db8::1',
  ];
  it.each(blocked)('refuses %s', (a) => expect(isBlockedAddress(a)).toBe(true));
  it.each(allowed)('allows %s', (a) => expect(isBlockedAddress(a)).toBe(false));

  it('sees the address the URL parser makes of shorthand and hex hosts', () => {
    expect(targetHost('https://127.1/x')).toBe('127.0.0.1');
    expect(targetHost('https://0x7f.0.0.1/x')).toBe('127.0.0.1');
    expect(targetHost('https://2130706433/x')).toBe('127.0.0.1');
    expect(targetHost('https://[::ffff:127.0.0.1]/x')).toBe('::ffff:7f00:1');
    for (const url of [
      'https://127.1/x',
      'https://0x7f.0.0.1/x',
      'https://2130706433/x',
      'https://[::ffff:127.0.0.1]/x',
      'https://[fe80::1]/x',
      'https://169.254.169.254/latest/meta-data',
    ])
      expect(isBlockedAddress(targetHost(url)), url).toBe(true);
  });
});

describe('WebhookSender target checks', () => {
  const resolve = async (host: string) =>
    host === 'rebind.example'
      ? [
          { address: '93.184.216.34', family: 4 },
          { address: '127.0.0.1', family: 4 },
        ]
      : [{ address: '93.184.216.34', family: 4 }];
  const sender = new WebhookSender({
    allowPrivateTargets: false,
    allowHttp: false,
    timeoutMs: 1000,
    resolve,
  });

  it('refuses http://, local names and private literals before any connection', () => {
    expect(() => sender.checkUrl('http://hooks.example/x')).toThrow(/only https/);
    expect(() => sender.checkUrl('https://localhost/x')).toThrow(TargetRefusedError);
    expect(() => sender.checkUrl('https://printer.local/x')).toThrow(TargetRefusedError);
    expect(() => sender.checkUrl('https://0x7f.0.0.1/x')).toThrow(/private/);
    expect(() => sender.checkUrl('https://hooks.example/x')).not.toThrow();
  });

  it('refuses a name when any of its addresses is private, and pins a checked one', async () => {
    await expect(sender.pick('https://rebind.example/x')).rejects.toThrow(
      /resolves to a private address \(127\.0\.0\.1\)/,
    );
    expect(await sender.pick('https://hooks.example/x')).toEqual({
      address: '93.184.216.34',
      family: 4,
    });
  });

  it('allows private targets only when configured', async () => {
    const open = new WebhookSender({
      allowPrivateTargets: true,
      allowHttp: true,
      timeoutMs: 1000,
      resolve,
    });
    expect(() => open.checkUrl('http://127.0.0.1:9/x')).not.toThrow();
    expect(await open.pick('https://rebind.example/x')).toEqual({
      address: '93.184.216.34',
      family: 4,
    });
  });
});
