// Every notification type on both API generations, userContext, and parity with the official client (API v3).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { notifications as officialNotifications } from '@apptus/esales-api';
import { BUILDS, contextCookies, sleep, startHarness, trackerPage, type Harness, type OpenedPage } from '../support/harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });
beforeEach(() => h.closePages());

const BODY = `<div id="tile" data-elevate-ticket="T-tile">tile
  <button id="cart" data-elevate-cart-ticket="T-variant">Add to cart</button></div>`;
const PATHS = { v2: '/api/v2/notifications/', v3: '/api/storefront/v3/notifications/' };

/** [method call, type, expected body] for each notification; the last three are API v3 only. */
const CALLS: [string, string, unknown][] = [
  ["click('T-1')", 'click', { ticket: 'T-1' }],
  ["addToCart('T-2')", 'add-to-cart', { ticket: 'T-2' }],
  ["addFavorite('pk-1')", 'add-favorite', { productKey: 'pk-1' }],
  ["addFavorite({ variantKey: 'vk-1' })", 'add-favorite', { variantKey: 'vk-1' }],
  ["removeFavorite('pk-2')", 'remove-favorite', { productKey: 'pk-2' }],
  ["removeFavorite({ variantKey: 'vk-2' })", 'remove-favorite', { variantKey: 'vk-2' }],
  ['end()', 'end', undefined],
  ["removeRecentSearches(['dress', 'gift card'])", 'remove-recent-searches', { phrases: ['dress', 'gift card'] }],
  ["removeRecentSearches('removeAll')", 'remove-recent-searches', { removeAll: true }],
  ["removeRecentlyViewed(['pk-3'])", 'remove-recently-viewed', { productKeys: ['pk-3'] }],
  ["removeRecentlyViewed('removeAll')", 'remove-recently-viewed', { removeAll: true }],
  ["adImpression('T-ad')", 'ad-impression', { ticket: 'T-ad' }],
];
const V3_ONLY = new Set(['remove-recent-searches', 'remove-recently-viewed', 'ad-impression']);

async function open(build: 'script' | 'esm', options: Record<string, unknown>, path = '/notify') {
  h.setPage(path, trackerPage(build, { options: { apiBase: h.apiBase, market: 'UK', ...options }, body: BODY }));
  const opened = await h.openPage();
  await h.gotoTracked(opened, path);
  return opened;
}
const keysOf = (opened: OpenedPage) => opened.page.evaluate(() => {
  const { customerKey, sessionKey } = (window as any).elevateTracker;
  return { customerKey, sessionKey } as { customerKey: string; sessionKey: string };
});
const call = (opened: OpenedPage, expression: string) => opened.page.evaluate(`window.elevateTracker.${expression}`);
/** What a request looked like on the wire, for comparison. */
const shape = (request: { method: string; path: string; query: Record<string, string>; body: string | null; contentType: string | null }) => ({
  method: request.method, path: request.path, query: request.query,
  body: request.body ? JSON.parse(request.body) : undefined,
  contentType: request.body ? request.contentType?.toLowerCase().replace(/\s/g, '') : undefined,
});

