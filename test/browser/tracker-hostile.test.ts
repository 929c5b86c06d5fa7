// The tracker's own methods under hostile arguments and consent changes, and the session shim under planted state,
// in real Chromium on both builds (issue 12: items 4, 7, 8, 11, 12).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSessionStandIn } from '../../demo/session-standin.mjs';
import { BUILDS, sleep, startHarness, storedOutbox, trackerPage, type Harness, type OpenedPage } from '../support/harness.ts';

let h: Harness;
const sessions = createSessionStandIn();
let sessionApi: string;
beforeAll(async () => {
  h = await startHarness();
  sessionApi = await sessions.listen();
});
afterAll(async () => {
  await h?.close();
  await sessions.close();
});
beforeEach(async () => {
  await h.closePages();
  sessions.reset();
});

/** Session API calls, without the preflights a browser sends before them. */
const calls = () => sessions.requests.filter((request) => request.method != 'OPTIONS')
  .map((request) => [request.method, request.path, request.headers.gkc_customerId]);

const TILE = '<div id="tile" data-elevate-ticket="T-1">tile</div>';

describe.each(BUILDS)('%s build', (build) => {
  async function open(path: string, options: Record<string, unknown>, spec: { before?: string; body?: string } = {}): Promise<OpenedPage> {
    h.setPage(path, trackerPage(build, { options: { apiBase: h.apiBase, market: 'UK', ...options }, body: TILE, ...spec }));
    const opened = await h.openPage();
    await h.gotoTracked(opened, path);
    return opened;
  }
  const run = (opened: OpenedPage, code: string) => opened.page.evaluate(code);

  describe('no argument makes a method throw (item 7)', () => {
    it('BigInts, Symbols, throwing getters, revoked Proxies and circular objects: one console error each, nothing thrown, tracking goes on', async () => {
      const opened = await open('/hostile-arguments', {});
      const thrown = await run(opened, `(() => {
        const t = window.elevateTracker;
        const revoked = Proxy.revocable([], {}); revoked.revoke();
        const trap = new Proxy({}, { get() { throw new Error('trap'); }, ownKeys() { throw new Error('trap'); }, getPrototypeOf() { throw new Error('trap'); } });
        const circular = {}; circular.self = circular;
        const getter = { get productKey() { throw new Error('getter'); } };
        const calls = [
          () => t.setConsent(1n), () => t.setConsent(Symbol('x')), () => t.setConsent(trap),
          () => t.setCustomerKey(Symbol()), () => t.setCustomerKey(1n), () => t.setCustomerKey(trap),
          () => t.addFavorite(getter), () => t.addFavorite(trap), () => t.removeFavorite(revoked.proxy),
          () => t.removeRecentSearches(revoked.proxy), () => t.removeRecentlyViewed(trap),
          () => t.click(trap), () => t.click(revoked.proxy), () => t.addToCart(1n), () => t.identify(circular),
        ];
        return calls.map((call) => { try { call(); return null; } catch (error) { return String(error); } }).filter(Boolean);
      })()`);
      expect(thrown).toEqual([]);
      expect(opened.pageErrors).toEqual([]);
      expect(opened.consoleErrors.length).toBeGreaterThanOrEqual(10);
      expect(opened.consoleErrors.every((line) => line.startsWith('[elevate-tracker] '))).toBe(true);
      await opened.page.click('#tile');
      await h.api.waitFor(1, { type: 'click' });
    });
  });

  describe('markup cannot hide a click', () => {
    // A form's controls are properties of the form: <input name="getAttribute"> shadows form.getAttribute.
    it('a tile holding a form with <input name="getAttribute">: the click inside the form counts', async () => {
      const opened = await open('/form-tile', {}, { body: `<div data-elevate-ticket="T-form">
        <form onsubmit="return false"><input name="getAttribute"><button id="quick" type="button">Quick view</button></form></div>` });
      // Playwright's own click trips over the same shadowing: a click from the page.
      await run(opened, "document.getElementById('quick').click()");
      await h.api.waitFor(1, { type: 'click' });
      expect(h.api.delivered('click').map((request) => request.ticket)).toEqual(['T-form']);
      expect(opened.pageErrors).toEqual([]);
    });
  });

  describe('markup cannot make a visible page look hidden', () => {
    // <img name="hidden"> makes document.hidden the image (truthy): the page would stash its retries in storage at
    // each visibilitychange, as if the tab were going, instead of retrying them itself.
    it('<img name="hidden">: a visibilitychange on a visible page keeps the retry with the page', async () => {
      h.api.setFaults({ fail500: 1 });
      const opened = await open('/img-hidden', {}, { body: `${TILE}<img name="hidden" alt="">` });
      await opened.page.click('#tile');
      await h.api.waitFor((requests) => requests.length >= 1);
      await run(opened, "document.dispatchEvent(new Event('visibilitychange'))");
      expect(await storedOutbox(opened.page)).toBeNull();
      h.api.setFaults({});
      await h.api.waitFor(1, { type: 'click', timeoutMs: 8000 });
    });
  });

  describe('nothing leaves without consent, the session shim included (item 4)', () => {
    // The queue runs before the page's next script: a grant rendered by the server, then withdrawn at once.
    it.each([
      ["['setConsent', 'denied']", "setConsent('denied')"],
      ["['forget']", 'forget()'],
    ])('consent rendered granted, then %s: no Session API call', async (command, call) => {
      // The script tag replays its queue as it starts; an app calls the npm build's tracker right after creating it.
      const before = build == 'script' ? `window.elevateTracker = [${command}];` : '';
      const opened = await open(`/withdrawn-${build}`, build == 'script' ? { sessionApi } : {}, { before });
      if (build == 'esm') {
        await run(opened, `import('/dist/index.js').then(({ createTracker }) => {
          window.elevateTracker = createTracker({ apiBase: '${h.apiBase}', market: 'UK', sessionApi: '${sessionApi}' });
          window.elevateTracker.${call};
        })`);
      }
      await run(opened, 'window.elevateTracker.session');
      await run(opened, "window.elevateTracker.identify('customer-42')");
      await sleep(400);
      expect(calls()).toEqual([]);
      expect(await run(opened, 'window.elevateTracker.session')).toBeUndefined();
    });

    it('session after setConsent("denied") reads nothing from the Session API', async () => {
      const opened = await open('/read-after-denial', { sessionApi });
      await expect.poll(() => calls().length).toBe(1); // the visit's session is created
      await run(opened, "window.elevateTracker.setConsent('denied')");
      expect(await run(opened, 'window.elevateTracker.session')).toBeUndefined();
      await run(opened, "window.elevateTracker.identify('customer-42')");
      await sleep(300);
      expect(calls().map(([method]) => method)).toEqual(['PUT']);
    });

    it('identify() while consent is pending is held, and sent once consent is granted on that page (item 12)', async () => {
      const opened = await open('/identify-pending', { sessionApi, consent: 'pending' });
      await run(opened, "window.elevateTracker.identify('customer-42')");
      await sleep(300);
      expect(calls()).toEqual([]);
      await run(opened, "window.elevateTracker.setConsent('granted')");
      await expect.poll(() => calls().length).toBe(2);
      const { sessionId } = await run(opened, 'window.elevateTracker.session') as { sessionId: string };
      expect(calls()).toEqual([['PUT', '/sessions/new', undefined], ['POST', `/sessions/${sessionId}`, 'customer-42']]);
    });

    it('identify() while pending, then denied: never sent', async () => {
      const opened = await open('/identify-denied', { sessionApi, consent: 'pending' });
      await run(opened, "window.elevateTracker.identify('customer-42')");
      await run(opened, "window.elevateTracker.setConsent('denied')");
      await run(opened, "window.elevateTracker.setConsent('granted')");
      await expect.poll(() => calls().length).toBe(1);
      await sleep(300);
      expect(calls()).toEqual([['PUT', '/sessions/new', undefined]]);
    });
  });

  describe('a planted Session API id is not adopted (item 8)', () => {
    it.each([
      ['a cookie planted by another subdomain', 'cookie'],
      ['a malformed stored id', 'storage'],
    ])('%s: identify() goes to a session this tracker created', async (_what, where) => {
      h.setPage('/planted', trackerPage(build, { options: { apiBase: h.apiBase, market: 'UK', sessionApi }, body: TILE }));
      const opened = await h.openPage();
      // First page: learn the keys, as an attacker on the domain could from the cookies.
      await h.gotoTracked(opened, '/planted');
      const sessionKey = await run(opened, 'window.elevateTracker.sessionKey') as string;
      await expect.poll(() => calls().length).toBe(1);
      await run(opened, where == 'cookie'
        ? `document.cookie = 'elevate_session_api=${sessionKey}.attacker-session; path=/'`
        : `localStorage.setItem('elevate_session_api', '${sessionKey}.../attacker')`);
      sessions.reset();
      await h.gotoTracked(opened, '/planted');
      await run(opened, "window.elevateTracker.identify('customer-42')");
      await expect.poll(() => calls().length).toBeGreaterThanOrEqual(1);
      await sleep(300);
      const paths = calls().map(([, path]) => path);
      expect(paths.some((path) => /attacker/.test(path ?? ''))).toBe(false);
      expect(calls().find(([method]) => method == 'POST')?.[2]).toBe('customer-42');
    });
  });

  describe('anonymous tracking after a back/forward-cache restore (item 11)', () => {
    it('v3 with anonymousTracking and consent pending: a click after Back is sent at once', async () => {
      h.setPage('/elsewhere', '<!doctype html><p>elsewhere</p>');
      const opened = await open('/anonymous-restore', { apiVersion: 'v3', anonymousTracking: true, consent: 'pending' },
        { body: `${TILE}<div id="other" data-elevate-ticket="T-2">other</div>` });
      await run(opened, "addEventListener('pageshow', (event) => { window.restored = event.persisted; })");
      await opened.page.click('#tile');
      await h.api.waitFor(1, { type: 'click' });
      await opened.page.goto(h.siteUrl + '/elsewhere');
      await opened.page.goBack({ waitUntil: 'commit' });
      await opened.page.waitForFunction(() => (window as any).restored !== undefined);
      expect(await run(opened, 'window.restored')).toBe(true);
      await opened.page.click('#other');
      await h.api.waitFor(2, { type: 'click' });
      expect(h.api.delivered('click').map((request) => request.query.userContext)).toEqual(['ANONYMOUS', 'ANONYMOUS']);
    });
  });
});
