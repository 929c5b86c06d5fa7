// The demo's inspector, as a person debugging an integration uses it: the store in one tab, the inspector in
// another (same origin, so it sees the cookies and the outbox), checking what it shows against what happened.
import { mkdirSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright';
import { useDemo } from '../support/demo.ts';
import { contextCookies, trackerCookies } from '../support/harness.ts';

const running = useDemo();
const contexts: BrowserContext[] = [];
const pageErrors: Error[] = [];
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
  await fetch(`${running.demo.apiUrl}/__standin/faults`, { method: 'PUT', body: '{}' });
  await fetch(`${running.demo.apiUrl}/__demo/session-faults`, { method: 'PUT', body: '{}' });
  expect(pageErrors.splice(0)).toEqual([]);
});

type Received = { type: string; ticket?: string; status: number | 'dropped'; query: Record<string, string> };
const received = async () => (await (await fetch(`${running.demo.apiUrl}/__standin/requests`)).json()) as Received[];
const clearLogs = () => Promise.all(['__standin/requests', '__demo/session-requests', '__demo/payments']
  .map((path) => fetch(`${running.demo.apiUrl}/${path}`, { method: 'DELETE' })));

/** expect.poll with room for a loaded machine (its default gives up after 1 s). */
const poll = <T>(read: () => T | Promise<T>, timeout = 5_000) => expect.poll(read, { timeout, interval: 50 });

