// The script tag configured without data-* attributes, as a tag manager injects it (Google Tag Manager's injectScript
// sets none): an ['init', options] command in the queue, the site's onError hook, and on-demand files under other
// names (fingerprinted assets).
import { readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import type { Tab } from '../support/engines/engine.ts';
import { sleep, trackerUp, useEngine } from '../support/engines/spec.ts';

const TILES = '<a id="tile" href="#" data-elevate-ticket="T-init">tile</a>'
  + '<div id="ad" data-elevate-impression-ticket="T-ad" style="width:200px;height:100px">ad</div>';

describe.each(inject('engines'))('$name', (launch) => {
  const spec = useEngine(launch);

  /**
   * A page whose inline script queues `commands` (JSON, with `ON_ERROR` standing for a hook that records what it is
   * given) and then injects the tracker's script element without any attribute, as a tag manager does.
   */
  async function openInjected(commands: string, path = '/gtm'): Promise<Tab> {
    const recorder = `(error) => { window.reported.push({ code: error.code, message: error.message, isError: error instanceof Error }); }`;
    spec.site.setPage(path, `<!doctype html><html><head><meta charset="utf-8"><title>shop</title><script>
      window.reported = [];
      window.elevateTracker = window.elevateTracker || [];
      elevateTracker.push(...${commands.replace(/"ON_ERROR"/g, recorder)});
      const script = document.createElement('script');
      script.src = '/dist/elevate-tracker.min.js';
      document.head.appendChild(script);
    </script></head><body>${TILES}</body></html>`);
    const tab = (await spec.newContext()).tabs[0];
    await tab.goto(spec.site.siteUrl + path);
    await tab.waitFor(() => document.readyState == 'complete');
    return tab;
  }
  /** Resolves once the tab has logged a console error (the tracker's start ran and refused). */
  async function untilConsoleError(tab: Tab) {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(50)) {
      if ((await tab.consoleErrors()).length) return;
    }
    throw new Error('no console error within 10 s');
  }
  const init = (extra: Record<string, unknown> = {}) => ['init', { apiBase: spec.site.apiBase, market: 'UK', ...extra }];

  it('takes its options from an init command anywhere in the queue, and replays the rest in order', async () => {
    const tab = await openInjected(JSON.stringify([['setCustomerKey', 'ck-before-init'], init(), ['addToCart', 'T-queued']]));
    await tab.waitFor(trackerUp);
    await tab.click('#tile');
    const [cart, click] = await spec.site.api.waitFor(2);
    expect([cart.type, cart.ticket, cart.query.customerKey]).toEqual(['add-to-cart', 'T-queued', 'ck-before-init']);
    expect([click.type, click.ticket, click.query.market]).toEqual(['click', 'T-init', 'UK']);
    // Once loaded, init cannot change the options: one console error, and the tracker goes on.
    spec.expectConsoleErrors(/init is read from the queue before the script loads, once: ignored/);
    await tab.evaluate(() => (window as any).elevateTracker.push(['init', { market: 'SE' }]));
    await tab.click('#tile');
    await sleep(300);
    expect(spec.site.api.delivered('click').map((request) => request.query.market)).toEqual(['UK']);
  });

  it('a bad init is one console error naming the option, no request, and the queue handed back', async () => {
    spec.expectConsoleErrors(/Unknown option clusterID; known options: clusterId, market/, /Option market \(data-market\) is invalid: ""/);
    for (const [path, options] of [['/typo', { clusterID: 'w0' }], ['/empty', { market: '' }]] as const) {
      const tab = await openInjected(JSON.stringify([init(options), ['end']]), path);
      await untilConsoleError(tab);
      expect(await tab.evaluate(() => Array.isArray((window as any).elevateTracker))).toBe(true);
      await tab.click('#tile');
    }
    await sleep(300);
    expect(spec.site.api.requests).toEqual([]);
  });

  it('onError hears of integration mistakes and of notifications dropped, without the keys', async () => {
    const tab = await openInjected(`[${JSON.stringify(init({ onError: 'ON_ERROR' }))}]`);
    await tab.waitFor(trackerUp);
    spec.expectConsoleErrors(/setCustomerKey: "someone@example.com" is not a secret customer-bound key/);
    await tab.evaluate(() => (window as any).elevateTracker.setCustomerKey('someone@example.com'));
    spec.site.api.setFaults({ fail400: 1 });
    await tab.click('#tile');
    await spec.site.api.waitFor(() => spec.site.api.requests.some((request) => request.status == 400));
    await tab.waitFor(() => (window as any).reported.length == 2);
    const customerKey = await tab.evaluate(() => (window as any).elevateTracker.customerKey);
    const reported = await tab.evaluate(() => (window as any).reported);
    expect(reported).toEqual([
      { code: 'integration', message: expect.stringContaining('setCustomerKey: "someone@example.com"'), isError: true },
      { code: 'dropped', message: expect.stringMatching(/^\[elevate-tracker\] dropped: 400 .*: http:\/\/127\.0\.0\.1:\d+\/api\/storefront\/v3\/notifications\/click$/), isError: true },
    ]);
    expect(JSON.stringify(reported)).not.toContain(customerKey);
  });

  it('a hook that throws changes nothing: the tracker goes on and nothing reaches the page', async () => {
    const tab = await openInjected(`[${JSON.stringify(init({ onError: 'THROWS' })).replace('"THROWS"', '() => { throw new Error("hook broke"); }')}]`);
    await tab.waitFor(trackerUp);
    spec.expectConsoleErrors(/add-to-cart: invalid argument/);
    await tab.evaluate(() => (window as any).elevateTracker.addToCart(42));
    await tab.click('#tile');
    await spec.site.api.waitFor(1, { type: 'click' });
  });

  it('finds its on-demand files under the names its options give, and refuses a URL that is not http(s)', async () => {
    const watcher = await readFile(new URL('../../dist/elevate-tracker.impressions.js', import.meta.url));
    spec.site.mount('/assets/', (request, response) => {
      if (request.url == '/assets/impressions.5e1f0a.js') response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(watcher);
      else response.writeHead(404).end();
    });
    const tab = await openInjected(JSON.stringify([init({ impressionsScript: '/assets/impressions.5e1f0a.js' })]));
    const [impression] = await spec.site.api.waitFor(1, { type: 'ad-impression', timeoutMs: 10_000 });
    expect(impression.ticket).toBe('T-ad');
    const loaded = await tab.evaluate(() => performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname));
    expect(loaded).toContain('/assets/impressions.5e1f0a.js');
    expect(loaded).not.toContain('/dist/elevate-tracker.impressions.js');

    spec.expectConsoleErrors(/Option sessionScript \(data-session-script\) is invalid: "javascript:alert\(1\)"\. Example: "\/assets\/elevate-tracker\.session\.3f9a1c\.js"/);
    spec.site.api.reset();
    const refused = await openInjected(JSON.stringify([init({ sessionScript: 'javascript:alert(1)' })]), '/bad-file');
    await untilConsoleError(refused);
    await refused.click('#tile');
    await sleep(300);
    expect(spec.site.api.requests).toEqual([]);
  });
});
