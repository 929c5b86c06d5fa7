// The core tracker in real Chromium, on the built dist/ files: the same specs for the script tag and the npm build.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BUILDS, contextCookies, sessionCookieMinutes, sleep, startHarness, trackerCookies, trackerPage, type Harness, type OpenedPage } from '../support/harness.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TILES = `
  <div id="tile" data-elevate-ticket="T-tile" style="padding:20px">Tile <span id="child">child text</span>
    <svg id="svg" width="40" height="40"><circle id="circle" cx="20" cy="20" r="18"/></svg></div>
  <div id="plain" style="padding:20px">No ticket here</div>
  <a id="leave" href="/next" data-elevate-ticket="T-leave">To the next page</a>
  <div id="stopper" style="padding:20px"><span id="stopped" data-elevate-ticket="T-stopped">stopped</span></div>
  <script>document.getElementById('stopper').addEventListener('click', (e) => e.stopPropagation(), true);</script>`;

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });
beforeEach(() => h.closePages());

describe.each(BUILDS)('%s build', (build) => {
  const options = () => ({ apiBase: h.apiBase, market: 'UK' });
  let opened: OpenedPage;

  async function open(path = '/shop', spec: { options?: Record<string, unknown>; body?: string; before?: string } = {}) {
    h.setPage(path, trackerPage(build, { options: options(), body: TILES, ...spec }));
    h.setPage('/next', trackerPage(build, { options: spec.options ?? options(), body: '<p>next page</p>' }));
    opened = await h.openPage();
    await h.gotoTracked(opened, path);
    return opened;
  }
  const keysOf = (page = opened.page) => page.evaluate(() => {
    const { customerKey, sessionKey } = (window as any).elevateTracker;
    return { customerKey, sessionKey };
  });

  afterEach(() => {
    expect(opened?.pageErrors ?? []).toEqual([]);
    expect(h.api.preflights, 'no request may need a CORS preflight').toEqual([]);
  });

  it('sends one click notification with the exact path, parameters and body', async () => {
    const { page } = await open();
    await page.click('#tile');
    const [click] = await h.api.waitFor(1, { type: 'click' });
    const keys = await keysOf();
    expect(click.method).toBe('POST');
    expect(click.path).toBe('/api/storefront/v3/notifications/click');
    expect(click.query).toEqual({ customerKey: keys.customerKey, market: 'UK', sessionKey: keys.sessionKey });
    expect(keys.customerKey).toMatch(UUID);
    expect(keys.sessionKey).toMatch(UUID);
    expect(click.contentType?.toLowerCase().replace(/\s/g, '')).toBe('text/plain;charset=utf-8');
    expect(JSON.parse(click.body!)).toEqual({ ticket: 'T-tile' });
    await sleep(300);
    expect(h.api.requests).toHaveLength(1);
  });

  it('finds the tile from a nested element, an SVG child and a middle click, one notification each', async () => {
    const { page } = await open();
    await page.click('#child');
    await page.click('#circle', { delay: 0 });
    await page.click('#tile', { button: 'middle' });
    await page.click('#plain');
    // The repeat window is 1 s per ticket; wait it out between the three clicks on the same tile.
    await h.api.waitFor(1, { type: 'click' });
    expect(h.api.delivered('click')).toHaveLength(1); // the SVG click came within the repeat window
    await sleep(1100);
    await page.click('#circle');
    await sleep(1100);
    await page.click('#tile', { button: 'middle' });
    const clicks = await h.api.waitFor(3, { type: 'click' });
    expect(clicks.map((click) => click.ticket)).toEqual(['T-tile', 'T-tile', 'T-tile']);
    await sleep(300);
    expect(h.api.requests).toHaveLength(3);
  });

  it('sends a double click once', async () => {
    const { page } = await open();
    await page.dblclick('#tile');
    await h.api.waitFor(1, { type: 'click' });
    await sleep(300);
    expect(h.api.requests).toHaveLength(1);
  });

  it('delivers a click that navigates away', async () => {
    const { page } = await open();
    await Promise.all([page.waitForURL('**/next'), page.click('#leave')]);
    const [click] = await h.api.waitFor(1, { type: 'click' });
    expect(click.ticket).toBe('T-leave');
  });

  it('is not hidden by a page that stops propagation', async () => {
    const { page } = await open();
    await page.click('#stopped');
    const [click] = await h.api.waitFor(1, { type: 'click' });
    expect(click.ticket).toBe('T-stopped');
  });

  it('keeps the keys across pages and reloads, in first-party cookies', async () => {
    const { page, context } = await open();
    const first = await keysOf();
    await page.reload();
    await page.waitForFunction(() => (window as any).elevateTracker?.click);
    expect(await keysOf()).toEqual(first);
    await Promise.all([page.waitForURL('**/next'), page.click('#leave')]);
    await page.waitForFunction(() => (window as any).elevateTracker?.click);
    expect(await keysOf()).toEqual(first);
    const cookies = await contextCookies(context);
    const customer = cookies.find((cookie) => cookie.name == 'elevate_customer_key')!;
    const session = cookies.find((cookie) => cookie.name == 'elevate_session_key')!;
    expect(customer.value).toBe(first.customerKey);
    expect(session.value).toBe(first.sessionKey);
    expect(customer).toMatchObject({ path: '/', sameSite: 'Lax', secure: false, httpOnly: false });
    const days = (customer.expires * 1000 - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(364.9);
    const now = Date.now();
    const minutes = (session.expires * 1000 - now) / 60_000;
    expect(minutes).toBeGreaterThan(sessionCookieMinutes(now) - 1);
    expect(minutes).toBeLessThanOrEqual(sessionCookieMinutes(now));
  });

  it('rotates the sessionKey after the session timeout and keeps the customerKey', async () => {
    // 0.03 minutes = 1.8 s without activity.
    const { page } = await open('/shop', { options: { ...options(), sessionTimeout: 0.03 } });
    const first = await keysOf();
    await page.click('#tile');
    await sleep(1200);
    await page.click('#child'); // activity within the timeout slides it on
    await sleep(1000);
    expect(await keysOf()).toEqual(first);
    await sleep(1500);
    await page.evaluate(() => (window as any).elevateTracker.click('T-later'));
    const clicks = await h.api.waitFor(3, { type: 'click' });
    const second = await keysOf();
    expect(second.customerKey).toBe(first.customerKey);
    expect(second.sessionKey).not.toBe(first.sessionKey);
    expect(clicks.map((click) => click.query.sessionKey)).toEqual([first.sessionKey, first.sessionKey, second.sessionKey]);
    // A new page after the timeout starts a new session too (the cookie expired with the session).
    await sleep(2000);
    await page.reload();
    await page.waitForFunction(() => (window as any).elevateTracker?.click);
    const third = await keysOf();
    expect(third.customerKey).toBe(first.customerKey);
    expect([first.sessionKey, second.sessionKey]).not.toContain(third.sessionKey);
  });

  it('ends the session with an end notification, then rotates the sessionKey', async () => {
    const { page, context } = await open();
    const first = await keysOf();
    await page.evaluate(() => (window as any).elevateTracker.end());
    const [end] = await h.api.waitFor(1, { type: 'end' });
    expect(end.path).toBe('/api/storefront/v3/notifications/end');
    expect(end.query).toEqual({ customerKey: first.customerKey, market: 'UK', sessionKey: first.sessionKey });
    const second = await keysOf();
    expect(second.customerKey).toBe(first.customerKey);
    expect(second.sessionKey).toMatch(UUID);
    expect(second.sessionKey).not.toBe(first.sessionKey);
    expect(await trackerCookies(context)).toEqual({ elevate_customer_key: first.customerKey, elevate_session_key: second.sessionKey });
    await page.click('#tile');
    const [click] = await h.api.waitFor(1, { type: 'click' });
    expect(click.query.sessionKey).toBe(second.sessionKey);
  });

  it('setCustomerKey keeps the session; reset gives new keys; a bad key is refused with one error', async () => {
    const { page, context } = await open();
    const first = await keysOf();
    await page.evaluate(() => (window as any).elevateTracker.setCustomerKey('c0ffee-customer-42'));
    expect(await keysOf()).toEqual({ customerKey: 'c0ffee-customer-42', sessionKey: first.sessionKey });
    expect((await trackerCookies(context)).elevate_customer_key).toBe('c0ffee-customer-42');
    await page.evaluate(() => (window as any).elevateTracker.setCustomerKey('someone@example.com'));
    expect(opened.consoleErrors).toHaveLength(1);
    expect(opened.consoleErrors[0]).toContain('never an e-mail');
    expect((await keysOf()).customerKey).toBe('c0ffee-customer-42');
    await page.evaluate(() => (window as any).elevateTracker.reset());
    const reset = await keysOf();
    expect(reset.customerKey).toMatch(UUID);
    expect(reset.customerKey).not.toBe(first.customerKey);
    expect(reset.sessionKey).not.toBe(first.sessionKey);
    expect(await trackerCookies(context)).toEqual({ elevate_customer_key: reset.customerKey, elevate_session_key: reset.sessionKey });
  });

  it('replaces garbage or tampered cookies with fresh keys', async () => {
    opened = await h.openPage();
    await opened.context.addCookies([
      { name: 'elevate_customer_key', value: '<script>alert(1)</script>', url: h.siteUrl },
      { name: 'elevate_session_key', value: 'not-a-uuid', url: h.siteUrl },
    ]);
    h.setPage('/tampered', trackerPage(build, { options: options(), body: TILES }));
    await h.gotoTracked(opened, '/tampered');
    const keys = await keysOf();
    expect(keys.customerKey).toMatch(UUID);
    expect(keys.sessionKey).toMatch(UUID);
    expect(await trackerCookies(opened.context)).toEqual({ elevate_customer_key: keys.customerKey, elevate_session_key: keys.sessionKey });
  });

  it('tracks with cookies disabled: keys live in memory, nothing throws', async () => {
    opened = await h.openPage();
    const cdp = await opened.context.newCDPSession(opened.page);
    await cdp.send('Emulation.setDocumentCookieDisabled', { disabled: true });
    h.setPage('/nocookies', trackerPage(build, { options: options(), body: TILES }));
    await h.gotoTracked(opened, '/nocookies');
    expect(await opened.page.evaluate(() => document.cookie)).toBe('');
    const keys = await keysOf();
    await opened.page.click('#tile');
    await sleep(1100);
    await opened.page.click('#child');
    const clicks = await h.api.waitFor(2, { type: 'click' });
    for (const click of clicks) expect(click.query).toMatchObject(keys);
    expect(await trackerCookies(opened.context)).toEqual({});
  });

  it('with a bad configuration: one error, no request, no cookie', async () => {
    opened = await h.openPage();
    h.setPage('/bad', trackerPage(build, { options: { clusterId: 'evil.example.com/x', market: 'UK' }, body: TILES }));
    await opened.page.goto(h.siteUrl + '/bad');
    await opened.page.waitForLoadState('load');
    await opened.page.click('#tile');
    await sleep(300);
    const message = 'Option clusterId (data-cluster-id) is invalid: "evil.example.com/x". Example: "w00000000" (letters, digits, hyphens).';
    if (build == 'script') {
      expect(opened.consoleErrors).toEqual([`[elevate-tracker] ${message}`]);
      expect(await opened.page.evaluate(() => (window as any).elevateTracker)).toBeUndefined();
    } else {
      expect(await opened.page.evaluate(() => (window as any).configError))
        .toEqual({ name: 'ElevateConfigError', option: 'clusterId', message, isTyped: true });
    }
    expect(h.api.requests).toEqual([]);
    expect(await contextCookies(opened.context)).toEqual([]);
  });

  it('destroy() removes every listener: clicks are no longer sent', async () => {
    const { page } = await open();
    await page.evaluate(() => (window as any).elevateTracker.destroy());
    await page.click('#tile');
    await page.evaluate(() => (window as any).elevateTracker.click('T-after-destroy'));
    await sleep(500);
    expect(h.api.requests).toEqual([]);
  });
});

describe('npm build', () => {
  it('a second tracker on the page takes over: each click counts once', async () => {
    const opened = await h.openPage();
    h.setPage('/two', trackerPage('esm', { options: { apiBase: h.apiBase, market: 'UK' }, body: TILES }));
    await h.gotoTracked(opened, '/two');
    // A string, so that vitest does not rewrite the page's dynamic import.
    await opened.page.evaluate(`import('/dist/index.js').then(({ createTracker }) => {
      window.second = createTracker({ apiBase: '${h.apiBase}', market: 'UK' });
    })`);
    await opened.page.click('#tile');
    await h.api.waitFor(1, { type: 'click' });
    await sleep(500);
    expect(h.api.requests).toHaveLength(1);
    expect(opened.pageErrors).toEqual([]);
  });
});

describe('script tag', () => {
  it('replays commands queued before it loaded, in order, then takes the queue\'s place', async () => {
    const opened = await h.openPage();
    h.setPage('/queued', trackerPage('script', {
      options: { apiBase: h.apiBase, market: 'UK' },
      before: `window.elevateTracker = window.elevateTracker || [];
        elevateTracker.push(['click', 'T-queued']);
        elevateTracker.push(['setCustomerKey', 'known-customer-7']);
        elevateTracker.push(['end']);`,
      body: TILES,
    }));
    await h.gotoTracked(opened, '/queued');
    const [click, end] = await h.api.waitFor(2);
    expect(click).toMatchObject({ type: 'click', ticket: 'T-queued' });
    expect(end.type).toBe('end');
    expect(end.query.customerKey).toBe('known-customer-7');
    expect(end.query.sessionKey).toBe(click.query.sessionKey);
    // push keeps working once the tracker is up; a bad command is one console error, never an exception.
    await opened.page.evaluate(() => (window as any).elevateTracker.push('end', null, ['noSuchMethod'], ['push']));
    expect(opened.consoleErrors).toHaveLength(4);
    expect(opened.consoleErrors[0]).toBe(`[elevate-tracker] unknown command "end"; e.g. push(['end'])`);
    await opened.page.evaluate(() => (window as any).elevateTracker.push(['click', 'T-pushed-later']));
    const clicks = await h.api.waitFor(2, { type: 'click' });
    expect(clicks[1].ticket).toBe('T-pushed-later');
    expect(clicks[1].query.sessionKey).not.toBe(click.query.sessionKey);
    expect(opened.pageErrors).toEqual([]);
  });

  it('reads every option from data-* attributes', async () => {
    const opened = await h.openPage();
    h.setPage('/data', trackerPage('script', {
      options: { apiBase: h.apiBase, market: 'SE', ticketAttribute: 'data-ticket', customerKeyCookie: 'ck', sessionKeyCookie: 'sk', sessionTimeout: 5, debug: true },
      body: '<div id="t" data-ticket="T-custom">custom attribute</div>',
    }));
    const debugLines: string[] = [];
    opened.page.on('console', (message) => message.text().startsWith('[elevate-tracker]') && debugLines.push(message.text()));
    await h.gotoTracked(opened, '/data');
    await opened.page.click('#t');
    const [click] = await h.api.waitFor(1, { type: 'click' });
    expect(click).toMatchObject({ ticket: 'T-custom', query: { market: 'SE' } });
    const cookies = await contextCookies(opened.context);
    expect(cookies.map((cookie) => cookie.name).sort()).toEqual(['ck', 'sk']);
    const minutes = (cookies.find((cookie) => cookie.name == 'sk')!.expires * 1000 - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(4);
    expect(minutes).toBeLessThanOrEqual(5);
    await expect.poll(() => debugLines.some((line) => line.includes('204'))).toBe(true);
  });

  it('leaves a foreign window.elevateTracker alone and says so once', async () => {
    const opened = await h.openPage();
    h.setPage('/taken', trackerPage('script', {
      options: { apiBase: h.apiBase, market: 'UK' },
      before: 'window.elevateTracker = { mine: true };',
      body: TILES,
    }));
    await opened.page.goto(h.siteUrl + '/taken');
    await expect.poll(() => opened.consoleErrors.length).toBe(1);
    expect(opened.consoleErrors[0]).toContain('window.elevateTracker is taken by something else');
    expect(await opened.page.evaluate(() => (window as any).elevateTracker)).toEqual({ mine: true });
    await opened.page.click('#tile');
    await h.api.waitFor(1, { type: 'click' });
    expect(opened.pageErrors).toEqual([]);
  });
});
