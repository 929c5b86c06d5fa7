// Delivery under faults, offline, navigation, two tabs and hostile browsers, in real Chromium on the built bundle.
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import type { Page } from 'playwright';
import { goOffline, sleep, startHarness, storedOutbox, trackerPage, type Harness } from '../support/harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });
beforeEach(() => h.closePages());

const tiles = (count: number, prefix = 'T') => Array.from({ length: count }, (_, index) =>
  `<a class="tile" href="#${index}" data-elevate-ticket="${prefix}-${index}">Product ${index}</a>`).join('\n');
const tickets = (count: number, prefix = 'T') => Array.from({ length: count }, (_, index) => `${prefix}-${index}`);

/** Clicks every tile (each a distinct ticket) through the page's own click listener. */
const clickAll = (page: Page, selector = '.tile') => page.evaluate((selector) => {
  document.querySelectorAll<HTMLElement>(selector).forEach((tile) => tile.click());
}, selector);

async function openShop(spec: { count?: number; options?: Record<string, unknown>; path?: string } = {}) {
  const path = spec.path ?? '/shop';
  // Cacheable, so that the page loads offline too (as from a service worker or the HTTP cache).
  h.setPage(path, trackerPage('script', { options: { apiBase: h.apiBase, market: 'UK', ...spec.options }, body: tiles(spec.count ?? 10) }),
    { 'Cache-Control': 'max-age=600' });
  const opened = await h.openPage();
  return opened;
}

/** Tickets delivered (204), and how many times each arrived. */
function deliveredTickets(harness = h) {
  const counts = new Map<string, number>();
  for (const request of harness.api.delivered('click')) counts.set(request.ticket!, (counts.get(request.ticket!) ?? 0) + 1);
  return { unique: [...counts.keys()].sort(), duplicates: [...counts.values()].reduce((sum, n) => sum + n - 1, 0) };
}

/**
 * Moves the page's clock on in steps until `done()` or the fake time runs out. Each step waits until the stand-in
 * is quiet, so that fake time never outruns a real request (the clock fakes AbortSignal.timeout too).
 */
async function runClockUntil(page: Page, done: () => boolean, { stepMs = 5_000, maxMs = 15 * 60_000 } = {}) {
  for (let elapsed = 0; !done() && elapsed < maxMs; elapsed += stepMs) {
    await h.settle(60);
    await page.clock.runFor(stepMs);
  }
}

/** How many entries pages left in storage. */
const storedCount = async (page: Page) => (await storedOutbox(page))?.length ?? 0;

