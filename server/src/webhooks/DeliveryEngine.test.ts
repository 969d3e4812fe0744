import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../store/createStore.ts';
import { DeliveryEngine } from './DeliveryEngine.ts';
import type { AttemptResult } from './WebhookSender.ts';
import { WebhookRepository, type DeliveryRow } from './WebhookRepository.ts';

const SITE = 'site-1';
const policy = { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 10_000 };

/** A clock the test moves; the engine reads it for every decision. */
let clock = 1_000_000;
let store: Store;
let repo: WebhookRepository;

beforeEach(async () => {
  clock = 1_000_000;
  store = await createStore({ url: 'sqlite::memory:' });
  await store.sites.create({ id: SITE, name: 'Home', createdAt: clock });
  repo = new WebhookRepository(store.executor);
  await repo.createEndpoint({
    id: 'ep-1',
    siteId: SITE,
    url: 'https://hooks.example/x',
    events: ['ring'],
    description: null,
    enabled: true,
    disabledReason: null,
    secretSealed: 'unused',
    previousSecretSealed: null,
    previousExpiresAt: null,
    rotatedAt: null,
    consecutiveDead: 0,
    createdAt: clock,
    updatedAt: clock,
  });
});
afterEach(async () => {
  await store.close();
});

function delivery(id: string): DeliveryRow {
  return {
    id,
    endpointId: 'ep-1',
    siteId: SITE,
    eventId: `evt_${id}`,
    eventType: 'ring',
    body: '{}',
    status: 'pending',
    attempts: 0,
    nextAttemptAt: clock,
    lastStatusCode: null,
    lastError: null,
    createdAt: clock,
    updatedAt: clock,
  };
}

/** An engine whose sender answers from `answers` (then 200s) and whose random is fixed. */
function engine(
  answers: number[],
  o: { disableAfter?: number; random?: number; maxAttempts?: number } = {},
) {
  const sent: { url: string; signature: string }[] = [];
  const outcomes: string[] = [];
  const e = new DeliveryEngine({
    repo,
    sender: {
      send: async (url, headers): Promise<AttemptResult> => {
        sent.push({ url, signature: headers['porchlight-signature']! });
        const status = answers.shift() ?? 200;
        return {
          statusCode: status,
          error: status < 300 ? null : `HTTP ${status}`,
          responseExcerpt: null,
          latencyMs: 1,
        };
      },
    },
    secrets: () => ['whsec_a', 'whsec_b'],
    policy: { ...policy, maxAttempts: o.maxAttempts ?? policy.maxAttempts },
    concurrency: 2,
    disableAfterDeadLetters: o.disableAfter ?? 0,
    onOutcome: (x) => outcomes.push(x),
    now: () => clock,
    random: () => o.random ?? 0.5,
  });
  const attempted = (): Promise<void> => new Promise((r) => e.once('attempted', () => r()));
  return { e, sent, outcomes, attempted };
}

describe('DeliveryEngine on a fake clock', () => {
  it('retries after the jittered exponential delays, then dead-letters at maxAttempts', async () => {
    const { e, sent, outcomes, attempted } = engine([500, 500, 500, 500]);
    await repo.createDelivery(delivery('d1'));
    const waits: number[] = [];
    for (let i = 1; i <= 4; i++) {
      const done = attempted();
      e.kick();
      await done;
      const row = (await repo.getDelivery('d1'))!;
      expect(row.attempts).toBe(i);
      if (i < 4) {
        // random 0.5: half of min(10 s, 1 s * 2^(i-1))
        waits.push(row.nextAttemptAt! - clock);
        // Not due before its time on the engine's clock.
        expect(await repo.due(clock, 10)).toEqual([]);
        expect(sent).toHaveLength(i);
        clock = row.nextAttemptAt!;
      } else {
        expect(row.status).toBe('dead');
        expect(row.nextAttemptAt).toBeNull();
      }
    }
    expect(waits).toEqual([500, 1_000, 2_000]);
    expect(outcomes).toEqual(['failed']);
    // Both secrets sign during a rotation.
    expect(sent[0]!.signature).toMatch(/^t=1000,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    const log = await repo.listAttempts('d1');
    expect(log.map((a) => a.attempt)).toEqual([4, 3, 2, 1]);
    await e.close();
  });

  it('delivers on a 2xx and resets the dead-letter count', async () => {
    await repo.updateEndpoint('ep-1', { consecutiveDead: 2 });
    const { e, outcomes, attempted } = engine([]);
    await repo.createDelivery(delivery('d2'));
    const done = attempted();
    e.kick();
    await done;
    expect((await repo.getDelivery('d2'))!.status).toBe('delivered');
    expect(outcomes).toEqual(['delivered']);
    await until(async () => (await repo.getEndpoint('ep-1'))!.consecutiveDead === 0);
    await e.close();
  });

  it('switches an endpoint off after N dead letters in a row', async () => {
    const { e } = engine([500, 500], { disableAfter: 2, maxAttempts: 1 });
    const disabled = new Promise<void>((r) => e.once('endpointDisabled', () => r()));
    await repo.createDelivery(delivery('d3'));
    await repo.createDelivery({ ...delivery('d4'), createdAt: clock + 1 });
    e.kick();
    await disabled;
    const ep = (await repo.getEndpoint('ep-1'))!;
    expect(ep.enabled).toBe(false);
    expect(ep.disabledReason).toBe('2 dead letters in a row');
    await e.close();
  });
});

async function until(probe: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not met');
}
