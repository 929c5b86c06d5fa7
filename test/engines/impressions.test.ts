// Ad impressions in every engine: `data-elevate-impression-ticket` elements send one `ad-impression` when at least
// half of the element has been in view for one continuous second while the page is visible (Voyado's guideline).
import { describe, expect, inject, it } from 'vitest';
import type { Tab } from '../support/engines/engine.ts';
import { sleep, trackerUp, useEngine } from '../support/engines/spec.ts';
import { trackerPage } from '../support/harness.ts';

/** An ad 100 px tall whose top `visible` px are in the viewport (its top that far above the bottom edge). */
const ad = (id: string, ticket: string, visible: number) => `<div id="${id}" data-elevate-impression-ticket="${ticket}"
  data-elevate-ticket="C-${ticket}" style="position:fixed;left:0;width:200px;height:100px;top:calc(100vh - ${visible}px)">ad</div>`;
/** Moves an element so that its top `visible` px are in view (0: out of view). */
const show = (tab: Tab, id: string, visible: number) => tab.evaluate(({ id, visible }) => {
  document.getElementById(id)!.style.top = visible ? `calc(100vh - ${visible}px)` : '200vh';
}, { id, visible });
/** Makes the page look hidden or visible, as a tab switch does (the tracker reads Document.prototype's getters). */
const HIDING = `let hidden = false;
  Object.defineProperty(Document.prototype, 'hidden', { get: () => hidden, configurable: true });
  Object.defineProperty(Document.prototype, 'visibilityState', { get: () => (hidden ? 'hidden' : 'visible'), configurable: true });
  window.setHidden = (value) => { hidden = value; document.dispatchEvent(new Event('visibilitychange')); };`;