describe('under faults', () => {
  it('delivers all 300 clicks while the API fails 30% with 500 and drops 10% of connections', async () => {
    const opened = await openShop({ count: 300 });
    await opened.page.clock.install();
    await h.gotoTracked(opened, '/shop');
    h.api.setFaults({ fail500: 0.3, drop: 0.1, seed: 42 });
    const started = Date.now();
    await clickAll(opened.page);
    await runClockUntil(opened.page, () => deliveredTickets().unique.length == 300);
    const { unique, duplicates } = deliveredTickets();
    const sent = h.api.requests.length;
    console.log(`faults 30% 500 + 10% dropped: delivered ${unique.length}/300 tickets, ${sent} requests, ` +
      `${h.api.requests.filter((r) => r.fault == '500').length} answered 500, ${h.api.requests.filter((r) => r.fault == 'drop').length} dropped, ` +
      `${duplicates} duplicates, ${Date.now() - started} ms`);
    expect(unique).toEqual(tickets(300).sort());
    expect(duplicates).toBeLessThanOrEqual(3);
    expect(opened.pageErrors).toEqual([]);
  });

  it('does not retry a 400, and retries 500s with growing delays', async () => {
    const opened = await openShop();
    await opened.page.clock.install();
    await h.gotoTracked(opened, '/shop');
    h.api.setFaults({ fail400: 1 });
    await opened.page.click('[data-elevate-ticket="T-1"]');
    await h.api.waitFor((requests) => requests.length == 1);
    await runClockUntil(opened.page, () => false, { stepMs: 30_000, maxMs: 5 * 60_000 });
    expect(h.api.requests).toHaveLength(1);

    h.api.reset();
    h.api.setFaults({ fail500: 1 });
    await opened.page.click('[data-elevate-ticket="T-2"]');
    await h.api.waitFor((requests) => requests.length == 1);
    // Page time at which each attempt arrived, in 100 ms steps of the page's clock.
    const arrivals = [0];
    for (let elapsed = 0; arrivals.length < 4 && elapsed < 20_000; elapsed += 100) {
      await opened.page.clock.runFor(100);
      await sleep(15);
      if (h.api.requests.length > arrivals.length) arrivals.push(elapsed);
    }
    const gaps = arrivals.slice(1).map((at, index) => at - arrivals[index]);
    console.log(`retry delays after 500s (page time, ms): ${gaps.join(', ')}`);
    expect(gaps).toHaveLength(3);
    expect(gaps[0]).toBeGreaterThanOrEqual(600);
    expect(gaps[0]).toBeLessThanOrEqual(1_400);
    expect(gaps[1]).toBeGreaterThan(gaps[0]);
    expect(gaps[2]).toBeGreaterThan(gaps[1]);
    h.api.setFaults({});
    await runClockUntil(opened.page, () => h.api.delivered('click').length == 1, { stepMs: 1_000 });
    expect(h.api.delivered('click').map((request) => request.ticket)).toEqual(['T-2']);
    expect(opened.pageErrors).toEqual([]);
  });

  it('delivers a click that navigates away while the API takes 2 s to answer', async () => {
    const opened = await openShop();
    h.setPage('/elsewhere', '<!doctype html><p>another site page without the tracker</p>');
    await h.gotoTracked(opened, '/shop');
    h.api.setFaults({ latencyMs: 2_000 });
    await opened.page.evaluate(() => {
      const link = document.querySelector<HTMLAnchorElement>('[data-elevate-ticket="T-3"]')!;
      link.href = '/elsewhere';
    });
    await Promise.all([opened.page.waitForURL('**/elsewhere'), opened.page.click('[data-elevate-ticket="T-3"]')]);
    const [click] = await h.api.waitFor(1, { type: 'click', timeoutMs: 6_000 });
    expect(click.ticket).toBe('T-3');
  });
});

describe('navigation', () => {
  it('delivers each of 20 clicks that navigate exactly once, on pages that are really unloaded', async () => {
    // Without the back/forward cache every page is unloaded; the host page has its own pagehide listener, which
    // runs before the tracker's, as analytics scripts often do.
    const h = await startHarness(['--disable-back-forward-cache']);
    onTestFinished(() => h.close());
    const host = `addEventListener('pagehide', () => localStorage.setItem('host-saw-pagehide', Date.now()));`;
    for (let n = 0; n < 21; n++) {
      h.setPage(`/p${n}`, trackerPage('script', { options: { apiBase: h.apiBase, market: 'UK' }, before: host,
        body: `<a id="next" href="/p${n + 1}" data-elevate-ticket="T-${n}">next</a>` }));
    }
    const opened = await h.openPage();
    await h.gotoTracked(opened, '/p0');
    // Slow answers: each click is still in flight when its page unloads.
    h.api.setFaults({ latencyMs: 150 });
    for (let n = 0; n < 20; n++) {
      await Promise.all([opened.page.waitForURL(`**/p${n + 1}`), opened.page.click('#next')]);
      await opened.page.waitForFunction(() => (window as any).elevateTracker?.click);
    }
    await h.api.waitFor(20, { type: 'click' });
    await h.settle(300);
    expect(deliveredTickets(h)).toEqual({ unique: tickets(20).sort(), duplicates: 0 });
    expect(opened.pageErrors).toEqual([]);
  });
});

