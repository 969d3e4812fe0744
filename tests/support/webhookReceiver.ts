import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { ensureTestCert } from './tlsFixture.ts';

/** One delivery a receiver got: the raw body exactly as sent, and the headers. */
export interface ReceivedWebhook {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** performance.now() when the body was complete (the bench's end mark). */
  at: number;
}

/**
 * A webhook receiver on loopback over HTTPS with the suite's test certificate (trust it with
 * `ca`). Answers each request with the next scripted status (then 200 for ever).
 */
export interface WebhookReceiver {
  /** https://127.0.0.1:<port><path> */
  url: string;
  port: number;
  /** The certificate to trust (PEM). */
  ca: string;
  received: ReceivedWebhook[];
  /** Statuses to answer next, in order (e.g. [500, 500] then 200s); 0 = never answer. */
  script: number[];
  /** Called for each delivery (the bench). */
  onReceive?: (r: ReceivedWebhook) => void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(path = '/hooks/porchlight'): Promise<WebhookReceiver> {
  const cert = ensureTestCert();
  const receiver = {
    received: [] as ReceivedWebhook[],
    script: [] as number[],
  } as Partial<WebhookReceiver> & { received: ReceivedWebhook[]; script: number[] };
  const server = https.createServer(
    { cert: fs.readFileSync(cert.certFile), key: fs.readFileSync(cert.keyFile) },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r = {
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: performance.now(),
        };
        receiver.received.push(r);
        receiver.onReceive?.(r);
        const status = receiver.script.shift() ?? 200;
        if (status === 0) return; // never answer (a hung receiver)
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'boom');
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(receiver, {
    url: `https://127.0.0.1:${port}${path}`,
    port,
    ca: fs.readFileSync(cert.certFile, 'utf8'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }) as WebhookReceiver;
}
