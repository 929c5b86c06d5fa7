// Consent, Global Privacy Control and forget() in real Chromium, for both builds.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BUILDS, contextCookies, sleep, startHarness, storedOutbox, trackerCookies, trackerPage, type Harness, type OpenedPage } from '../support/harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });
beforeEach(() => h.closePages());

const TILES = ['T-0', 'T-1', 'T-2', 'T-3'].map((ticket) => `<div class="tile" data-elevate-ticket="${ticket}">${ticket}</div>`).join('');
const tracker = (opened: OpenedPage, script: string) => opened.page.evaluate(`window.elevateTracker.${script}`);
const keysOf = (opened: OpenedPage) => opened.page.evaluate(() => {
  const { customerKey, sessionKey } = (window as any).elevateTracker;
  return { customerKey, sessionKey } as Record<string, string>;
});

describe.each(BUILDS)('%s build', (build) => {
  async function open(options: Record<string, unknown> = {}, { path = '/privacy', init = '' } = {}) {
    h.setPage(path, trackerPage(build, { options: { apiBase: h.apiBase, market: 'UK', ...options }, body: TILES }));
    const opened = await h.openPage();
    if (init) await opened.page.addInitScript(init);
    await h.gotoTracked(opened, path);
    return opened;
  }

  it('pending: no cookie and no request; clicks are held and sent once consent is granted', async () => {
    const opened = await open({ consent: 'pending' });
    await opened.page.click('[data-elevate-ticket="T-0"]');
    await opened.page.click('[data-elevate-ticket="T-1"]');
    await sleep(300);
    expect(h.api.requests).toEqual([]);
    expect(await contextCookies(opened.context)).toEqual([]);
    expect(await storedOutbox(opened.page)).toBeNull();
    const keys = await keysOf(opened);
    await tracker(opened, "setConsent('granted')");
    const clicks = await h.api.waitFor(2, { type: 'click' });
    expect(clicks.map((click) => [click.ticket, click.query.customerKey, click.query.sessionKey]))
      .toEqual([['T-0', keys.customerKey, keys.sessionKey], ['T-1', keys.customerKey, keys.sessionKey]]);
    expect(await trackerCookies(opened.context)).toEqual({ elevate_customer_key: keys.customerKey, elevate_session_key: keys.sessionKey });
    await opened.page.click('[data-elevate-ticket="T-2"]');
    await h.api.waitFor(3, { type: 'click' });
    expect(opened.pageErrors).toEqual([]);
  });

  it('pending, then denied: what was held is dropped, nothing is stored or sent', async () => {
    const opened = await open({ consent: 'pending' });
    await opened.page.click('[data-elevate-ticket="T-0"]');
    await tracker(opened, "setConsent('denied')");
    await opened.page.click('[data-elevate-ticket="T-1"]');
    await opened.page.goto(h.siteUrl + '/privacy'); // hiding and leaving the page must not send either
    await sleep(300);
    expect(h.api.requests).toEqual([]);
    expect(await contextCookies(opened.context)).toEqual([]);
    expect(await storedOutbox(opened.page)).toBeNull();
  });

  it('denied: existing tracker cookies and the outbox are deleted; clicks are not sent', async () => {
    // A visitor tracked before: key cookies, and a notification left undelivered in the outbox.
    const opened = await open();
    h.setPage('/denied', trackerPage(build, { options: { apiBase: h.apiBase, market: 'UK', consent: 'denied' }, body: TILES }));
    await opened.page.evaluate((apiBase) => localStorage.setItem('elevate_outbox', JSON.stringify([
      { url: `${apiBase}/api/v2/notifications/click?customerKey=c&market=UK&sessionKey=s`, body: '{"ticket":"T-old"}', at: Date.now(), tries: 1, due: Date.now() },
    ])), h.apiBase);
    await opened.page.evaluate(() => (window as any).elevateTracker.destroy());
    expect(await storedOutbox(opened.page)).toHaveLength(1);
    expect(Object.keys(await trackerCookies(opened.context)).sort()).toEqual(['elevate_customer_key', 'elevate_session_key']);
    await h.gotoTracked(opened, '/denied');
    expect(await storedOutbox(opened.page)).toBeNull();
    expect(await trackerCookies(opened.context)).toEqual({});
    await opened.page.click('[data-elevate-ticket="T-1"]');
    await sleep(300);
    expect(h.api.requests).toEqual([]);
  });

  it('forget(): ends the session, deletes cookies and outbox, returns the customerKey, stops until consent', async () => {
    const opened = await open();
    await opened.page.click('[data-elevate-ticket="T-0"]');
    await h.api.waitFor(1, { type: 'click' });
    const before = await keysOf(opened);
    const forgotten = await tracker(opened, 'forget()');
    expect(forgotten).toBe(before.customerKey);
    const [end] = await h.api.waitFor(1, { type: 'end' });
    expect(end.query).toMatchObject(before);
    expect(await contextCookies(opened.context)).toEqual([]);
    expect(await storedOutbox(opened.page)).toBeNull();
    await opened.page.click('[data-elevate-ticket="T-1"]');
    await sleep(300);
    expect(h.api.requests.filter((request) => request.type == 'click')).toHaveLength(1);
    await tracker(opened, "setConsent('granted')");
    await opened.page.click('[data-elevate-ticket="T-2"]');
    const clicks = await h.api.waitFor(2, { type: 'click' });
    expect(clicks[1].ticket).toBe('T-2');
    expect(clicks[1].query.customerKey).not.toBe(before.customerKey);
    expect((await trackerCookies(opened.context)).elevate_customer_key).toBe(clicks[1].query.customerKey);
  });

  /** A second tab of the same visitor (same context), on a page of the site with the same options. */
  async function secondTab(opened: OpenedPage, path = '/privacy') {
    const other: OpenedPage = { ...opened, page: await opened.context.newPage() };
    await h.gotoTracked(other, path);
    return other;
  }

  /** Arms a wait for the next consent change to reach `tab` from another tab; the tracker's listener runs first. */
  async function nextSignal(tab: OpenedPage) {
    await tab.page.evaluate(() => { (window as any).consentSignal = new Promise((resolve) => addEventListener('storage',
      (event) => event.key == 'elevate_consent' && event.newValue && resolve(event.newValue))); });
    return () => tab.page.evaluate(() => (window as any).consentSignal);
  }

  it('consent withdrawn in one tab stops the site\'s other tabs too; given again, they track with the same keys', async () => {
    const first = await open();
    const second = await secondTab(first);
    let reached = await nextSignal(second);
    await tracker(first, "setConsent('denied')");
    expect(await reached()).toBe('denied');
    await second.page.click('[data-elevate-ticket="T-0"]');
    await sleep(300);
    expect(h.api.requests).toEqual([]);
    expect(await contextCookies(first.context)).toEqual([]);
    reached = await nextSignal(second);
    await tracker(first, "setConsent('granted')");
    await reached();
    await second.page.click('[data-elevate-ticket="T-1"]');
    const [click] = await h.api.waitFor(1, { type: 'click' });
    expect(click.ticket).toBe('T-1');
    expect(click.query).toMatchObject(await keysOf(first));
    expect(await first.page.evaluate(() => Object.keys(localStorage))).toEqual([]); // the signal does not stay
    expect([...first.pageErrors, ...second.pageErrors]).toEqual([]);
  });

  it('forget() in one tab: the other tabs drop the forgotten key and stop', async () => {
    const first = await open();
    const second = await secondTab(first);
    const reached = await nextSignal(second);
    const forgotten = await tracker(first, 'forget()');
    expect(await reached()).toBe('forget');
    await h.api.waitFor(1, { type: 'end' });
    expect((await keysOf(second)).customerKey).not.toBe(forgotten);
    await second.page.click('[data-elevate-ticket="T-0"]');
    await sleep(300);
    expect(h.api.requests.filter((request) => request.type == 'click')).toEqual([]);
    expect(await contextCookies(first.context)).toEqual([]);
  });

  // Chromium hands the restored page the storage event it missed; where that cannot reach it (storage blocked here,
  // or a browser that drops events for cached pages), the missing key cookie tells it.
  it.each([
    ['the storage event', ''],
    ['the missing cookie, with storage blocked', "Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('blocked', 'SecurityError'); } });"],
  ])('forget() on another page, then Back: the restored page drops the key and stops (by %s)', async (_how, init) => {
    const opened = await open({}, { init });
    await opened.page.evaluate(() => addEventListener('pageshow', (event) => { (window as any).restored = event.persisted; }));
    const before = await keysOf(opened);
    h.setPage('/privacy-page', trackerPage(build, { options: { apiBase: h.apiBase, market: 'UK' } }));
    await h.gotoTracked(opened, '/privacy-page');
    expect(await tracker(opened, 'forget()')).toBe(before.customerKey);
    await h.api.waitFor(1, { type: 'end' });
    await opened.page.goBack({ waitUntil: 'commit' });
    await opened.page.waitForFunction(() => (window as any).restored !== undefined);
    expect(await opened.page.evaluate(() => (window as any).restored)).toBe(true); // from the cache, not reloaded
    expect((await keysOf(opened)).customerKey).not.toBe(before.customerKey);
    await opened.page.click('[data-elevate-ticket="T-0"]');
    await sleep(300);
    expect(h.api.requests.filter((request) => request.type == 'click')).toEqual([]);
    expect(await contextCookies(opened.context)).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
  });

  it('pending in two tabs, granted in one: the other sends what it held, with the keys the cookies now hold', async () => {
    const first = await open({ consent: 'pending' });
    const second = await secondTab(first);
    await second.page.click('[data-elevate-ticket="T-2"]');
    const reached = await nextSignal(second);
    await tracker(first, "setConsent('granted')");
    await reached();
    const [click] = await h.api.waitFor(1, { type: 'click' });
    expect(click.ticket).toBe('T-2');
    const cookies = await trackerCookies(first.context);
    expect(click.query).toMatchObject({ customerKey: cookies.elevate_customer_key, sessionKey: cookies.elevate_session_key });
    expect(await keysOf(second)).toEqual(await keysOf(first));
  });

  it('honours Global Privacy Control as denied, unless the site opts out', async () => {
    const gpc = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true });";
    const refused = await open({}, { path: '/gpc', init: gpc });
    await refused.page.click('[data-elevate-ticket="T-0"]');
    await tracker(refused, "setConsent('granted')"); // a site cannot override the browser's refusal
    await refused.page.click('[data-elevate-ticket="T-1"]');
    await sleep(300);
    expect(h.api.requests).toEqual([]);
    expect(await contextCookies(refused.context)).toEqual([]);

    const optedOut = await open({ globalPrivacyControl: false }, { path: '/gpc-off', init: gpc });
    await optedOut.page.click('[data-elevate-ticket="T-2"]');
    const [click] = await h.api.waitFor(1, { type: 'click' });
    expect(click.ticket).toBe('T-2');
  });

  it('refuses a consent value it does not know, with one console error', async () => {
    const opened = await open({ consent: 'pending' });
    await tracker(opened, "setConsent('yes')");
    expect(opened.consoleErrors).toEqual(['[elevate-tracker] setConsent: "yes" is not "granted", "pending" or "denied".']);
    await opened.page.click('[data-elevate-ticket="T-0"]');
    await sleep(200);
    expect(h.api.requests).toEqual([]);
  });
});

describe('script tag', () => {
  it('takes data-consent and a queued setConsent command', async () => {
    h.setPage('/queued-consent', trackerPage('script', {
      options: { apiBase: h.apiBase, market: 'UK', consent: 'pending' },
      before: "window.elevateTracker = [['click', 'T-queued'], ['setConsent', 'granted']];",
      body: TILES,
    }));
    const opened = await h.openPage();
    await h.gotoTracked(opened, '/queued-consent');
    const [click] = await h.api.waitFor(1, { type: 'click' });
    expect(click.ticket).toBe('T-queued');
  });
});