describe.each(inject('engines'))('$name', (launch) => {
  const spec = useEngine(launch);
  const impressions = () => spec.site.api.delivered('ad-impression').map((request) => request.ticket).sort();

  async function page(body: string, options: Record<string, unknown> = {}) {
    spec.site.setPage('/ads', trackerPage('script', { options: spec.options(options), body, before: HIDING }));
    const [tab] = (await spec.newContext()).tabs;
    await tab.goto(spec.site.siteUrl + '/ads');
    await tab.waitFor(trackerUp);
    return tab;
  }

  it('60% in view for 1.2 s: one impression, with the keys, as v3; a click on it is still a click', async () => {
    const tab = await page(ad('a', 'AD-1', 60));
    await sleep(1600);
    const [impression] = await spec.site.api.waitFor(1, { type: 'ad-impression' });
    expect(impression).toMatchObject({ path: '/api/storefront/v3/notifications/ad-impression', ticket: 'AD-1' });
    expect(impression.query).toEqual(await tab.evaluate(() => ({ customerKey: (window as any).elevateTracker.customerKey,
      market: 'UK', sessionKey: (window as any).elevateTracker.sessionKey })));
    await tab.click('#a');
    await spec.site.api.waitFor(1, { type: 'click' });
    await sleep(1200);
    expect(impressions()).toEqual(['AD-1']);
    expect(spec.site.api.delivered('click').map((request) => request.ticket)).toEqual(['C-AD-1']);
  });

  it('40% in view, or in view for only 0.5 s: none', async () => {
    const tab = await page(ad('a', 'AD-40', 40) + ad('b', 'AD-short', 0));
    // Shown and hidden again by the page's own timer: two driver calls could be seconds apart on a loaded machine.
    await tab.evaluate(() => {
      const element = document.getElementById('b')!;
      element.style.top = 'calc(100vh - 80px)';
      setTimeout(() => { element.style.top = '200vh'; }, 500);
    });
    await sleep(2000);
    expect(spec.site.api.requests).toEqual([]);
  });

  it('scrolled out and back in: still one; two elements: two; one rendered later: tracked', async () => {
    const tab = await page(ad('a', 'AD-1', 80) + ad('b', 'AD-2', 0));
    await sleep(1400);
    await show(tab, 'a', 0);
    await show(tab, 'b', 90);
    await sleep(300);
    await show(tab, 'a', 80);
    await sleep(1400);
    await tab.evaluate((html) => document.body.insertAdjacentHTML('beforeend', html), ad('c', 'AD-3', 70));
    await spec.site.api.waitFor(3, { type: 'ad-impression' });
    await sleep(1200);
    expect(impressions()).toEqual(['AD-1', 'AD-2', 'AD-3']);
  });

  // A form's controls are properties of the form: `<input name="querySelectorAll">` shadowed the method the tracker
  // called on each element added, which threw into the page and lost the ad inside.
  it('an ad rendered later inside a form whose input is named querySelectorAll: tracked, nothing thrown', async () => {
    const tab = await page('<main id="list"></main>');
    await tab.evaluate((html) => document.getElementById('list')!.insertAdjacentHTML('beforeend',
      `<form><input name="querySelectorAll"><input name="getAttribute">${html}</form>`), ad('f', 'AD-form', 80));
    const [impression] = await spec.site.api.waitFor(1, { type: 'ad-impression', timeoutMs: 4000 });
    expect(impression.ticket).toBe('AD-form');
  });

  it('the tab hidden mid-way: none until it has been visible again for a full second', async () => {
    const tab = await page(ad('a', 'AD-1', 0));
    // Timed by the page itself: driver calls can be seconds apart on a loaded machine.
    await tab.evaluate(() => {
      document.getElementById('a')!.style.top = 'calc(100vh - 80px)';
      setTimeout(() => (window as any).setHidden(true), 600);
    });
    await sleep(2000);
    expect(impressions()).toEqual([]);
    const visibleAt: number = await tab.evaluate(() => {
      (window as any).setHidden(false);
      return Date.now();
    });
    const [impression] = await spec.site.api.waitFor(1, { type: 'ad-impression' });
    expect(impression.time - visibleAt, 'ms from visible again to the impression').toBeGreaterThanOrEqual(950);
    expect(impressions()).toEqual(['AD-1']);
  });

  it('consent denied with anonymousTracking: sent anonymously, without keys', async () => {
    await page(ad('a', 'AD-anon', 80), { consent: 'denied', anonymousTracking: true });
    const [impression] = await spec.site.api.waitFor(1, { type: 'ad-impression', timeoutMs: 4000 });
    expect(impression.query).toEqual({ market: 'UK', userContext: 'ANONYMOUS' });
  });

  it('consent pending: held, and sent once it is granted; API v2: not watched', async () => {
    const tab = await page(ad('a', 'AD-1', 80), { consent: 'pending' });
    await sleep(1500);
    expect(spec.site.api.requests).toEqual([]);
    await tab.evaluate(() => (window as any).elevateTracker.setConsent('granted'));
    await spec.site.api.waitFor(1, { type: 'ad-impression' });
    spec.site.api.reset();
    await page(ad('a', 'AD-v2', 80), { apiVersion: 'v2' });
    await sleep(1500);
    expect(spec.site.api.requests).toEqual([]);
  });

  /** The URLs of the impression watcher the page has fetched. */
  const watcherFetches = (tab: Tab) => tab.evaluate(() => performance.getEntriesByType('resource')
    .map((entry) => entry.name).filter((name) => name.endsWith('/elevate-tracker.impressions.js')));

  // Issue 16: the watcher is a file of its own, which a page without ads never fetches.
  it('loads elevate-tracker.impressions.js only once an ad is in the page, and once', async () => {
    const tab = await page('<main id="list"><p>no ads</p></main>');
    await tab.evaluate(() => document.getElementById('list')!.insertAdjacentHTML('beforeend', '<p data-elevate-ticket="T">tile</p>'));
    await sleep(500);
    expect(await watcherFetches(tab)).toEqual([]);
    await tab.evaluate((html) => document.getElementById('list')!.insertAdjacentHTML('beforeend', html), ad('a', 'AD-later', 80) + ad('b', 'AD-later-2', 80));
    await spec.site.api.waitFor(2, { type: 'ad-impression', timeoutMs: 4000 });
    expect(await watcherFetches(tab)).toEqual([`${spec.site.siteUrl}/dist/elevate-tracker.impressions.js`]);
  });

  it('a script self-hosted without the watcher beside it: one console error, and clicks still count', async () => {
    const script = await (await fetch(`${spec.site.siteUrl}/dist/elevate-tracker.min.js`)).text();
    spec.site.mount('/alone/', (request, response) => request.url == '/alone/elevate-tracker.min.js'
      ? response.writeHead(200, { 'content-type': 'text/javascript' }).end(script)
      : response.writeHead(404).end());
    spec.site.setPage('/ads', trackerPage('script', { options: spec.options(), body: ad('a', 'AD-1', 80) })
      .replace('/dist/elevate-tracker.min.js', '/alone/elevate-tracker.min.js'));
    spec.expectConsoleErrors(/cannot load elevate-tracker\.impressions\.js beside the script: ad impressions are not counted/);
    const [tab] = (await spec.newContext()).tabs;
    await tab.goto(spec.site.siteUrl + '/ads');
    await tab.waitFor(trackerUp);
    await sleep(1500);
    await tab.click('#a');
    await spec.site.api.waitFor(1, { type: 'click' });
    expect(impressions()).toEqual([]);
  });
});
