// Server-rendered keys in every engine: a page whose server called visitorKeys hands its keys to the tracker on it.
import { describe, expect, inject, it } from 'vitest';
import { visitorKeys, type VisitorKeys } from '../../src/server/index.js';
import type { Tab } from '../support/engines/engine.ts';
import { keysOf, trackerCookies, useEngine } from '../support/engines/spec.ts';
import { trackerPage } from '../support/harness.ts';

/** Logs the page's script writes of cookies, by name, in `window.cookieWrites` (before the tracker runs). */
const COOKIE_WRITES = `window.cookieWrites = {};
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  Object.defineProperty(Document.prototype, 'cookie', { configurable: true, get() { return cookie.get.call(this); },
    set(value) { const name = String(value).split('=')[0]; cookieWrites[name] = (cookieWrites[name] || 0) + 1; cookie.set.call(this, value); } });`;
const cookieWrites = (tab: Tab) => tab.evaluate(() => (window as any).cookieWrites as Record<string, number>);

describe.each(inject('engines'))('$name', (launch) => {
  const spec = useEngine(launch);

  /** /rendered: its server calls visitorKeys (local http: not Secure) and shows the keys it used in the page. */
  function serveRendered(options: Record<string, unknown> = {}, consent: 'granted' | 'pending' = 'granted') {
    const served: VisitorKeys[] = [];
    spec.site.setRenderedPage('/rendered', (request) => {
      const keys = visitorKeys(request.headers.cookie, { secure: false, consent });
      served.push(keys);
      return { html: trackerPage('script', { options: spec.options(options), body: `<p id="server">${keys.customerKey}</p>`, before: COOKIE_WRITES }),
        headers: { 'Set-Cookie': keys.setCookie, 'Cache-Control': 'no-store' } };
    });
    return served;
  }

  it('the first page of a visit: the tracker goes on with the keys the server created, and so does the next page', async () => {
    const served = serveRendered({ serverKeyCookies: true });
    const [tab] = (await spec.newContext()).tabs;
    await spec.visit(tab, '/rendered');
    expect(served[0].isNew).toBe(true);
    const { customerKey, sessionKey } = served[0];
    expect(await keysOf(tab)).toEqual({ customerKey, sessionKey });
    expect(await trackerCookies(tab)).toEqual({ elevate_customer_key: customerKey, elevate_session_key: sessionKey });
    await tab.evaluate(() => (window as any).elevateTracker.click('T-rendered'));
    const [click] = await spec.site.api.waitFor(1, { type: 'click' });
    expect(click.query).toMatchObject({ customerKey, sessionKey });
    await spec.visit(tab, '/rendered');
    expect(served[1]).toMatchObject({ customerKey, sessionKey, isNew: false });
    expect(await keysOf(tab)).toEqual({ customerKey, sessionKey });
  });

  it('consent pending: the server sets no cookie, and the tracker writes none either', async () => {
    const served = serveRendered({ consent: 'pending' }, 'pending');
    const [tab] = (await spec.newContext()).tabs;
    await spec.visit(tab, '/rendered');
    expect(served[0].setCookie).toEqual([]);
    expect(await trackerCookies(tab)).toEqual({});
  });

  // Safari caps cookies a script writes at 7 days: with serverKeyCookies, the page must leave the server's customerKey
  // cookie alone. Found here: consent applied at start wrote both cookies again (forced), so the cap came back, and
  // every page view wrote each cookie twice.
  it('serverKeyCookies: the page writes no customerKey cookie, and the session cookie once', async () => {
    serveRendered({ serverKeyCookies: true });
    const [tab] = (await spec.newContext()).tabs;
    await spec.visit(tab, '/rendered');
    await spec.visit(tab, '/rendered');
    await spec.site.settle(100);
    expect(await cookieWrites(tab)).toEqual({ elevate_session_key: 1 });
  });

  it('without serverKeyCookies: each key cookie is written once per page view', async () => {
    serveRendered();
    const [tab] = (await spec.newContext()).tabs;
    await spec.visit(tab, '/rendered');
    await spec.visit(tab, '/rendered');
    await spec.site.settle(100);
    expect(await cookieWrites(tab)).toEqual({ elevate_customer_key: 1, elevate_session_key: 1 });
  });
});
