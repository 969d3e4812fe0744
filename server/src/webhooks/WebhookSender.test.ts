import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookSender } from './WebhookSender.ts';

describe('WebhookSender pins the address it checked', () => {
  let server: http.Server;
  let port: number;
  const hosts: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hosts.push(String(req.headers.host));
      req.resume();
      if (req.url === '/hang') return; // never answers
      if (req.url === '/big') {
        req.on('end', () => res.writeHead(500).end('x'.repeat(100_000)));
        return;
      }
      req.on('end', () =>
        res.writeHead(req.url === '/moved' ? 302 : 204, { location: '/x' }).end(),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );

  it('connects to the resolved address once per attempt, whatever the system DNS says', async () => {
    const lookups: string[] = [];
    const sender = new WebhookSender({
      allowPrivateTargets: true,
      allowHttp: true,
      timeoutMs: 2_000,
      // .invalid never resolves in the system DNS: only the pinned address can reach the server.
      resolve: async (host) => {
        lookups.push(host);
        return [{ address: '127.0.0.1', family: 4 }];
      },
    });
    const r = await sender.send(`http://receiver.invalid:${port}/hook`, {}, '{}');
    expect(r).toMatchObject({ statusCode: 204, error: null });
    expect(lookups).toEqual(['receiver.invalid']);
    expect(hosts.at(-1)).toBe(`receiver.invalid:${port}`);
  });

  it('gives up after the timeout, and keeps only a short excerpt of an answer', async () => {
    const sender = new WebhookSender({
      allowPrivateTargets: true,
      allowHttp: true,
      timeoutMs: 300,
    });
    const hung = await sender.send(`http://127.0.0.1:${port}/hang`, {}, '{}');
    expect(hung).toMatchObject({ statusCode: null, error: 'timeout' });
    const big = await sender.send(`http://127.0.0.1:${port}/big`, {}, '{}');
    expect(big.statusCode).toBe(500);
    expect(big.responseExcerpt).toBe('x'.repeat(256));
  });

  it('does not follow redirects', async () => {
    const sender = new WebhookSender({
      allowPrivateTargets: true,
      allowHttp: true,
      timeoutMs: 2_000,
    });
    const before = hosts.length;
    const r = await sender.send(`http://127.0.0.1:${port}/moved`, {}, '{}');
    expect(r.statusCode).toBe(302);
    expect(r.error).toMatch(/redirects are not followed/);
    expect(hosts.length).toBe(before + 1);
  });

  it('refuses a name resolving to loopback with private targets off, before connecting', async () => {
    const sender = new WebhookSender({
      allowPrivateTargets: false,
      allowHttp: true,
      timeoutMs: 2_000,
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    const before = hosts.length;
    const r = await sender.send(`http://receiver.invalid:${port}/hook`, {}, '{}');
    expect(r.statusCode).toBeNull();
    expect(r.error).toMatch(/^refused: receiver\.invalid resolves to a private address/);
    expect(hosts.length).toBe(before);
  });
});
