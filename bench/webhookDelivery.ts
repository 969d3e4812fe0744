/**
 * Domain event -> signed webhook received: a real server (DeviceRegistry -> IdentityEvents ->
 * WebhookService -> outbox row in SQLite -> DeliveryEngine -> HMAC signature -> pinned HTTPS
 * POST) delivers a camera's online/offline flips, one at a time, to a local HTTPS receiver
 * (the suite's test certificate). Latency = registry.online()/offline() called -> the receiver
 * has the whole body (same process, same clock). Baseline, interleaved in the same run: a bare
 * node:https POST of a body of the same size from this process to the same receiver (new
 * connection each time, as the engine makes one per attempt). The ratio is what the webhook
 * machinery (database, signing, DNS check) adds over the HTTPS round trip itself.
 *
 *   node --import tsx bench/webhookDelivery.ts [--deliveries=200]
 * Results: bench/results/latest.{json,md} under "webhookDelivery". Bounded: ~15 s.
 */
import https from 'node:https';
import { startTestServer } from '../tests/support/testServer.ts';
import { startWebhookReceiver, type ReceivedWebhook } from '../tests/support/webhookReceiver.ts';
import { numberArg } from './lib/args.ts';
import { quietLogs, runMain } from './lib/main.ts';
import { mdTable, recordResult } from './lib/results.ts';
import { fmt, summarize } from './lib/stats.ts';

const DELIVERIES = numberArg('deliveries', 200);
const WARMUP = 10;

async function main(): Promise<void> {
  quietLogs();
  const started = Date.now();
  const receiver = await startWebhookReceiver();
  const ts = await startTestServer(
    { webhooks: { allowPrivateTargets: true } },
    { webhookCa: receiver.ca },
  );
  let waiter: ((r: ReceivedWebhook) => void) | undefined;
  receiver.onReceive = (r) => waiter?.(r);
  const next = (): Promise<ReceivedWebhook> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no delivery within 10 s')), 10_000);
      waiter = (r) => {
        clearTimeout(timer);
        waiter = undefined;
        resolve(r);
      };
    });
  try {
    await ts.server.webhooks.service.create(ts.siteId, {
      url: receiver.url,
      events: ['device.online', 'device.offline'],
    });
    const { id: deviceId } = await ts.mintWithId('camera', { label: 'Bench camera' });
    const registry = ts.server.identity.registry;
    let online = false;
    let bodyBytes = 0;
    const webhook: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < WARMUP + DELIVERIES; i++) {
      // The webhook path: a domain event until the receiver has the body.
      const got = next();
      const t0 = performance.now();
      online = !online;
      if (online) await registry.online(deviceId, { address: '127.0.0.1', userAgent: 'bench' });
      else await registry.offline(deviceId);
      const r = await got;
      bodyBytes = Buffer.byteLength(r.body);
      // The baseline: the same size of body, POSTed directly.
      const body = 'x'.repeat(bodyBytes);
      const gotBare = next();
      const t1 = performance.now();
      await bareHttpsPost(receiver.url, receiver.ca, body);
      const rb = await gotBare;
      if (i < WARMUP) continue;
      webhook.push(r.at - t0);
      bare.push(rb.at - t1);
    }
    const w = summarize(webhook);
    const b = summarize(bare);
    const ratio50 = w.p50 / b.p50;
    const ratio95 = w.p95 / b.p95;
    const md = [
      `Domain event (camera online/offline) -> signed webhook received by a local HTTPS receiver, ` +
        `${DELIVERIES} deliveries one at a time (after ${WARMUP} warm-up), body ${bodyBytes} B, loopback. ` +
        `Baseline: a bare node:https POST of the same size to the same receiver, interleaved.`,
      '',
      mdTable(
        ['measure', 'n', 'p50 ms', 'p95 ms', 'max ms'],
        [
          ['event -> webhook received', w.n, fmt(w.p50), fmt(w.p95), fmt(w.max)],
          ['bare https POST -> received', b.n, fmt(b.p50), fmt(b.p95), fmt(b.max)],
        ],
      ),
      '',
      `Ratio webhook / bare POST: p50 ${ratio50.toFixed(2)}x, p95 ${ratio95.toFixed(2)}x.`,
    ].join('\n');
    const out = recordResult(
      'webhookDelivery',
      {
        deliveries: DELIVERIES,
        bodyBytes,
        webhook: w,
        bare: b,
        ratioP50: ratio50,
        ratioP95: ratio95,
      },
      md,
      { durationSeconds: (Date.now() - started) / 1000 },
    );
    process.stdout.write(`\n${md}\n\nwritten: ${out.json}\n`);
  } finally {
    await ts.close();
    await receiver.close();
  }
}

/** One POST on a new connection (as each webhook attempt makes), resolved on the answer. */
function bareHttpsPost(url: string, ca: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: 'POST',
        agent: false,
        ca,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve());
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

runMain('webhookDelivery', main);