describe.each(BUILDS)('%s build', (build) => {
  // Only in Chromium: the cluster's real host is intercepted (page.route); nothing leaves the machine.
  it('with only a cluster id and a market, sends to the cluster\'s Storefront API v3 on elevate-api.cloud', async () => {
    h.setPage('/cluster', trackerPage(build, { options: { clusterId: 'w00000000', market: 'UK' }, body: BODY }));
    const opened = await h.openPage();
    const sent: { method: string; url: string; body: string | null }[] = [];
    await opened.context.route(/^https:/, (route) => {
      sent.push({ method: route.request().method(), url: route.request().url(), body: route.request().postData() });
      return route.fulfill({ status: 204, headers: { 'Access-Control-Allow-Origin': '*' } });
    });
    await h.gotoTracked(opened, '/cluster');
    await opened.page.click('#tile');
    await expect.poll(() => sent.length).toBe(1);
    const keys = await keysOf(opened);
    expect(sent[0]).toEqual({ method: 'POST', body: '{"ticket":"T-tile"}', url: 'https://w00000000.elevate-api.cloud/api/storefront/v3/notifications/click?'
      + `customerKey=${keys.customerKey}&market=UK&sessionKey=${keys.sessionKey}` });
    expect(opened.consoleErrors).toEqual([]);
  });

  describe.each(['v2', 'v3'] as const)('API %s', (apiVersion) => {
    it('sends every notification type of the generation, each exactly as specified', async () => {
      const opened = await open(build, { apiVersion });
      const calls = CALLS.filter(([, type]) => apiVersion == 'v3' || !V3_ONLY.has(type));
      const sent: { type: string; keys: object; body: unknown }[] = [];
      for (const [expression, type, body] of calls) {
        const keys = await keysOf(opened); // end() rotates the session: the keys of the moment count
        await call(opened, expression);
        sent.push({ type, keys, body });
      }
      const requests = await h.api.waitFor(calls.length);
      // Each is its own request, sent at once: on a loaded machine they may arrive in another order.
      const order = (item: { path: string; query: Record<string, string>; body: unknown }) =>
        [item.path, item.query.sessionKey, JSON.stringify(item.body)].join(' ');
      const inAnyOrder = <T extends Parameters<typeof order>[0]>(list: T[]) => list.sort((a, b) => order(a).localeCompare(order(b)));
      expect(inAnyOrder(requests.map((request) => ({ status: request.status, ...shape(request) })))).toEqual(inAnyOrder(sent.map(({ type, keys, body }) => ({
        status: 204, method: 'POST', path: PATHS[apiVersion] + type, query: { market: 'UK', ...keys },
        body, contentType: body ? 'text/plain;charset=utf-8' : undefined,
      }))));
      expect(opened.pageErrors).toEqual([]);
      expect(h.api.preflights).toEqual([]);
    });

    it('tracks add-to-cart buttons from markup, and a click on the tile around them as a click', async () => {
      const opened = await open(build, { apiVersion });
      await opened.page.click('#cart');
      await opened.page.click('#tile', { position: { x: 2, y: 2 } });
      const requests = await h.api.waitFor(2);
      expect(requests.map((request) => [request.path, JSON.parse(request.body!)])).toEqual([
        [PATHS[apiVersion] + 'add-to-cart', { ticket: 'T-variant' }],
        [PATHS[apiVersion] + 'click', { ticket: 'T-tile' }],
      ]);
    });
  });

  it('refuses v3-only notifications on API v2 and bad arguments, one console error each, nothing sent', async () => {
    const opened = await open(build, { apiVersion: 'v2' });
    await call(opened, "removeRecentSearches(['x'])");
    await call(opened, "removeRecentlyViewed('removeAll')");
    await call(opened, "addFavorite({ productKey: 'a', variantKey: 'b' })");
    await call(opened, 'removeFavorite(42)');
    await call(opened, "addToCart('   ')");
    await call(opened, 'removeRecentSearches([])');
    await sleep(300);
    expect(h.api.requests).toEqual([]);
    expect(opened.consoleErrors.map((line) => line.replace(/^\[elevate-tracker\] /, ''))).toEqual([
      'remove-recent-searches needs apiVersion "v3".',
      'remove-recently-viewed needs apiVersion "v3".',
      "add-favorite: invalid argument; see the README's API section.",
      "remove-favorite: invalid argument; see the README's API section.",
      "add-to-cart: invalid argument; see the README's API section.",
      "remove-recent-searches: invalid argument; see the README's API section.",
    ]);
  });

  describe('userContext (API v3)', () => {
    it('with consent: PERSONALIZED, by leaving the parameter out', async () => {
      const opened = await open(build, { apiVersion: 'v3', anonymousTracking: true });
      await call(opened, "click('T-1')");
      const [click] = await h.api.waitFor(1);
      expect(click.query).toEqual({ market: 'UK', ...(await keysOf(opened)) });
    });

    it('without consent and anonymousTracking: ANONYMOUS, with neither key, and nothing stored', async () => {
      const opened = await open(build, { apiVersion: 'v3', anonymousTracking: true, consent: 'pending' });
      await opened.page.click('#tile', { position: { x: 2, y: 2 } });
      const [click] = await h.api.waitFor(1);
      expect(click.query).toEqual({ market: 'UK', userContext: 'ANONYMOUS' });
      expect(click.status).toBe(204);
      expect(await contextCookies(opened.context)).toEqual([]);
      await call(opened, "setConsent('granted')");
      await call(opened, "click('T-after')");
      const [, after] = await h.api.waitFor(2);
      expect(after.query).toEqual({ market: 'UK', ...(await keysOf(opened)) });
    });

    it('without consent and without anonymousTracking, or on API v2: nothing is sent', async () => {
      const v3 = await open(build, { apiVersion: 'v3', consent: 'denied' }, '/v3-denied');
      await call(v3, "click('T-1')");
      const v2 = await open(build, { apiVersion: 'v2', anonymousTracking: true, consent: 'denied' }, '/v2-denied');
      await call(v2, "click('T-2')");
      await sleep(300);
      expect(h.api.requests).toEqual([]);
    });
  });
});

describe('parity with the official client (@apptus/esales-api, API v3)', () => {
  it('sends the same method, path, query and body for every type, for the same keys', async () => {
    const opened = await open('script', { apiVersion: 'v3' }, '/parity');
    const ours: ReturnType<typeof shape>[] = [];
    const theirs: ReturnType<typeof shape>[] = [];
    for (const [expression, type] of CALLS) {
      const keys = await keysOf(opened);
      await call(opened, expression);
      ours.push(shape((await h.api.waitFor(1))[0]));
      h.api.reset();
      const official = officialNotifications({ clusterId: h.apiBase, market: 'UK', session: () => keys });
      const argument = expression.slice(expression.indexOf('(') + 1, -1);
      const method = { click: 'click', 'add-to-cart': 'addToCart', 'add-favorite': 'addFavorite', 'remove-favorite': 'removeFavorite',
        end: 'end', 'remove-recent-searches': 'removeRecentSearches', 'remove-recently-viewed': 'removeRecentlyViewed',
        'ad-impression': 'adImpression' }[type]!;
      // The same argument as ours got, evaluated the same way.
      await (official as any)[method](...(argument ? [new Function(`return ${argument}`)()] : []));
      theirs.push(shape((await h.api.waitFor(1))[0]));
      h.api.reset();
    }
    expect(ours).toEqual(theirs);
  });
});
