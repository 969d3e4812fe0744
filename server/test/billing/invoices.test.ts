/**
 * Invoices, charts' months, price lists and estimates through a real server. Usage comes from a
 * FixedUsage double (these tests are about pricing and formats; the meter has its own suite).
 */
import type {
  Bill,
  BillingConfigInput,
  BillingMonths,
  Invoice,
  Saving,
} from '@porchlight/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedUsage } from '../../../tests/support/fixedUsage.ts';
import { api } from '../../../tests/support/http.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { monthOf } from '../../src/ops/billing/months.ts';

const GB = 2n ** 30n;
const PRICES = {
  currency: 'USD',
  ingestPerGB: '0.0085',
  consumePerGB: '0.12',
  hlsPerGB: '0.09',
  storagePerGBMonth: '0.023',
  signalingChannelPerMonth: '0.03',
  signalingMessagesPerMillion: '2.25',
  turnPerThousandMinutes: '0.40',
};
const CONFIG: BillingConfigInput = {
  priceLists: { cloud: PRICES, free: { ...PRICES, consumePerGB: 0 } },
  invoicePriceList: 'cloud',
  comparePriceList: 'cloud',
  box: { currency: 'USD', boxCostPerMonth: '8', powerWatts: 10, pricePerKWh: '0.3' },
};

const usage = new FixedUsage();
let ts: TestServer;
let admin: string;
let owner: { token: string; id: string };
let ownerB: string;
const last = monthOf(Date.now(), 1);
/** Last month's usage of the site (5 GB stored the whole month = 5 GB-months). */
const LAST_MONTH = {
  ingestBytes: String(10n * GB),
  consumeBytes: String(GB),
  hlsBytes: String(3n * GB),
  storedByteSeconds: String(5n * GB * BigInt(last.days) * 86_400n),
  activeChannels: '3',
  signalingMessages: '2500000',
  turnMinutes: '1500',
};

beforeAll(async () => {
  ts = await startTestServer({}, { usage });
  const adminId = await ts.createPerson({
    email: 'billing-admin@example.com',
    password: 'billing-admin-pw',
    isAdmin: true,
  });
  admin = (await ts.server.identity.accessTokens.issueAccount(adminId)).token;
  owner = await ts.mintWithId('viewer', { siteRole: 'owner' });
  ownerB = await ts.mint('viewer', { siteId: 'other-site', siteRole: 'owner' });
  usage.set({ siteId: ts.siteId }, last.from, LAST_MONTH);
  usage.set({ accountId: owner.id }, last.from, { consumeBytes: String(20n * GB) });
  const saved = await api(ts.url, 'PUT', '/api/v1/admin/billing/config', {
    token: admin,
    body: CONFIG,
  });
  expect(saved.status).toBe(200);
});
afterAll(async () => {
  await ts?.close();
});

