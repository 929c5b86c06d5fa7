// The driver layer itself (test/support/engines), in every engine: what the cross-engine specs rely on, proven where
// each engine could differ. No tracker here.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Engine, EngineContext } from '../support/engines/engine.ts';
import { launchEngine } from '../support/engines/launch.ts';
import { startSite, type Site } from '../support/engines/site.ts';

const PAGE = (title: string, script = '') => `<!doctype html><html><head><title>${title}</title></head><body>
  <button id="button" style="margin:40px;padding:20px">${title}</button><a id="link" href="/second">second</a>
  <script>${script}</script></body></html>`;

describe.each(inject('engines'))('$name', (launch) => {
  let engine: Engine;
  let site: Site;
  let context: EngineContext;

  beforeAll(async () => {
    [engine, site] = await Promise.all([launchEngine(launch), startSite()]);
    site.setPage('/first', PAGE('first', "document.cookie = 'written=by-page; path=/';"));
    site.setPage('/second', PAGE('second'));
    context = await engine.newContext();
  });
  afterAll(async () => {
    await engine?.close();
    await site?.close();
  });

  it('evaluates functions with an argument, expressions, and awaits promises', async () => {
    const [tab] = context.tabs;
    await tab.goto(site.siteUrl + '/first');
    expect(await tab.evaluate((n: number) => new Promise((resolve) => setTimeout(() => resolve(n + 1), 10)), 41)).toBe(42);
    expect(await tab.evaluate('document.title')).toBe('first');
    expect(await tab.evaluate(() => undefined)).toBeUndefined();
    expect(await tab.evaluate(() => ({ list: [1, 'two', null] }))).toEqual({ list: [1, 'two', null] });
    await expect(tab.evaluate(() => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
  });

  it('collects console errors and uncaught errors across the pages of a tab', async () => {
    const [tab] = context.tabs;
    await tab.goto(site.siteUrl + '/first');
    await tab.evaluate(() => {
      console.error('bad', { why: 1 });
      setTimeout(() => { throw new Error('boom'); });
      Promise.reject(new Error('rejected'));
    });
    await tab.waitFor(async () => true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await tab.click('#link');
    // The new document has its path before its first script (the probe) has run: wait for the probe too.
    await tab.waitFor(() => location.pathname == '/second' && !!(window as any).__engineProbe);
    await tab.evaluate(() => console.error('on the second page'));
    expect(await tab.consoleErrors()).toEqual(['bad {"why":1}', 'on the second page']);
    expect((await tab.pageErrors()).sort()).toEqual(['boom', 'rejected']);
  });

  it('opens a tab in the same context: cookies and storage shared, storage events between them', async () => {
    const [first] = context.tabs;
    await first.goto(site.siteUrl + '/first');
    const second = await context.newTab();
    await second.goto(site.siteUrl + '/second');
    expect(await second.evaluate(() => document.cookie)).toContain('written=by-page');
    await second.evaluate(() => {
      (window as any).seen = null;
      addEventListener('storage', (event) => { (window as any).seen = event.newValue; });
      return localStorage.length; // WebKit sends storage events only to pages that used localStorage (below)
    });
    await first.evaluate(() => localStorage.setItem('shared', 'yes'));
    expect(await second.waitFor(() => (window as any).seen)).toBe('yes');
    expect(await second.evaluate(() => localStorage.getItem('shared'))).toBe('yes');
    expect((await context.cookies()).map(({ name, value, path }) => ({ name, value, path })))
      .toEqual([{ name: 'written', value: 'by-page', path: '/' }]);
    await second.close();
    expect(context.tabs).toEqual([first]);
  });

  // Engine facts met on the way, pinned so that a change shows (the tracker relies on neither being the case).
  it(`storage events reach a page that never used localStorage: ${launch.name == 'webkit' ? 'not in WebKit' : 'yes'}`, async () => {
    const [first] = context.tabs;
    await first.goto(site.siteUrl + '/first');
    const second = await context.newTab();
    await second.goto(site.siteUrl + '/second');
    await second.evaluate(() => {
      (window as any).keys = [];
      addEventListener('storage', (event) => (window as any).keys.push(event.key)); // reads no localStorage
    });
    await first.evaluate(() => localStorage.setItem('untouched', String(Math.random())));
    await first.evaluate(() => localStorage.setItem('untouched', String(Math.random())));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await second.evaluate(() => (window as any).keys)).toEqual(launch.name == 'webkit' ? [] : ['untouched', 'untouched']);
    await second.close();
  });

  it('isolates contexts: a new one has no cookies or storage of another', async () => {
    const other = await engine.newContext();
    await other.tabs[0].goto(site.siteUrl + '/second');
    expect(await other.tabs[0].evaluate(() => [document.cookie, localStorage.length])).toEqual(['', 0]);
    await other.close();
  });

  it('clicks and middle-clicks like a user: the buttons the page sees', async () => {
    const [tab] = context.tabs;
    await tab.goto(site.siteUrl + '/second');
    await tab.evaluate(() => {
      (window as any).seen = [];
      for (const type of ['mousedown', 'mouseup', 'click', 'auxclick']) {
        addEventListener(type, (event) => (window as any).seen.push(`${type} ${(event as MouseEvent).button}`));
      }
    });
    await tab.click('#button');
    await tab.middleClick('#button');
    expect(await tab.waitFor(() => (window as any).seen.length >= 6 && (window as any).seen))
      .toEqual(['mousedown 0', 'mouseup 0', 'click 0', 'mousedown 1', 'mouseup 1', 'auxclick 1']);
  });

  it('goes back to a page restored from the back/forward cache, and to one loaded again', async () => {
    const own = await engine.newContext(); // a tab with no history of the tests above
    const [tab] = own.tabs;
    await tab.goto(site.siteUrl + '/first');
    await tab.evaluate(() => { (window as any).kept = 'same page'; });
    await tab.goto(site.siteUrl + '/second');
    expect(await tab.back()).toEqual({ persisted: true });
    expect(await tab.evaluate(() => [location.pathname, (window as any).kept])).toEqual(['/first', 'same page']);
    // An unload listener keeps a page out of the cache in Chromium and Firefox: it loads again. WebKitGTK 2.50 caches
    // it all the same (nor do Cache-Control: no-store, an open BroadcastChannel or WebSocket keep a page out).
    await tab.evaluate(() => addEventListener('unload', () => {}));
    await tab.goto(site.siteUrl + '/second');
    const cached = launch.name == 'webkit';
    expect(await tab.back()).toEqual({ persisted: cached });
    expect(await tab.evaluate(() => (window as any).kept)).toBe(cached ? 'same page' : undefined);
    await own.close();
  });
});