describe('offline', () => {
  it('keeps 50 clicks while offline and sends all of them when back online', async () => {
    const opened = await openShop({ count: 50 });
    await h.gotoTracked(opened, '/shop');
    await goOffline(opened);
    await clickAll(opened.page);
    await sleep(500);
    expect(h.api.requests).toEqual([]);
    await opened.context.setOffline(false);
    await h.api.waitFor(50, { type: 'click' });
    expect(deliveredTickets()).toEqual({ unique: tickets(50).sort(), duplicates: 0 });
    expect(opened.pageErrors).toEqual([]);
  });

  it('keeps them across a reload while offline, and the new page sends them', async () => {
    const opened = await openShop({ count: 20 });
    await h.gotoTracked(opened, '/shop');
    await goOffline(opened);
    await clickAll(opened.page);
    // The page is loaded again offline, from the HTTP cache: a new page of the same site.
    await opened.page.goto(h.siteUrl + '/shop');
    await opened.page.waitForFunction(() => (window as any).elevateTracker?.click);
    await expect.poll(() => storedCount(opened.page), { message: 'the new page takes the stored entries over' }).toBe(0);
    expect(h.api.requests).toEqual([]);
    await opened.context.setOffline(false);
    await h.api.waitFor(20, { type: 'click' });
    expect(deliveredTickets()).toEqual({ unique: tickets(20).sort(), duplicates: 0 });
    expect(opened.pageErrors).toEqual([]);
  });

  it('keeps at most 100 waiting entries: the oldest are dropped, nothing throws', async () => {
    const opened = await openShop({ count: 130, options: { debug: true } });
    const lines: string[] = [];
    opened.page.on('console', (message) => lines.push(message.text()));
    await h.gotoTracked(opened, '/shop');
    await goOffline(opened);
    await clickAll(opened.page);
    await opened.context.setOffline(false);
    await h.api.waitFor(100, { type: 'click' });
    await sleep(500);
    expect(deliveredTickets()).toEqual({ unique: tickets(130).slice(30).sort(), duplicates: 0 });
    expect(lines.filter((line) => line.includes('dropped: outbox full'))).toHaveLength(30);
    expect(opened.pageErrors).toEqual([]);
  });
});

describe('storage bounds', () => {
  it('stores only the newest entries within 64 KiB when the page goes away; the next page sends them', async () => {
    // 40 tickets of 3,000 characters: an entry weighs about 3.2 KB, so about 20 fit in 64 KiB.
    const ticket = (index: number) => `B-${index}-${'x'.repeat(3000)}`;
    const body = Array.from({ length: 40 }, (_, index) => `<a class="tile" data-elevate-ticket="${ticket(index)}">${index}</a>`).join('');
    h.setPage('/big', trackerPage('script', { options: { apiBase: h.apiBase, market: 'UK' }, body,
      // Every beacon refused (as beyond the browser's quota): what waits when the page goes can only be stored.
      before: 'navigator.sendBeacon = () => false;' }));
    h.setPage('/no-tracker', '<!doctype html><p>a page of the site without the tracker</p>');
    // The first six requests hang; the other 34 clicks wait behind them.
    h.api.setFaults({ latencyMs: 2_000 });
    const opened = await h.openPage();
    await h.gotoTracked(opened, '/big');
    await clickAll(opened.page);
    await opened.page.goto(h.siteUrl + '/no-tracker');
    const stored = (await storedOutbox(opened.page))!;
    const indexes = stored.map((entry) => +JSON.parse(entry.body).ticket.split('-')[1]);
    const bytes = stored.reduce((sum, entry) => sum + entry.url.length + entry.body.length, 0);
    const entryBytes = bytes / stored.length;
    expect(bytes).toBeLessThanOrEqual(65_536);
    expect(bytes + entryBytes).toBeGreaterThan(65_536); // as many as fit
    expect(indexes).toEqual(Array.from({ length: stored.length }, (_, index) => 40 - stored.length + index)); // the newest
    h.api.setFaults({});
    await h.gotoTracked(opened, '/big');
    await expect.poll(() => indexes.filter((index) => deliveredTickets().unique.includes(ticket(index))).length,
      // Behind the six hanging requests, which hold the browser's connections to the API host for a while.
      { message: 'the next page of the site sends what was stored', timeout: 10_000 }).toBe(indexes.length);
    expect(opened.pageErrors).toEqual([]);
  });
});

describe('storage garbage', () => {
  it('removes what is not an outbox under its keys, sends the valid entries, and leaves other keys alone', async () => {
    h.setPage('/no-tracker', '<!doctype html><p>a page of the site without the tracker</p>');
    h.setPage('/tab', trackerPage('script', { options: { apiBase: h.apiBase, market: 'UK' } }));
    const opened = await h.openPage();
    await opened.page.goto(h.siteUrl + '/no-tracker');
    await opened.page.evaluate((apiBase) => {
      const entry = { url: `${apiBase}/api/v2/notifications/click?customerKey=c&market=UK&sessionKey=0b05119e-eeb8-418a-bbfb-defa0dde417e`,
        body: '{"ticket":"G-1"}', at: Date.now(), tries: 0, due: Date.now() };
      localStorage.setItem('elevate_outbox.1', '{not json');
      localStorage.setItem('elevate_outbox.2', '{"url":"not a list"}');
      localStorage.setItem('elevate_outbox.3', JSON.stringify([null, 7, { url: 5 }, entry]));
      localStorage.setItem('elevate_outbox_site', 'the site\'s own');
    }, h.apiBase);
    await h.gotoTracked(opened, '/tab');
    await h.api.waitFor(1, { type: 'click' });
    expect(deliveredTickets()).toEqual({ unique: ['G-1'], duplicates: 0 });
    expect(await opened.page.evaluate(() => Object.keys(localStorage))).toEqual(['elevate_outbox_site']);
    expect(opened.pageErrors).toEqual([]);
  });
});