describe('invoices', () => {
  it("gives a site's owner last month's invoice, priced line by line", async () => {
    const res = await api<Invoice>(
      ts.url,
      'GET',
      `/api/v1/sites/${ts.siteId}/invoices/${last.month}`,
      {
        token: owner.token,
      },
    );
    expect(res.status).toBe(200);
    const inv = res.body;
    expect(inv).toMatchObject({
      scope: 'site',
      id: ts.siteId,
      month: last.month,
      from: last.from,
      to: last.to,
      periodDays: last.days,
      partial: false,
      priceList: 'cloud',
      currency: 'USD',
      usage: LAST_MONTH,
    });
    expect(inv.lines.map((l) => [l.item, l.quantity, l.amount])).toEqual([
      ['ingest', '10', '0.09'],
      ['consume', '1', '0.12'],
      ['hls', '3', '0.27'],
      ['storage', '5', '0.12'],
      ['channels', '3', '0.09'],
      ['messages', '2.5', '5.63'],
      ['turn', '1.5', '0.60'],
    ]);
    // 6.905 exact -> 6.91 (the rounded lines would add up to 6.92).
    expect(inv.total).toBe('6.91');
  });

  it('the CSV and the printable page carry the same amounts as the JSON', async () => {
    const path = `/api/v1/sites/${ts.siteId}/invoices/${last.month}`;
    const json = (await api<Invoice>(ts.url, 'GET', path, { token: owner.token })).body;
    const csv = await api<string>(ts.url, 'GET', `${path}/csv`, { token: owner.token });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const rows = csv.body
      .trimEnd()
      .split('\r\n')
      .map((r) => r.split(','));
    expect(rows[0]).toEqual([
      'scope',
      'id',
      'name',
      'month',
      'priceList',
      'item',
      'quantity',
      'unit',
      'unitPrice',
      'amount',
      'currency',
    ]);
    expect(rows.slice(1, -1).map((r) => [r[5], r[9]])).toEqual(
      json.lines.map((l) => [l.item, l.amount]),
    );
    expect(rows.at(-1)!.slice(5)).toEqual(['total', '', '', '', '6.91', 'USD']);

    const page = await api<string>(ts.url, 'GET', `${path}/html`, { token: owner.token });
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<td class="n" data-total>6.91 USD</td>');
    expect(page.body).toContain(`Invoice ${last.month}`);
    expect(page.body).not.toMatch(/<script/i);
  });

  it("an account's invoice for admins; refused to other sites' owners and to non-admins", async () => {
    const res = await api<Invoice>(
      ts.url,
      'GET',
      `/api/v1/admin/billing/accounts/${owner.id}/invoices/${last.month}`,
      { token: admin },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ scope: 'account', id: owner.id, total: '2.40' });
    const path = `/api/v1/sites/${ts.siteId}/invoices/${last.month}`;
    expect((await api(ts.url, 'GET', path, { token: ownerB })).status).toBe(403);
    expect(
      (
        await api(
          ts.url,
          'GET',
          `/api/v1/admin/billing/accounts/${owner.id}/invoices/${last.month}`,
          {
            token: owner.token,
          },
        )
      ).status,
    ).toBe(403);
  });

  it('refuses a month that has not started and a malformed month', async () => {
    const future = monthOf(Date.now(), -2).month;
    const res = await api<{ error: { message: string } }>(
      ts.url,
      'GET',
      `/api/v1/sites/${ts.siteId}/invoices/${future}`,
      { token: owner.token },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('has not started');
    const bad = await api<{ error: { message: string } }>(
      ts.url,
      'GET',
      `/api/v1/sites/${ts.siteId}/invoices/2025-13`,
      { token: owner.token },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('YYYY-MM');
  });

  it("a site's months for the charts: oldest first, priced like the invoices", async () => {
    const res = await api<BillingMonths>(
      ts.url,
      'GET',
      `/api/v1/sites/${ts.siteId}/billing/months?months=3`,
      { token: owner.token },
    );
    expect(res.status).toBe(200);
    expect(res.body.months.map((m) => m.month)).toEqual([
      monthOf(Date.now(), 2).month,
      last.month,
      monthOf(Date.now()).month,
    ]);
    expect(res.body.months.map((m) => m.total)).toEqual(['0.00', '6.91', '0.00']);
    expect(res.body.months.map((m) => m.partial)).toEqual([false, false, true]);
  });
});

describe('price lists and estimates', () => {
  it('saves the configuration with numbers as decimal strings', async () => {
    const res = await api<{ priceLists: Record<string, { consumePerGB: string }> }>(
      ts.url,
      'GET',
      '/api/v1/admin/billing/config',
      { token: admin },
    );
    expect(res.body.priceLists['free']?.consumePerGB).toBe('0');
  });

  it('refuses negative, non-numeric and unknown fields with the field named', async () => {
    const put = (config: unknown) =>
      api<{ error: { message: string } }>(ts.url, 'PUT', '/api/v1/admin/billing/config', {
        token: admin,
        body: config,
      });
    const negative = await put({ ...CONFIG, priceLists: { cloud: { ...PRICES, hlsPerGB: -1 } } });
    expect(negative.status).toBe(400);
    expect(negative.body.error.message).toBe(
      'body.priceLists.cloud.hlsPerGB: must not be negative',
    );
    const text = await put({ ...CONFIG, priceLists: { cloud: { ...PRICES, hlsPerGB: 'free' } } });
    expect(text.body.error.message).toMatch(
      /^body\.priceLists\.cloud\.hlsPerGB: must be a non-negative decimal/,
    );
    const unknown = await put({
      ...CONFIG,
      priceLists: { cloud: { ...PRICES, egressPerGB: '1' } },
    });
    expect(unknown.body.error.message).toBe(
      'body.priceLists.cloud: Unrecognized key: "egressPerGB"',
    );
    const dangling = await put({ ...CONFIG, invoicePriceList: 'gone' });
    expect(dangling.body.error.message).toBe('body.invoicePriceList: no price list named "gone"');
    // Nothing was saved.
    const now = await api<{ invoicePriceList: string }>(
      ts.url,
      'GET',
      '/api/v1/admin/billing/config',
      {
        token: admin,
      },
    );
    expect(now.body.invoicePriceList).toBe('cloud');
  });

  it('estimates hypothetical usage with the invoice arithmetic', async () => {
    const res = await api<Bill>(ts.url, 'POST', '/api/v1/admin/billing/estimate', {
      token: admin,
      body: { prices: PRICES, periodDays: last.days, usage: LAST_MONTH },
    });
    expect(res.status).toBe(200);
    const invoice = (
      await api<Invoice>(ts.url, 'GET', `/api/v1/sites/${ts.siteId}/invoices/${last.month}`, {
        token: owner.token,
      })
    ).body;
    expect(res.body).toEqual({ currency: 'USD', lines: invoice.lines, total: invoice.total });
    const owners = await api(ts.url, 'POST', '/api/v1/admin/billing/estimate', {
      token: owner.token,
      body: { prices: PRICES, usage: {} },
    });
    expect(owners.status).toBe(403);
  });
});

describe('saving', () => {
  it("compares this month's cloud cost of the site with its share of the box", async () => {
    const cameraA = await ts.mintWithId('camera');
    await ts.mintWithId('camera', { siteId: 'other-site' });
    const month = monthOf(Date.now());
    usage.set({ siteId: ts.siteId }, month.from, { consumeBytes: String(100n * GB) });
    const res = await api<Saving>(ts.url, 'GET', `/api/v1/sites/${ts.siteId}/billing/saving`, {
      token: owner.token,
    });
    expect(res.status).toBe(200);
    const invoice = (
      await api<Invoice>(ts.url, 'GET', `/api/v1/sites/${ts.siteId}/invoices/${month.month}`, {
        token: owner.token,
      })
    ).body;
    expect(res.body).toMatchObject({
      month: month.month,
      priceList: 'cloud',
      currency: 'USD',
      cloudCost: invoice.total, // 12.00
      cameras: 1,
      boxCameras: 2,
      // (8 + 10 W x 24 h x days / 1000 x 0.3) / 2 cameras
      boxPerCameraMonth: ((8 + (10 * 24 * month.days * 0.3) / 1000) / 2).toFixed(2),
    });
    expect(cameraA.id).toBeTruthy();
    const other = await api<{ error: { message: string } }>(
      ts.url,
      'GET',
      `/api/v1/sites/${ts.siteId}/billing/saving?priceList=nope`,
      { token: owner.token },
    );
    expect(other.status).toBe(404);
  });
});
