// Consent in every engine: denied, forget(), and consent changed on another page while this one waited in the
// back/forward cache.
import { describe, expect, inject, it } from 'vitest';
import type { Tab } from '../support/engines/engine.ts';
import { keysOf, sleep, storedOutbox, trackerCookies, trackerUp, useEngine } from '../support/engines/spec.ts';
import { trackerPage } from '../support/harness.ts';

describe.each(inject('engines'))('$name', (launch) => {
  const spec = useEngine(launch);
  const api = () => spec.site.api;
  const tickets = () => api().delivered('click').map((click) => click.ticket);

  it('consent denied: no request, no cookie, nothing stored, whatever the visitor clicks', async () => {
    const tab = await spec.open({ consent: 'denied' });
    await tab.click('#tile');
    await tab.evaluate(() => {
      const tracker = (window as any).elevateTracker;
      tracker.addToCart('T-cart');
      tracker.end();
    });
    await tab.click('#leave');
    await tab.waitFor(() => location.pathname == '/next' && typeof (window as any).elevateTracker?.click == 'function');
    await sleep(500);
    expect(api().requests).toEqual([]);
    expect(await trackerCookies(tab)).toEqual({});
    expect(await storedOutbox(tab)).toEqual([]);
  });

  it('forget() ends the session, deletes the cookies, and the forgotten key is never sent again', async () => {
    const tab = await spec.open();
    const { customerKey, sessionKey } = await keysOf(tab);
    expect(await tab.evaluate(() => (window as any).elevateTracker.forget())).toBe(customerKey);
    const [end] = await api().waitFor(1, { type: 'end' });
    expect(end.query).toMatchObject({ customerKey, sessionKey });
    expect(await trackerCookies(tab)).toEqual({});
    await tab.click('#tile');
    await sleep(500);
    expect(api().requests.map((request) => request.type), 'nothing after forget() on its page').toEqual(['end']);
    // The next page is rendered with consent again (the site's word): a new visitor.
    await spec.visit(tab, '/next');
    await tab.evaluate(() => (window as any).elevateTracker.click('T-after'));
    const [after] = await api().waitFor(1, { type: 'click' });
    expect(after.query.customerKey).not.toBe(customerKey);
    expect((await trackerCookies(tab)).elevate_customer_key).toBe(after.query.customerKey);
  });

  // Whether a page is kept in the back/forward cache is the browser's choice: Firefox evicted one under a loaded CI
  // machine's memory pressure once (restored as a fresh load). Tried once more then; a real regression fails both.
  describe('a page restored from the back/forward cache', { retry: 1 }, () => {
    /** Leaves /shop for /other (tracked with `otherConsent`), runs `there` on it, and goes back to the cached /shop. */
    async function elsewhere(tab: Tab, otherConsent: string, there: () => Promise<unknown>) {
      spec.site.setPage('/other', trackerPage('script', { options: spec.options({ consent: otherConsent }), body: '<p>other</p>' }));
      await spec.visit(tab, '/other');
      await there();
      expect(await tab.back()).toEqual({ persisted: true });
      await tab.waitFor(trackerUp);
    }

    // Found here: Firefox and WebKit do not replay to a restored page the `storage` event it missed (Chromium does),
    // so a page rendered pending stayed pending after Back and lost its clicks. The key cookies tell it now.
    it('follows consent granted on another page meanwhile: sends what it held, with the granted keys', async () => {
      const tab = await spec.open({ consent: 'pending' });
      await tab.click('#tile');
      let granted = { customerKey: '', sessionKey: '' };
      await elsewhere(tab, 'pending', async () => {
        await tab.evaluate(() => (window as any).elevateTracker.setConsent('granted'));
        granted = await keysOf(tab);
      });
      expect(await keysOf(tab)).toEqual(granted);
      await tab.click('#deep'); // T-tile was held before leaving; T-inner is clicked after coming back

      const sent = await api().waitFor(2, { type: 'click', timeoutMs: 5000 });
      await spec.site.settle(300);
      expect(tickets().sort()).toEqual(['T-inner', 'T-tile']);
      for (const click of sent) expect(click.query).toMatchObject(granted);
    });

    it('stays pending when nothing was granted elsewhere: nothing is sent, no cookie written', async () => {
      const tab = await spec.open({ consent: 'pending' });
      await tab.click('#tile');
      await elsewhere(tab, 'pending', () => tab.evaluate(() => (window as any).elevateTracker.click('T-other')));
      await tab.click('#deep');
      await sleep(500);
      expect(api().requests).toEqual([]);
      expect(await trackerCookies(tab)).toEqual({});
    });

    it('follows forget() on another page meanwhile: the forgotten key is not sent again', async () => {
      const tab = await spec.open();
      const { customerKey } = await keysOf(tab);
      await elsewhere(tab, 'granted', () => tab.evaluate(() => (window as any).elevateTracker.forget()));
      await spec.site.settle(300);
      api().reset();
      expect((await keysOf(tab)).customerKey).not.toBe(customerKey);
      await tab.click('#tile');
      await sleep(500);
      expect(api().requests).toEqual([]);
      expect(await trackerCookies(tab)).toEqual({});
    });
  });
});
