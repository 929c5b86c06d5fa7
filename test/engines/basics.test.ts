// The tracker's basics in every engine (Chromium, Firefox, WebKit), on the built script-tag bundle
// (dist/elevate-tracker.min.js) against the Elevate stand-in on another origin. Each engine is a vitest project
// (vitest.config.ts): `npx vitest run --project webkit` runs this file in WebKit only.
import { describe, expect, inject, it } from 'vitest';
import type { Tab } from '../support/engines/engine.ts';
import { keysOf, onNextPage, sleep, trackerCookies, trackerUp, useEngine, UUID } from '../support/engines/spec.ts';
import { sessionCookieMinutes, trackerPage } from '../support/harness.ts';

describe.each(inject('engines'))('$name', (launch) => {
  const spec = useEngine(launch);
  const { open, options } = spec;
  const tickets = () => spec.site.api.delivered('click').map((click) => click.ticket);

  it('keeps the keys across two pages, in first-party cookies', async () => {
    const tab = await open();
    const first = await keysOf(tab);
    expect(first.customerKey).toMatch(UUID);
    expect(first.sessionKey).toMatch(UUID);
    await tab.click('#leave');
    await onNextPage(tab);
    expect(await keysOf(tab)).toEqual(first);
    const cookies = await tab.context.cookies();
    const customer = cookies.find((cookie) => cookie.name == 'elevate_customer_key')!;
    const session = cookies.find((cookie) => cookie.name == 'elevate_session_key')!;
    expect(customer).toMatchObject({ value: first.customerKey, path: '/', sameSite: 'Lax', secure: false, httpOnly: false });
    expect(session).toMatchObject({ value: first.sessionKey, path: '/', sameSite: 'Lax', secure: false, httpOnly: false });
    expect((customer.expires * 1000 - Date.now()) / 86_400_000).toBeGreaterThan(364.9);
    const now = Date.now();
    const minutes = (session.expires * 1000 - now) / 60_000;
    expect(minutes).toBeGreaterThan(sessionCookieMinutes(now) - 1);
    expect(minutes).toBeLessThanOrEqual(sessionCookieMinutes(now));
  });

  it('sends one click notification for a ticketed tile, with the keys and a text/plain body', async () => {
    const tab = await open();
    await tab.click('#child');
    const [click] = await spec.site.api.waitFor(1, { type: 'click' });
    const keys = await keysOf(tab);
    expect(click).toMatchObject({ method: 'POST', path: '/api/storefront/v3/notifications/click', ticket: 'T-tile',
      query: { customerKey: keys.customerKey, market: 'UK', sessionKey: keys.sessionKey } });
    expect(click.contentType?.toLowerCase().replace(/\s/g, '')).toBe('text/plain;charset=utf-8');
    expect(JSON.parse(click.body!)).toEqual({ ticket: 'T-tile' });
    await tab.click('#plain');
    await sleep(300);
    expect(spec.site.api.requests).toHaveLength(1);
  });

  it('counts the innermost ticketed element of a nested tile, once', async () => {
    const tab = await open();
    await tab.click('#deep');
    await spec.site.api.waitFor(1, { type: 'click' });
    await sleep(300);
    expect(tickets()).toEqual(['T-inner']);
    expect(spec.site.api.requests).toHaveLength(1);
  });

  it('sends a middle click (auxclick) once', async () => {
    const tab = await open();
    await tab.evaluate(() => {
      (window as any).buttons = [];
      addEventListener('auxclick', (event) => (window as any).buttons.push(`auxclick ${event.button}`));
      addEventListener('click', (event) => (window as any).buttons.push(`click ${event.button}`));
    });
    await tab.middleClick('#tile');
    await spec.site.api.waitFor(1, { type: 'click' });
    await sleep(300);
    expect(await tab.evaluate(() => (window as any).buttons)).toEqual(['auxclick 1']); // a real middle click
    expect(tickets()).toEqual(['T-tile']);
    expect(spec.site.api.requests).toHaveLength(1);
  });

  it('delivers a click on a link that navigates, exactly once', async () => {
    const tab = await open();
    await tab.click('#leave');
    await onNextPage(tab);
    await spec.site.api.waitFor(1, { type: 'click' });
    await sleep(500); // the next page would send what the last one stored as undelivered
    await spec.site.settle();
    expect(tickets()).toEqual(['T-leave']);
    expect(spec.site.api.requests).toHaveLength(1);
  });

  it('end() sends an end notification with the old keys, then rotates the sessionKey', async () => {
    const tab = await open();
    const first = await keysOf(tab);
    await tab.evaluate(() => (window as any).elevateTracker.end());
    const [end] = await spec.site.api.waitFor(1, { type: 'end' });
    expect(end.path).toBe('/api/storefront/v3/notifications/end');
    expect(end.query).toEqual({ customerKey: first.customerKey, market: 'UK', sessionKey: first.sessionKey });
    const second = await keysOf(tab);
    expect(second.customerKey).toBe(first.customerKey);
    expect(second.sessionKey).toMatch(UUID);
    expect(second.sessionKey).not.toBe(first.sessionKey);
    expect(await trackerCookies(tab)).toEqual({ elevate_customer_key: first.customerKey, elevate_session_key: second.sessionKey });
    await tab.click('#tile');
    const [click] = await spec.site.api.waitFor(1, { type: 'click' });
    expect(click.query.sessionKey).toBe(second.sessionKey);
  });

  it('consent pending holds a click, stores nothing; setConsent(\'granted\') sends it with the keys', async () => {
    const tab = await open({ consent: 'pending' });
    await tab.click('#tile');
    await sleep(300);
    expect(spec.site.api.requests).toEqual([]);
    expect(await trackerCookies(tab)).toEqual({});
    const keys = await keysOf(tab);
    await tab.evaluate(() => (window as any).elevateTracker.setConsent('granted'));
    const [click] = await spec.site.api.waitFor(1, { type: 'click' });
    expect(click).toMatchObject({ ticket: 'T-tile', query: { customerKey: keys.customerKey, sessionKey: keys.sessionKey } });
    expect(await trackerCookies(tab)).toEqual({ elevate_customer_key: keys.customerKey, elevate_session_key: keys.sessionKey });
  });

  // Found here: WebKitGTK 2.50 sends `storage` events only to documents that have used localStorage (driver.test.ts),
  // and a tracker rendered pending did not touch it, so the second tab never heard of the grant and its held click was
  // lost. The tracker now reads localStorage once as it starts listening.
  it('consent granted in one tab reaches a pending second tab, which sends what it held', async () => {
    const first = await open({ consent: 'pending' });
    const second = await first.context.newTab();
    await second.goto(spec.site.siteUrl + '/next');
    await second.waitFor(trackerUp);
    await second.evaluate(() => (window as any).elevateTracker.click('T-held'));
    await first.evaluate(() => (window as any).elevateTracker.setConsent('granted'));
    const [click] = await spec.site.api.waitFor(1, { type: 'click', timeoutMs: 3000 });
    expect(click.ticket).toBe('T-held');
    expect(await keysOf(second)).toEqual(await keysOf(first));
  });

  describe('back/forward cache', () => {
    async function leaveAndComeBack(tab: Tab, onTheOtherPage?: () => Promise<void>) {
      spec.site.setPage('/other', trackerPage('script', { options: options(), body: '<p>other</p>' }));
      await tab.goto(spec.site.siteUrl + '/other');
      await tab.waitFor(trackerUp);
      await onTheOtherPage?.();
      expect(await tab.back()).toEqual({ persisted: true }); // restored from the cache, not loaded again
      expect(await tab.evaluate(() => location.pathname)).toBe('/shop');
    }

    it('a restored page keeps one set of listeners: one click, one notification', async () => {
      const tab = await open();
      await leaveAndComeBack(tab);
      await spec.site.settle();
      spec.site.api.reset();
      await tab.click('#tile');
      await spec.site.api.waitFor(1, { type: 'click' });
      await sleep(500);
      expect(tickets()).toEqual(['T-tile']);
      expect(spec.site.api.requests).toHaveLength(1);
    });

    it('a restored page follows a session ended on another page meanwhile', async () => {
      const tab = await open();
      let rotated = '';
      await leaveAndComeBack(tab, async () => {
        await tab.evaluate(() => (window as any).elevateTracker.end());
        rotated = (await keysOf(tab)).sessionKey;
      });
      expect((await keysOf(tab)).sessionKey).toBe(rotated);
      await spec.site.settle();
      spec.site.api.reset();
      await tab.click('#tile');
      const [click] = await spec.site.api.waitFor(1, { type: 'click' });
      expect(click.query.sessionKey).toBe(rotated);
    });
  });
});
