import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a lock received. */
export interface LockRequest {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A smart lock's webhook on loopback: records what it receives and answers 204. */
export interface LockReceiver {
  url: string;
  received: LockRequest[];
  /** What a real lock checks: `X-Porchlight-Signature` is the HMAC-SHA256 of `<timestamp>.<body>`. */
  signedWith(key: string, r: LockRequest): boolean;
  close(): void;
}

export async function startLockReceiver(path = '/unlock'): Promise<LockReceiver> {
  const received: LockRequest[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    received,
    signedWith: (key, r) => {
      const ts = String(r.headers['x-porchlight-timestamp']);
      const mac = createHmac('sha256', key).update(`${ts}.${r.body}`).digest('hex');
      return r.headers['x-porchlight-signature'] === `sha256=${mac}`;
    },
    close: () => server.close(),
  };
}
