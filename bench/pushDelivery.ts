/**
 * Ring -> push accepted by the push service, per device: a real server (store, DoorbellPush,
 * PushSender: aes128gcm encryption + VAPID JWT per message, HTTPS) rings 10 homeowner devices
 * (10 accounts, one subscribed browser each) on a local HTTPS push receiver that decrypts every
 * message and verifies its JWT before answering 201. Latency = DoorbellPush.ring() called ->
 * the receiver accepted that device's message (same process, same clock). Also: the ring's last
 * device (fan-out complete). Loopback: real push services add their own network time.
 *
 *   node --import tsx bench/pushDelivery.ts [--rings=25] [--devices=10]
 * Results: bench/results/latest.{json,md} under "pushDelivery". Bounded: ~10 s.
 */
import { randomUUID } from 'node:crypto';
import { PushReceiver } from '../tests/support/pushReceiver.ts';
import { api } from '../tests/support/http.ts';
import { startTestServer } from '../tests/support/testServer.ts';
import { numberArg } from './lib/args.ts';
import { quietLogs, runMain } from './lib/main.ts';
import { mdTable, recordResult } from './lib/results.ts';
import { fmt, summarize } from './lib/stats.ts';

const RINGS = numberArg('rings', 25);
const DEVICES = numberArg('devices', 10);
const WARMUP = 2;
/** The goal of issue 11 for this path. */
const GOAL_P95_MS = 300;

async function main(): Promise<void> {
  quietLogs();
  const started = Date.now();
  const receiver = await PushReceiver.start();
  const ts = await startTestServer(
    { push: { allowPrivateEndpoints: true } },
    { pushAgent: receiver.agent },
  );
  try {
    const accounts: string[] = [];
    const browsers: string[] = [];
    for (let i = 0; i < DEVICES; i++) {
      const person = await ts.mintWithId('viewer', { label: `Homeowner ${i + 1}` });
      const b = receiver.browser();
      const res = await api(ts.url, 'POST', '/api/v1/notifications/subscriptions', {
        token: person.token,
        body: { subscription: b.subscription },
      });
      if (res.status !== 201) throw new Error(`subscribe: ${res.status}`);
      accounts.push(person.id);
      browsers.push(b.id);
    }
    const door = randomUUID();
    const perDevice: number[] = [];
    const lastDevice: number[] = [];
    const senderMs: number[] = [];
    for (let r = 0; r < WARMUP + RINGS; r++) {
      const before = receiver.received.length;
      const t0 = performance.now();
      const report = await ts.server.notify.doorbell.ring(
        {
          callId: randomUUID(),
          siteId: ts.siteId,
          doorId: door,
          doorName: 'Front door',
          startedAt: Date.now(),
          ringWindowMs: 30_000,
        },
        accounts,
      );
      await receiver.waitFor(() => receiver.received.length >= before + DEVICES);
      const failed = report.sent.filter((s) => s.outcome.kind !== 'delivered');
      if (failed.length > 0) throw new Error(`ring ${r}: ${JSON.stringify(failed[0])}`);
      if (r < WARMUP) continue;
      const arrivals = receiver.received.slice(before).map((m) => m.atHr - t0);
      perDevice.push(...arrivals);
      lastDevice.push(Math.max(...arrivals));
      for (const s of report.sent) if (s.outcome.kind === 'delivered') senderMs.push(s.outcome.ms);
    }
    if (receiver.errors.length > 0) throw new Error(`receiver: ${receiver.errors[0]}`);
    const dev = summarize(perDevice);
    const last = summarize(lastDevice);
    const http = summarize(senderMs);
    const md = [
      `Ring -> push accepted by a local HTTPS push receiver (decrypts aes128gcm, verifies the VAPID JWT), ` +
        `${DEVICES} homeowner devices x ${RINGS} rings (after ${WARMUP} warm-up), loopback.`,
      '',
      mdTable(
        ['measure', 'n', 'p50 ms', 'p95 ms', 'max ms'],
        [
          ['ring -> accepted, per device', dev.n, fmt(dev.p50), fmt(dev.p95), fmt(dev.max)],
          ['ring -> last device accepted', last.n, fmt(last.p50), fmt(last.p95), fmt(last.max)],
          [
            'one POST (request -> 201), sender side',
            http.n,
            fmt(http.p50),
            fmt(http.p95),
            fmt(http.max),
          ],
        ],
      ),
      '',
      `Goal p95 < ${GOAL_P95_MS} ms per device: ${dev.p95 < GOAL_P95_MS ? 'met' : 'NOT met'}.`,
    ].join('\n');
    const out = recordResult(
      'pushDelivery',
      { devices: DEVICES, rings: RINGS, perDevice: dev, lastDevice: last, senderPost: http },
      md,
      { durationSeconds: (Date.now() - started) / 1000 },
    );
    process.stdout.write(`\n${md}\n\nwritten: ${out.json}\n`);
  } finally {
    await ts.close();
    await receiver.close();
  }
}

runMain('pushDelivery', main);