describe('two tabs', () => {
  it('share the stored outbox without sending an entry twice', async () => {
    const opened = await openShop({ count: 40 });
    // A page of the site without the tracker, to look into storage.
    h.setPage('/no-tracker', '<!doctype html><p>a page of the site without the tracker</p>');
    const look = await opened.context.newPage();
    await look.goto(h.siteUrl + '/no-tracker');
    await h.gotoTracked(opened, '/shop');
    await goOffline(opened);
    await clickAll(opened.page);
    // The tab is closed offline: what it holds is stored for the next page of the site. (With runBeforeUnload,
    // close() returns before the page is gone.)
    const closed = new Promise((resolve) => opened.page.once('close', resolve));
    await opened.page.close({ runBeforeUnload: true });
    await closed;
    await opened.context.setOffline(false);
    expect(await storedCount(look)).toBe(40);
    const tabs = await Promise.all([opened.context.newPage(), opened.context.newPage(), opened.context.newPage()]);
    // Three tabs open at once, each taking over what is stored.
    await Promise.all(tabs.map((tab) => tab.goto(h.siteUrl + '/shop')));
    await h.api.waitFor(40, { type: 'click' });
    await sleep(1_000);
    expect(deliveredTickets()).toEqual({ unique: tickets(40).sort(), duplicates: 0 });
  });

  it('closed at once while offline: each stores what it holds without overwriting the others\'; the next page sends all', async () => {
    const opened = await h.openPage();
    const tabs = [opened.page, ...await Promise.all([1, 2, 3].map(() => opened.context.newPage()))];
    await Promise.all(tabs.map(async (tab, index) => {
      h.setPage(`/tab-${index}`, trackerPage('script', { options: { apiBase: h.apiBase, market: 'UK' }, body: tiles(5, `W${index}`) }));
      await h.gotoTracked({ ...opened, page: tab }, `/tab-${index}`);
    }));
    h.setPage('/no-tracker', '<!doctype html><p>a page of the site without the tracker</p>');
    const look = await opened.context.newPage();
    await look.goto(h.siteUrl + '/no-tracker');
    await goOffline(opened);
    await Promise.all(tabs.map((tab) => clickAll(tab)));
    // The window is closed: its four tabs go away at the same moment.
    const closed = Promise.all(tabs.map((tab) => new Promise((resolve) => tab.once('close', resolve))));
    await Promise.all(tabs.map((tab) => tab.close({ runBeforeUnload: true })));
    await closed;
    await opened.context.setOffline(false);
    await expect.poll(() => storedCount(look)).toBe(20);
    h.setPage('/shop', trackerPage('script', { options: { apiBase: h.apiBase, market: 'UK' } }));
    await h.gotoTracked({ ...opened, page: look }, '/shop');
    await h.api.waitFor(20, { type: 'click' });
    await sleep(500);
    expect(deliveredTickets()).toEqual({ unique: [0, 1, 2, 3].flatMap((index) => tickets(5, `W${index}`)).sort(), duplicates: 0 });
  });

  it('send each stored entry once when eight tabs open at once, round after round', async () => {
    // Each tab's copy of localStorage lags another tab's change by a moment; without the pause under the lock, about
    // one round in thirteen sent every entry twice.
    h.setPage('/no-tracker', '<!doctype html><p>a page of the site without the tracker</p>');
    h.setPage('/tab', trackerPage('script', { options: { apiBase: h.apiBase, market: 'UK' } }));
    for (let round = 0; round < 6; round++) {
      const opened = await h.openPage();
      await opened.page.goto(h.siteUrl + '/no-tracker');
      await opened.page.evaluate(({ apiBase, round }) => {
        const now = Date.now();
        localStorage.setItem('elevate_outbox', JSON.stringify(Array.from({ length: 10 }, (_, index) => ({
          url: `${apiBase}/api/v2/notifications/click?customerKey=c-${round}&market=UK&sessionKey=0b05119e-eeb8-418a-bbfb-defa0dde417e`,
          body: JSON.stringify({ ticket: `R${round}-${index}` }), at: now, tries: 0, due: now }))));
      }, { apiBase: h.apiBase, round });
      const tabs = await Promise.all(Array.from({ length: 8 }, () => opened.context.newPage()));
      await Promise.all(tabs.map((tab) => tab.goto(h.siteUrl + '/tab')));
      await h.api.waitFor(10 * (round + 1), { type: 'click' });
      await sleep(2_500); // the last tab takes its turn under the lock 2.1 s after the first
      await opened.context.close();
    }
    expect(deliveredTickets()).toEqual({ unique: tickets(60).map((_, i) => `R${Math.floor(i / 10)}-${i % 10}`).sort(), duplicates: 0 });
  }, 90_000); // six rounds of eight tabs and 2.5 s of wait each: about 25 s on a loaded 2-core machine
});

