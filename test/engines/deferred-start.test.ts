// The deferred start in every engine: as the script runs it only adds its listeners; the keys, consent and stored
// notifications start in a task of its own right after, and each click's task only notes the ticket. What happens in
// between (a click, a method called, the page left) must come out as if the tracker had started at once.
import { describe, expect, inject, it } from 'vitest';
import type { Tab } from '../support/engines/engine.ts';
import { trackerCookies, UUID, useEngine } from '../support/engines/spec.ts';
import { trackerPage } from '../support/harness.ts';

/** Counts the page's fetch calls by URL path, so that a test can tell what was sent before a task ended. */
const COUNT_FETCHES = `window.fetched = [];
const pageFetch = window.fetch;
window.fetch = function (url, init) {
  window.fetched.push(new URL(url).pathname.split('/').pop());
  return pageFetch.call(this, url, init);
};`;

describe.each(inject('engines'))('$name', (launch) => {
  const spec = useEngine(launch);

  /**
   * A page whose tracker script, after its tiles, has `inline` as its load handler: the load event of a script fires
   * in the task that ran it, so `inline` runs right after the tracker's own synchronous run, before any task of the
   * tracker's (a script after it in the markup may run later: Chromium's parser yields between scripts).
   */
  async function openWith(inline: string, { before = COUNT_FETCHES, options = {} } = {}): Promise<Tab> {
    const page = trackerPage('script', { options: spec.options(options), before: `${before}\nwindow.afterTracker = () => { ${inline} };` });
    const loader = /<script src="\/dist\/elevate-tracker\.min\.js"[^>]*><\/script>/.exec(page)![0];
    const body = '<a id="tile" data-elevate-ticket="T-early">tile</a><button id="cart" data-elevate-cart-ticket="T-cart">add</button>'
      + loader.replace(' async>', ' onload="afterTracker()">');
    spec.site.setPage('/early', page.replace(loader, '').replace('<body></body>', `<body>${body}</body>`));
    const tab = (await spec.newContext()).tabs[0];
    await tab.goto(spec.site.siteUrl + '/early');
    await tab.waitFor(() => document.readyState == 'complete');
    return tab;
  }

  it('sends a click made before the start, once, and nothing from the click\'s own task', async () => {
    const tab = await openWith(`document.getElementById('tile').click();
      window.fetchedInClickTask = window.fetched.length;`);
    const [click] = await spec.site.api.waitFor(1, { type: 'click' });
    expect(click.ticket).toBe('T-early');
    expect(await tab.evaluate(() => (window as any).fetchedInClickTask)).toBe(0);
    const keys = await tab.evaluate(() => ({ customerKey: (window as any).elevateTracker.customerKey }));
    expect(click.query.customerKey).toBe(keys.customerKey);
    // After the start, a click is still noted in its task and sent from a task of its own.
    await tab.click('#cart');
    await spec.site.api.waitFor(1, { type: 'add-to-cart' });
    expect(spec.site.api.delivered('click')).toHaveLength(1);
  });

  it('a method called before the start runs it: keys at once, and the click before it sent first', async () => {
    const tab = await openWith(`document.getElementById('tile').click();
      window.keysAtOnce = { customerKey: elevateTracker.customerKey, cookie: document.cookie };
      elevateTracker.addToCart('T-method');
      window.fetchedByThen = window.fetched.slice();`);
    const { customerKey, cookie } = await tab.evaluate(() => (window as any).keysAtOnce);
    expect(customerKey).toMatch(UUID);
    expect(cookie).toContain(`elevate_customer_key=${customerKey}`);
    // The click's notification is built (and queued) before the add-to-cart's: both go out in one flush, in order.
    await spec.site.api.waitFor(2);
    expect(await tab.evaluate(() => (window as any).fetched)).toEqual(['click', 'add-to-cart']);
    expect(spec.site.api.delivered().map((request) => request.path.split('/').pop()).sort()).toEqual(['add-to-cart', 'click']);
    expect((await trackerCookies(tab)).elevate_customer_key).toBe(customerKey);
  });

  it('the page left before the start sends what was clicked, within that task', async () => {
    const tab = await openWith(`document.getElementById('tile').click();
      dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
      window.fetchedAtPagehide = window.fetched.slice();`);
    expect(await tab.evaluate(() => (window as any).fetchedAtPagehide)).toEqual(['click']);
    const [click] = await spec.site.api.waitFor(1, { type: 'click' });
    expect(click.ticket).toBe('T-early');
  });

  it('replays the queue before any call made after the script ran', async () => {
    const tab = await openWith(`window.keyAfter = elevateTracker.customerKey;`,
      { before: `window.elevateTracker = [['setCustomerKey', 'K-queued']];` });
    expect(await tab.evaluate(() => (window as any).keyAfter)).toBe('K-queued');
  });

  it('replays the whole queue before a click made after the script ran: the click carries the queued key', async () => {
    await openWith(`document.getElementById('tile').click();`,
      { before: `${COUNT_FETCHES}\nwindow.elevateTracker = [['setConsent', 'granted'], ['setCustomerKey', 'K-queued']];` });
    const [click] = await spec.site.api.waitFor(1, { type: 'click' });
    expect(click.query.customerKey).toBe('K-queued');
  });

  it('a bad option is still one console error and no request, and the page gets its queue back', async () => {
    spec.expectConsoleErrors(/Option market \(data-market\) is invalid/);
    const tab = await openWith(`document.getElementById('tile').click();
      window.keyMeanwhile = elevateTracker.customerKey;`,
    { options: { market: ' ' }, before: `window.queue = window.elevateTracker = [['end']];` });
    await tab.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
    expect(spec.site.api.requests).toEqual([]);
    expect(await tab.evaluate(() => [(window as any).keyMeanwhile, (window as any).elevateTracker === (window as any).queue]))
      .toEqual(['', true]);
    expect(await tab.context.cookies()).toEqual([]);
  });

  it('npm: destroy() before the start (React StrictMode\'s first mount) starts nothing; a click noted first is still sent', async () => {
    spec.site.setPage('/plain', '<!doctype html><p>a page of the site without the tracker</p>');
    const tab = (await spec.newContext()).tabs[0];
    await tab.goto(spec.site.siteUrl + '/plain');
    const stored = { url: `${spec.site.apiBase}/api/storefront/v3/notifications/click?customerKey=c-stored&market=UK&sessionKey=0b05119e-eeb8-418a-bbfb-defa0dde417e`,
      body: JSON.stringify({ ticket: 'T-stored' }), at: Date.now(), tries: 0, due: Date.now() };
    await tab.evaluate((entry) => localStorage.setItem('elevate_outbox', JSON.stringify([entry])), stored);
    const page = (inline: string) => `<!doctype html><html><head><meta charset="utf-8"><title>shop</title>
      <script type="importmap">${JSON.stringify({ imports: { uuid: '/node_modules/uuid/dist/index.js', 'js-cookie': '/node_modules/js-cookie/dist/js.cookie.mjs' } })}</script>
      </head><body><a id="tile" data-elevate-ticket="T-early">tile</a><script type="module">
      import { createTracker } from '/dist/index.js';
      const tracker = createTracker(${JSON.stringify(spec.options())});
      ${inline}
      tracker.destroy();
      window.destroyed = true;
      </script></body></html>`;
    spec.site.setPage('/destroyed', page(''));
    await tab.goto(spec.site.siteUrl + '/destroyed');
    await tab.waitFor(() => (window as any).destroyed);
    await tab.evaluate(() => new Promise((resolve) => setTimeout(resolve, 600)));
    expect(spec.site.api.requests, 'nothing read, taken or sent').toEqual([]);
    expect(await tab.context.cookies()).toEqual([]);
    expect(await tab.evaluate(() => localStorage.getItem('elevate_outbox'))).toContain('T-stored');
    // A click noted before destroy() is not lost: the tracker starts to send it, then stops.
    spec.site.setPage('/clicked', page(`document.getElementById('tile').click();`));
    await tab.goto(spec.site.siteUrl + '/clicked');
    const clicks = await spec.site.api.waitFor(2, { type: 'click' });
    expect(clicks.map((click) => click.ticket).sort()).toEqual(['T-early', 'T-stored']);
  });
});
