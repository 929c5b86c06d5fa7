// Coming from the official client, in every engine: a visitor whose browser holds its keys (localStorage
// `voyado.session` from @apptus/esales-api 3.x, `apptus.session` from 2.x) keeps them, with consent, once.
import { describe, expect, inject, it } from 'vitest';
import type { Tab } from '../support/engines/engine.ts';
import { keysOf, sleep, trackerCookies, useEngine } from '../support/engines/spec.ts';

const OLD = { customerKey: 'b7c6a1f0-3d2e-4f5a-9b8c-7d6e5f4a3b2c', sessionKey: '1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d' };
const OLDER = { customerKey: 'c1d2e3f4-a5b6-4c7d-8e9f-a0b1c2d3e4f5', sessionKey: '9f8e7d6c-5b4a-4392-a1b0-c9d8e7f6a5b4' };
const ENTRIES = ['voyado.session', 'apptus.session'];

describe.each(inject('engines'))('$name', (launch) => {
  const spec = useEngine(launch);

  /** A fresh context with `entries` written by a page of the site without the tracker, then /shop with `options`. */
  async function openWith(entries: Record<string, string>, options: Record<string, unknown> = {}, cookie = '') {
    spec.site.setPage('/plain', '<!doctype html><p>a page of the site without the tracker</p>');
    const [tab] = (await spec.newContext()).tabs;
    await tab.goto(spec.site.siteUrl + '/plain');
    await tab.evaluate(({ entries, cookie }) => {
      for (const [name, value] of Object.entries(entries)) localStorage.setItem(name, value);
      if (cookie) document.cookie = cookie;
    }, { entries, cookie });
    return { shop: await spec.open(options, tab) };
  }
  const stored = (tab: Tab) => tab.evaluate((names) => names.map((name) => localStorage.getItem(name)), ENTRIES);

  it.each([['voyado.session', OLD], ['apptus.session', OLDER]] as const)('adopts the keys in %s, writes them as cookies, and removes the entry', async (entry, keys) => {
    const { shop } = await openWith({ [entry]: JSON.stringify(keys) });
    expect(await keysOf(shop)).toEqual(keys);
    expect(await trackerCookies(shop)).toEqual({ elevate_customer_key: keys.customerKey, elevate_session_key: keys.sessionKey });
    expect(await stored(shop)).toEqual([null, null]);
    await shop.click('#tile');
    const [click] = await spec.site.api.waitFor(1, { type: 'click' });
    expect(click.query).toMatchObject(keys);
    await spec.visit(shop, '/next');
    expect(await keysOf(shop)).toEqual(keys);
  });

  it('takes the 3.x keys when both are there, and removes both', async () => {
    const { shop } = await openWith({ 'voyado.session': JSON.stringify(OLD), 'apptus.session': JSON.stringify(OLDER) });
    expect(await keysOf(shop)).toEqual(OLD);
    expect(await stored(shop)).toEqual([null, null]);
  });

  it('ignores garbage there and leaves it alone', async () => {
    const garbage = {
      'voyado.session': JSON.stringify({ customerKey: 'someone@example.com', sessionKey: OLD.sessionKey }),
      'apptus.session': '{"customerKey": 42, "sessionKey": "not-a-uuid"',
    };
    const { shop } = await openWith(garbage);
    const keys = await keysOf(shop);
    expect(keys.customerKey).not.toBe(OLD.customerKey);
    expect(keys.sessionKey).not.toBe(OLD.sessionKey);
    expect(await stored(shop)).toEqual([garbage['voyado.session'], garbage['apptus.session']]);
  });

  it('adopts nothing without consent, and adopts once it is granted', async () => {
    const { shop } = await openWith({ 'voyado.session': JSON.stringify(OLD) }, { consent: 'pending' });
    await shop.click('#tile');
    expect(await keysOf(shop)).not.toEqual(OLD);
    expect(await stored(shop)).toEqual([JSON.stringify(OLD), null]);
    await sleep(200);
    expect(spec.site.api.requests).toEqual([]);
    await shop.evaluate(() => (window as any).elevateTracker.setConsent('granted'));
    const [click] = await spec.site.api.waitFor(1, { type: 'click' });
    expect(click.query).toMatchObject(OLD); // the click held while pending goes with the visitor's old keys
    expect(await keysOf(shop)).toEqual(OLD);
    expect(await stored(shop)).toEqual([null, null]);
  });

  it('keeps the keys of its own cookies: the old entry is not adopted over them', async () => {
    const own = 'elevate_customer_key=d4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f70; path=/';
    const { shop } = await openWith({ 'voyado.session': JSON.stringify(OLD) }, {}, own);
    expect((await keysOf(shop)).customerKey).toBe('d4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f70');
    expect(await stored(shop)).toEqual([JSON.stringify(OLD), null]);
  });

  it('consent denied removes the old entries too: a forgotten visitor does not come back from them', async () => {
    const { shop } = await openWith({ 'voyado.session': JSON.stringify(OLD), 'apptus.session': JSON.stringify(OLDER) }, { consent: 'denied' });
    expect(await stored(shop)).toEqual([null, null]);
    expect(await trackerCookies(shop)).toEqual({});
  });
});