/** A visitor's browser with the store in one tab and the inspector in another. */
async function openStoreAndInspector(consent?: 'granted') {
  await clearLogs();
  const context = await running.browser.newContext({ viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  if (consent) await context.addCookies([{ name: 'demo_consent', value: consent, url: running.demo.siteUrl }]);
  const [inspector, store] = [await context.newPage(), await context.newPage()];
  for (const page of [store, inspector]) page.on('pageerror', (error) => pageErrors.push(error));
  await inspector.goto(`${running.demo.siteUrl}/inspector.html`);
  await poll(() => inspector.locator('#requests-state').textContent()).toBe('live');
  // Actions go to the tab in front: a tab behind gets few animation frames, and Playwright's clicks wait for them
  // (both tabs stay visible to the page, so the tracker behaves the same).
  await store.bringToFront();
  await store.goto(`${running.demo.siteUrl}/`);
  await trackerIsUp(store);
  return { context, store, inspector };
}
const trackerIsUp = (page: Page) => page.waitForFunction(() => (window as any).elevateTracker?.click);
const trackerOf = (page: Page) => page.evaluate(() => ({
  customerKey: (window as any).elevateTracker.customerKey as string, sessionKey: (window as any).elevateTracker.sessionKey as string,
}));
const ticketOf = async (page: Page, selector: string) => (await page.locator(selector).first().getAttribute('data-elevate-ticket'))!;

/** The cells' text of each row of an inspector table, newest first. */
const rowsOf = (inspector: Page, tbody: string) => inspector.locator(`#${tbody} tr:not(.empty)`)
  .evaluateAll((rows) => rows.map((row) => [...(row as HTMLTableRowElement).cells].map((cell) => cell.innerText)));
/** The inspector's notification rows as { type, keys, body, verdict }. */
const requestRows = async (inspector: Page) => (await rowsOf(inspector, 'requests')).map(([, type, , keys, body, verdict]) => ({ type, keys, body, verdict }));
/** Who sent each notification, as the inspector shows it: "proxy" or "direct", then the headers that say so. */
const senderRows = async (inspector: Page) => (await rowsOf(inspector, 'requests')).map(([, , sender]) => sender);
/** The inspector's payment rows as { time, keys, lines, verdict }. */
const paymentRows = async (inspector: Page) => (await rowsOf(inspector, 'payments')).map(([time, keys, lines, verdict]) => ({ time, keys, lines, verdict }));
const cookiesOf = async (context: BrowserContext) =>
  Object.fromEntries((await contextCookies(context)).map((cookie) => [cookie.name, cookie.value])) as Record<string, string>;

async function screenshot(page: Page, name: string) {
  mkdirSync('test-results/demo', { recursive: true });
  await page.screenshot({ path: `test-results/demo/${name}.png` });
}

it('shows a visit as it happens: clicks, sign-in with the Session API, the end of the visit', async () => {
  const { context, store, inspector } = await openStoreAndInspector();
  // A first visit: the consent banner; nothing stored until the visitor accepts.
  expect(await cookiesOf(context)).toEqual({});
  await store.getByRole('button', { name: 'Accept' }).click();
  await poll(async () => (await cookiesOf(context)).elevate_customer_key).toBeTruthy();
  const guest = await trackerOf(store);

  // The banner (it links within the page), then a tile to its product page.
  await store.locator('a.banner').click();
  const tile = await ticketOf(store, '#listing .tile:nth-child(3)');
  await Promise.all([store.waitForURL('**/product.html?id=3'), store.locator('#listing .tile').nth(2).click()]);
  await trackerIsUp(store);
  await poll(() => requestRows(inspector)).toEqual([
    { type: expect.stringMatching(/^click\nPOST \/api\/storefront\/v3\/notifications\/click$/), keys: expect.stringContaining(guest.customerKey),
      body: expect.stringContaining(`{"ticket":"${tile}"}\nP1003 · /storefront/product-list #3`), verdict: '204' },
    { type: expect.stringMatching(/^click/), keys: expect.stringContaining(guest.sessionKey),
      body: expect.stringContaining('autumn-sale · /storefront/start #1'), verdict: '204' },
  ]);
  // Both through the storefront's proxy, which forwarded the browser's User-Agent and added X-Forwarded-For.
  const userAgent = await store.evaluate(() => navigator.userAgent);
  expect(await senderRows(inspector)).toEqual(Array(2).fill(`proxy\nX-Forwarded-For 127.0.0.1\nUser-Agent ${userAgent}`));

  // Sign in: setCustomerKey for the notifications, identify for the Session API.
  await store.getByRole('button', { name: 'Sign in' }).click();
  await poll(() => store.locator('#demo-who').textContent()).toBe('Signed in as Ada');
  await poll(() => inspector.locator('#cookie-customer-key').textContent()).toBe('demo-customer-1');
  await poll(async () => (await rowsOf(inspector, 'session-requests')).map(([, request, customer, , answer]) => [request.split(' ')[0], customer, answer.split('\n')[0]]))
    .toContainEqual(['POST', '1042', '200']);
  const related = await ticketOf(store, '#related .tile');
  await Promise.all([store.waitForURL('**/product.html?id=*'), store.locator('#related .tile').first().click()]);
  await trackerIsUp(store);
  await poll(async () => (await requestRows(inspector))[0])
    .toMatchObject({ keys: expect.stringContaining('customerKey demo-customer-1'), body: expect.stringContaining(related), verdict: '204' });

  // End the visit: an end notification for the session, then a new session.
  const visit = await trackerOf(store);
  await store.getByRole('button', { name: 'End visit' }).click();
  await poll(async () => (await requestRows(inspector))[0]).toMatchObject({
    type: expect.stringMatching(/^end\nPOST \/api\/storefront\/v3\/notifications\/end$/),
    keys: expect.stringContaining(`sessionKey ${visit.sessionKey}`), body: expect.stringMatching(/^\(none\)/), verdict: '204',
  });
  await poll(() => inspector.locator('#cookie-session-key').textContent()).not.toBe(visit.sessionKey);
  expect(await inspector.locator('#requests-summary').textContent()).toMatch(/^4 request\(s\): 4 delivered \(204\), 0 refused/);
  await inspector.bringToFront();
  await screenshot(inspector, 'inspector-visit');

  // Back to the listing: its panel shows the same log, and one more click comes in.
  await store.goto(`${running.demo.siteUrl}/`);
  await trackerIsUp(store);
  await store.bringToFront();
  await store.locator('a.banner').click();
  await store.evaluate(() => scrollTo(0, 0)); // the banner links to #products below
  await store.getByLabel('Search', { exact: true }).fill('tent');
  await poll(() => store.locator('#log tr').count()).toBe(5);
  await screenshot(store, 'store-visit');
  // The README's picture: written only on request, so that a test run never changes a committed file.
  if (process.env.UPDATE_DEMO_SCREENSHOT == '1') await store.screenshot({ path: 'docs/demo.png' });
});

it('fault switches: 500s are retried until the stand-in answers, a 400 shows its reason', async () => {
  const { store, inspector } = await openStoreAndInspector('granted');
  const banner = await ticketOf(store, 'a.banner');
  // The sponsored tile's ad impression first, so that it is not among the rows read below.
  await store.bringToFront();
  await store.locator('[data-elevate-impression-ticket]').scrollIntoViewIfNeeded();
  await poll(async () => (await received()).some((r) => r.type == 'ad-impression' && r.status == 204)).toBe(true);

  await inspector.bringToFront();
  await inspector.getByLabel('Fail with 500').selectOption('1');
  await poll(async () => (await fetch(`${running.demo.apiUrl}/__standin/faults`)).json()).toMatchObject({ fail500: 1 });
  await poll(() => inspector.locator('#fault-state').textContent()).toBe('on');
  await store.bringToFront();
  await store.locator('a.banner').click();
  await poll(async () => (await requestRows(inspector))[0])
    .toMatchObject({ body: expect.stringContaining(banner), verdict: '500 fault injected: cluster unavailable or busy\ninjected fault: 500' });

  // Switched off, the tracker's next retry gets through.
  await inspector.bringToFront();
  await inspector.getByRole('button', { name: 'All off' }).click();
  await poll(async () => (await requestRows(inspector))[0], 10_000)
    .toMatchObject({ body: expect.stringContaining(banner), verdict: '204' });
  await screenshot(inspector, 'inspector-retried');
  // (The sponsored tile's ad impression goes too, once it has been in view for a second.)
  expect((await received()).filter((r) => r.status == 204 && r.type == 'click').map((r) => r.ticket)).toEqual([banner]);

  // A 400 is final: the verdict says why, and nothing is sent again.
  await inspector.getByLabel('Refuse with 400').selectOption('1');
  await poll(async () => (await fetch(`${running.demo.apiUrl}/__standin/faults`)).json()).toMatchObject({ fail400: 1 });
  const tile = await ticketOf(store, '#listing .tile');
  await store.bringToFront();
  await Promise.all([store.waitForURL('**/product.html*'), store.locator('#listing .tile').first().click()]);
  await poll(async () => (await requestRows(inspector))[0])
    .toMatchObject({ body: expect.stringContaining(tile), verdict: '400 fault injected\ninjected fault: 400' });

  // Latency, dropped connections and the Session API switch reach the stand-ins.
  await inspector.bringToFront();
  await inspector.getByLabel('Refuse with 400').selectOption('0');
  await inspector.getByLabel('Latency').selectOption('300');
  await inspector.getByLabel('Drop the connection').selectOption('0.1');
  await inspector.getByLabel('Session API down').check();
  await poll(async () => (await fetch(`${running.demo.apiUrl}/__standin/faults`)).json())
    .toEqual({ fail500: 0, fail400: 0, drop: 0.1, latencyMs: 300 });
  await poll(async () => (await fetch(`${running.demo.apiUrl}/__demo/session-faults`)).json()).toEqual({ down: true, latencyMs: 0 });
  await inspector.getByRole('button', { name: 'All off' }).click();
  await poll(async () => (await fetch(`${running.demo.apiUrl}/__standin/faults`)).json())
    .toEqual({ fail500: 0, fail400: 0, drop: 0, latencyMs: 0 });
  await poll(async () => (await fetch(`${running.demo.apiUrl}/__demo/session-faults`)).json()).toEqual({ down: false, latencyMs: 0 });
  await poll(() => inspector.locator('#fault-state').textContent()).toBe('off');
});

it('shows the outbox a page left behind offline, and empties it when the next page delivers it', async () => {
  const { context, store, inspector } = await openStoreAndInspector('granted');
  const banner = await ticketOf(store, 'a.banner');
  await context.setOffline(true);
  await store.waitForFunction(() => !navigator.onLine); // the page learns it a moment later
  await store.locator('a.banner').click();
  // Leaving the page stores what it could not send (offline, not even a beacon goes).
  await store.goto('about:blank');
  await poll(async () => (await rowsOf(inspector, 'outbox')).map(([type, ticket, tries]) => [type.split('\n')[0], ticket, tries]))
    .toEqual([['click', 'autumn-sale · /storefront/start #1', '0']]);
  expect(await inspector.locator('#outbox-count').textContent()).toBe('1');
  await inspector.bringToFront();
  await screenshot(inspector, 'inspector-outbox');

  await context.setOffline(false);
  await store.goto(`${running.demo.siteUrl}/`);
  await poll(() => inspector.locator('#outbox-count').textContent()).toBe('0');
  await poll(async () => (await requestRows(inspector))[0], 10_000)
    .toMatchObject({ body: expect.stringContaining(banner), verdict: '204' });
});

it('consent: pending holds clicks, granted sends them, denied deletes the cookies, forget returns the key', async () => {
  const { context, store, inspector } = await openStoreAndInspector();
  expect(await store.locator('#demo-bar [data-consent]').allTextContents()).toEqual(['granted', 'pending', 'denied']);
  const elevateCookies = async () => Object.keys(await trackerCookies(context)).sort();

  // Pending (no choice yet): the click is held in the page, nothing stored or sent.
  expect(await store.getByRole('button', { name: 'pending' }).getAttribute('aria-pressed')).toBe('true');
  const banner = await ticketOf(store, 'a.banner');
  await store.locator('a.banner').click();
  expect(await elevateCookies()).toEqual([]);
  expect(await received()).toEqual([]);

  // Granted: the held click goes (only now), the keys are stored, a Session API session starts.
  const grantedAt = Date.now();
  await store.getByRole('button', { name: 'granted' }).click();
  await poll(async () => (await requestRows(inspector))[0]).toMatchObject({ body: expect.stringContaining(banner), verdict: '204' });
  const [held] = (await received()) as (Received & { time: number })[];
  expect(held.time).toBeGreaterThanOrEqual(grantedAt);
  await poll(elevateCookies).toEqual(['elevate_customer_key', 'elevate_session_key']);
  await poll(() => inspector.locator('#cookie-session-api').textContent()).not.toBe('(no session yet)');
  await poll(() => inspector.locator('#cookie-consent').textContent()).toBe('granted (recorded by the site)');

  // Denied: the tracker's cookies go; the site keeps the choice.
  await store.getByRole('button', { name: 'denied' }).click();
  await poll(elevateCookies).toEqual([]);
  expect((await cookiesOf(context)).demo_consent).toBe('denied');

  // Forget: granted again, then forgotten. The visit's end goes out first; the site gets the key for its removal job.
  await store.getByRole('button', { name: 'granted' }).click();
  await poll(elevateCookies).toContain('elevate_customer_key');
  const { customerKey, sessionKey } = await trackerOf(store);
  await store.getByRole('button', { name: 'Forget me' }).click();
  await poll(() => store.locator('#demo-toast').textContent()).toContain(`forget() returned ${customerKey}`);
  expect(await store.locator('#demo-toast').textContent()).toContain(`npx elevate-tracker remove-customer ${customerKey}`);
  await poll(elevateCookies).toEqual([]);
  await poll(async () => (await received()).filter((r) => r.type == 'end').map((r) => [r.query.customerKey, r.query.sessionKey, r.status]))
    .toEqual([[customerKey, sessionKey, 204]]);
  await poll(() => store.getByRole('button', { name: 'denied' }).getAttribute('aria-pressed')).toBe('true');
  await screenshot(store, 'store-forgotten');
});

it('the route switch: through the proxy the inspector shows the forwarded headers, direct the browser\'s Origin', async () => {
  const { context, store, inspector } = await openStoreAndInspector('granted');
  const userAgent = await store.evaluate(() => navigator.userAgent);
  const { siteUrl } = running.demo;
  expect(await store.getByRole('button', { name: 'proxy', exact: true }).getAttribute('aria-pressed')).toBe('true');
  expect(await store.locator('#api-base').textContent()).toBe(`${siteUrl}/elevate (the proxy)`);
  await poll(() => inspector.locator('#cookie-route').textContent()).toBe('proxy: /elevate on this origin (the demo\'s default)');
  await store.locator('a.banner').click();
  await poll(() => senderRows(inspector)).toEqual([`proxy\nX-Forwarded-For 127.0.0.1\nUser-Agent ${userAgent}`]);

  // Direct: the page reloads with the stand-in as its apiBase, and the browser sends across origins.
  await Promise.all([store.waitForEvent('load'), store.getByRole('button', { name: 'direct', exact: true }).click()]);
  await trackerIsUp(store);
  expect((await cookiesOf(context)).demo_route).toBe('direct');
  expect(await store.getByRole('button', { name: 'direct', exact: true }).getAttribute('aria-pressed')).toBe('true');
  expect(await store.locator('#api-base').textContent()).toBe(running.demo.apiUrl);
  await poll(() => inspector.locator('#cookie-route').textContent()).toBe('direct: the browser sends across origins (chosen in the store)');
  await store.locator('a.banner').click();
  await poll(async () => (await senderRows(inspector))[0]).toBe(`direct\nOrigin ${siteUrl}\nno X-Forwarded-For\nUser-Agent ${userAgent}`);
  await inspector.bringToFront();
  await screenshot(inspector, 'inspector-routes');

  // And back.
  await store.bringToFront();
  await Promise.all([store.waitForEvent('load'), store.getByRole('button', { name: 'proxy', exact: true }).click()]);
  await trackerIsUp(store);
  await store.locator('a.banner').click();
  await poll(async () => (await senderRows(inspector))[0]).toMatch(/^proxy\nX-Forwarded-For 127\.0\.0\.1\nUser-Agent /);
  expect((await requestRows(inspector)).map((row) => row.verdict)).toEqual(['204', '204', '204']);
});

it('Place order: the server sends the payment with the page\'s keys, and the inspector shows it as the admin stand-in got it', async () => {
  const { store, inspector } = await openStoreAndInspector('granted');
  await poll(() => inspector.locator('#payments-state').textContent()).toBe('live');
  await Promise.all([store.waitForURL('**/product.html?id=3'), store.locator('#listing .tile').nth(2).click()]);
  await trackerIsUp(store);
  expect(await store.getByRole('button', { name: 'Place order' }).isDisabled()).toBe(true);
  await store.getByRole('button', { name: 'Add to bag' }).click();
  await store.getByRole('button', { name: 'Add to bag' }).click();
  await poll(() => store.locator('#bag li').allTextContents()).toEqual(['2 × Skerry Windbreaker · £178']);
  const { customerKey, sessionKey } = await trackerOf(store);
  await store.getByRole('button', { name: 'Place order · £178' }).click();
  await poll(() => store.locator('#order-result').textContent()).toMatch(/^Order NV-\d+ placed \(£178\)\. Payment notification taken by Elevate \(204\)/);
  expect(await store.locator('#order-result').textContent()).toContain(`the keys of your tracker cookies: customerKey ${customerKey}, sessionKey ${sessionKey}.`);
  expect(await store.locator('#bag li').count()).toBe(0);
  await screenshot(store, 'store-order');
  await poll(() => paymentRows(inspector)).toEqual([{
    time: expect.stringMatching(/\n#1 · POST \/api\/admin\/v4\/notifications\/payment$/),
    keys: `customerKey ${customerKey}\nsessionKey ${sessionKey} · market UK`,
    lines: 'P1003-01 × 2 = 178', verdict: '204',
  }]);
  expect(await inspector.locator('#payments-summary').textContent()).toMatch(/^1 payment notification\(s\), 1 taken \(204\)/);
  await inspector.bringToFront();
  await screenshot(inspector, 'inspector-payment');

  // Without consent the order is placed, and Elevate hears nothing of it.
  await store.bringToFront();
  await store.getByRole('button', { name: 'denied' }).click();
  await store.getByRole('button', { name: 'Add to bag' }).click();
  await store.getByRole('button', { name: 'Place order · £89' }).click();
  await poll(() => store.locator('#order-result').textContent())
    .toMatch(/^Order NV-\d+ placed \(£89\)\. Not sent to Elevate: the visitor's consent is denied/);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(await paymentRows(inspector)).toHaveLength(1);
});
