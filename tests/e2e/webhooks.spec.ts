import { expect, test, type Browser, type Page } from '@playwright/test';
import { verifyWebhookSignature } from '../../packages/sdk/src/webhooks.ts';
import { startTestServer, type TestServer } from '../support/testServer.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhookReceiver.ts';

test.describe.configure({ mode: 'serial' });

let ts: TestServer;
let receiver: WebhookReceiver;
const OWNER = { email: 'wendy@example.com', password: 'owner-password-1' };

test.beforeAll(async () => {
  receiver = await startWebhookReceiver();
  // The receiver is on loopback: only a test server may deliver there.
  ts = await startTestServer(
    // One attempt: a failure is a dead letter at once (the retry schedule has its own tests).
    { webhooks: { allowPrivateTargets: true, maxAttempts: 1 } },
    { webhookCa: receiver.ca },
  );
  await ts.createPerson({ ...OWNER, siteRole: 'owner' });
});
test.afterAll(async () => {
  await ts?.close();
  await receiver?.close();
});

async function ownerOnPhone(browser: Browser): Promise<Page> {
  const ctx = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await ctx.newPage();
  await page.goto(`${ts.url}/`);
  await page.getByTestId('login-email').fill(OWNER.email);
  await page.getByTestId('login-password').fill(OWNER.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('tab-notifications').click();
  await page.getByTestId('settings-webhooks').click();
  await expect(page.getByTestId('webhooks-empty')).toBeVisible({ timeout: 15_000 });
  return page;
}

/** Nothing on the page is wider than the phone (no sideways scrolling). */
async function fitsWidth(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(scroll).toBeLessThanOrEqual(client);
}

test('an owner adds an endpoint, sees its secret once, sends a test and sees it delivered', async ({
  browser,
}) => {
  const page = await ownerOnPhone(browser);
  await expect(page).toHaveURL(/\/settings\/webhooks$/);
  await page.getByTestId('webhook-add-url').fill(receiver.url);
  await page.locator('[data-testid="webhook-add-event"][value="device.offline"]').check();
  await page.getByTestId('webhook-add-submit').click();

  const secret = (await page.getByTestId('webhook-secret').textContent())!;
  expect(secret).toMatch(/^whsec_/);
  await expect(page.getByTestId('webhook-secret-copy')).toBeVisible();
  await expect(page.getByTestId('webhook-url')).toHaveText(receiver.url);
  await fitsWidth(page);
  await page.screenshot({ path: 'test-results/webhooks-phone-secret.png', fullPage: true });
  await page.getByTestId('webhook-secret-done').click();
  await expect(page.getByTestId('webhook-secret-panel')).toHaveCount(0);

  await page.getByTestId('webhook-test').click();
  const delivery = page.getByTestId('webhook-delivery');
  await expect(delivery).toHaveAttribute('data-status', 'delivered', { timeout: 15_000 });
  await expect(delivery).toHaveAttribute('data-event-type', 'webhook.test');
  await expect(page.getByTestId('webhook-delivery-outcome')).toContainText('200 in');
  await fitsWidth(page);
  await page.screenshot({ path: 'test-results/webhooks-phone-log.png', fullPage: true });

  // The receiver got it, signed with the secret the page showed.
  expect(receiver.received).toHaveLength(1);
  const got = receiver.received[0]!;
  const envelope = verifyWebhookSignature({
    body: got.body,
    signature: String(got.headers['porchlight-signature']),
    secret,
  });
  expect(envelope.type).toBe('webhook.test');

  // A failing receiver: the delivery becomes a dead letter, which the owner sends again.
  receiver.script.push(500);
  await page.getByTestId('webhook-test').click();
  await page.getByTestId('webhook-log-dead').click();
  const dead = page.locator('[data-testid="webhook-delivery"][data-status="dead"]');
  await expect(dead).toHaveCount(1, { timeout: 15_000 });
  await expect(dead.getByTestId('webhook-delivery-outcome')).toContainText('HTTP 500');
  await fitsWidth(page);
  await page.screenshot({ path: 'test-results/webhooks-phone-dead.png', fullPage: true });
  await dead.getByTestId('webhook-redeliver').click();
  await expect(page.getByTestId('webhook-log-empty')).toHaveText('No dead letters.', {
    timeout: 15_000,
  });
  await page.getByTestId('webhook-log-recent').click();
  await expect(
    page.locator('[data-testid="webhook-delivery"][data-status="delivered"]'),
  ).toHaveCount(2, { timeout: 15_000 });
  expect(receiver.received).toHaveLength(3);

  // The secret is never shown again: not after a reload either.
  await page.reload();
  await expect(page.getByTestId('webhook-row')).toHaveCount(1, { timeout: 15_000 });
  await expect(page.getByTestId('webhook-secret')).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);
  await page.context().close();
});