describe('hostile browsers', () => {
  const cases: [string, string, boolean][] = [
    ['localStorage throwing', `for (const name of ['getItem', 'setItem', 'removeItem']) Storage.prototype[name] = () => { throw new DOMException('denied', 'SecurityError'); };`, true],
    ['localStorage missing', `Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('denied', 'SecurityError'); } });`, true],
    ['sendBeacon missing', 'delete Navigator.prototype.sendBeacon;', true],
    ['fetch missing', 'delete window.fetch;', true],
    ['sendBeacon returning false', 'Navigator.prototype.sendBeacon = () => false;', true],
    ['fetch and sendBeacon both missing', 'delete window.fetch; delete Navigator.prototype.sendBeacon;', false],
  ];
  it.each(cases)('%s: no exception, and what can be sent is sent', async (_name, script, canSend) => {
    const opened = await openShop({ count: 5 });
    await opened.page.addInitScript(script);
    await h.gotoTracked(opened, '/shop');
    await clickAll(opened.page);
    if (canSend) {
      await h.api.waitFor(5, { type: 'click' });
      expect(deliveredTickets()).toEqual({ unique: tickets(5).sort(), duplicates: 0 });
    } else {
      await sleep(500);
      expect(h.api.requests).toEqual([]);
    }
    // Hiding and leaving the page runs the outbox's beacon and storage paths too.
    await opened.page.goto(h.siteUrl + '/shop?again');
    await sleep(300);
    expect(opened.pageErrors).toEqual([]);
    expect(opened.consoleErrors).toEqual([]);
  });
});

describe('back/forward cache', () => {
  it('restores the page from the cache with current keys and one set of listeners', async () => {
    const opened = await openShop();
    h.setPage('/other', trackerPage('script', { options: { apiBase: h.apiBase, market: 'UK' }, body: '<p>other</p>' }));
    await h.gotoTracked(opened, '/shop');
    await opened.page.evaluate(() => addEventListener('pageshow', (event) => { (window as any).restored = event.persisted; }));
    await opened.page.goto(h.siteUrl + '/other');
    await opened.page.waitForFunction(() => (window as any).elevateTracker?.click);
    // Another page of the site ends the visit meanwhile: the restored page must see the new session.
    await opened.page.evaluate(() => (window as any).elevateTracker.end());
    const rotated = await opened.page.evaluate(() => (window as any).elevateTracker.sessionKey);
    // A restore from the cache fires no load event: wait for the page's own pageshow flag.
    await opened.page.goBack({ waitUntil: 'commit' });
    await opened.page.waitForFunction(() => (window as any).restored !== undefined);
    const navigation = await opened.page.evaluate(() => {
      const entry = performance.getEntriesByType('navigation')[0] as any;
      return { restored: (window as any).restored, notRestoredReasons: entry.notRestoredReasons?.reasons ?? [] };
    });
    expect(navigation).toEqual({ restored: true, notRestoredReasons: [] });
    expect(await opened.page.evaluate(() => (window as any).elevateTracker.sessionKey)).toBe(rotated);
    h.api.reset();
    await opened.page.click('[data-elevate-ticket="T-4"]');
    await h.api.waitFor(1, { type: 'click' });
    await sleep(500);
    expect(h.api.requests).toHaveLength(1);
    expect(h.api.requests[0].query.sessionKey).toBe(rotated);
    expect(opened.pageErrors).toEqual([]);
  });
});
