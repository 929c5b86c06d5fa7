// The script tag and the options under a hostile page, in real Chromium on the built dist/ files (issue 12: items 1, 3
// and 7): markup that shadows document.currentScript or window.elevateTracker, a polluted Object.prototype, and a
// queue of commands no message can print.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BUILDS, startHarness, trackerPage, type Harness, type OpenedPage } from '../support/harness.ts';

const EVIL = 'https://evil.example';
/** The options an attacker's markup carries, as data-* attributes. */
const EVIL_OPTIONS = `data-api-base="${EVIL}" data-market="UK" data-session-api="${EVIL}/s"`;
const TILE = '<div id="tile" data-elevate-ticket="T-1">tile</div>';
const isOurs = (line: string) => line.startsWith('[elevate-tracker]');

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });
beforeEach(() => h.closePages());

/**
 * Opens `html`; returns the page, every https request it made (all answered 204) but the attacker's image, and the
 * URLs of the session shim it loaded.
 */
async function openHtml(path: string, html: string): Promise<OpenedPage & { https: string[]; shims: string[] }> {
  h.setPage(path, html);
  const opened = await h.openPage();
  const https: string[] = [];
  const shims: string[] = [];
  opened.page.on('request', (request) => request.url().endsWith('.session.js') && shims.push(request.url()));
  await opened.context.route(/^https:/, (route) => {
    if (!route.request().url().endsWith('/x.png')) https.push(route.request().url());
    return route.fulfill({ status: 204 });
  });
  await opened.page.goto(h.siteUrl + path);
  return { ...opened, https, shims };
}

/** Resolves once the tracker is up as `window.elevateTracker` (5 s at most, rather than the test's 30). */
const trackerIsUp = ({ page }: OpenedPage) =>
  expect.poll(() => page.evaluate(() => typeof (window as any).elevateTracker?.click), { timeout: 5000 }).toBe('function');

/** Clicks the tile; resolves once a click reached the stand-in or went anywhere over https. */
async function clickTile(opened: OpenedPage & { https: string[] }) {
  await opened.page.click('#tile');
  await expect.poll(() => h.api.delivered('click').length + opened.https.length, { timeout: 5000 }).toBeGreaterThan(0);
}

describe('markup cannot replace the script tag\'s own <script> (item 1)', () => {
  const page = (head: string, options: Record<string, unknown> = {}) =>
    trackerPage('script', { options: { apiBase: h.apiBase, market: 'UK', ...options }, head, body: TILE });

  it.each([
    ['<img name=currentScript>', `<img name="currentScript" src="${EVIL}/x.png" ${EVIL_OPTIONS}>`],
    ['<form name=currentScript>', `<form name="currentScript" ${EVIL_OPTIONS}></form>`],
    ['<object id=currentScript>', `<object id="currentScript" ${EVIL_OPTIONS}></object>`],
    ['<img id=currentScript name=…>', `<img id="currentScript" name="logo" src="${EVIL}/x.png" ${EVIL_OPTIONS}>`],
    ['two <img name=currentScript> (an HTMLCollection)', `<img name="currentScript" src="${EVIL}/x.png" ${EVIL_OPTIONS}><img name="currentScript">`],
  ])('%s: the options and the session shim come from the real <script> only', async (_, markup) => {
    const opened = await openHtml('/shadowed', page(markup, { sessionApi: `${h.apiBase}/session-api` }));
    await trackerIsUp(opened);
    await clickTile(opened);
    expect(opened.https, 'nothing goes to the markup\'s host').toEqual([]);
    expect(h.api.delivered('click')).toHaveLength(1);
    await expect.poll(() => opened.shims).toEqual([`${h.siteUrl}/dist/elevate-tracker.session.js`]);
    expect(opened.consoleErrors.filter(isOurs)).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
  });

  it('an inert <script> injected into the page cannot stand in for a tracker whose own element is unknown', async () => {
    // Loaded into a shadow root, the tracker's document.currentScript is null; the page also holds a script element
    // inserted through innerHTML (never run) that names the tracker's file.
    const opened = await openHtml('/inert', `<!doctype html><html><head><meta charset="utf-8"></head><body>${TILE}
<div id="ugc"></div><div id="host"></div>
<script>
  document.getElementById('ugc').innerHTML = '<script src="${EVIL}/elevate-tracker.min.js" ${EVIL_OPTIONS}><\\/script>';
  const script = document.createElement('script');
  script.src = '/dist/elevate-tracker.min.js';
  script.dataset.apiBase = '${h.apiBase}';
  script.dataset.market = 'UK';
  document.getElementById('host').attachShadow({ mode: 'open' }).append(script);
</script></body></html>`);
    await expect.poll(() => opened.consoleErrors.filter(isOurs), { timeout: 5000 }).toHaveLength(1);
    expect(opened.consoleErrors[0]).toBe('[elevate-tracker] cannot find its own <script> element; load it with <script src=".../elevate-tracker.min.js">.');
    await opened.page.click('#tile');
    await h.settle();
    expect(opened.https).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
  });

  it('inline, without a src to find the session shim beside: data-session-api is one console error, nothing is sent', async () => {
    const code = readFileSync(new URL('../../dist/elevate-tracker.min.js', import.meta.url), 'utf8');
    const opened = await openHtml('/inline', `<!doctype html><html><head><meta charset="utf-8">
<script data-api-base="${h.apiBase}" data-market="UK" data-session-api="${h.apiBase}/session-api">${code}</script></head><body>${TILE}</body></html>`);
    await expect.poll(() => opened.consoleErrors, { timeout: 5000 })
      .toEqual(['[elevate-tracker] data-session-api needs <script src=".../elevate-tracker.min.js">.']);
    await opened.page.click('#tile');
    await h.settle();
    expect(h.api.requests).toEqual([]);
    expect(opened.shims).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
  });

  it('<form name=elevateTracker><input name=destroy>: the tracker runs without the global and says so once', async () => {
    const opened = await openHtml('/taken-by-markup', page('<form name="elevateTracker"><input name="destroy"></form>'));
    await clickTile(opened);
    expect(h.api.delivered('click')).toHaveLength(1);
    expect(opened.consoleErrors).toEqual(['[elevate-tracker] window.elevateTracker is taken by something else: the tracker runs without it.']);
    expect(await opened.page.evaluate(() => (window as any).elevateTracker instanceof HTMLFormElement)).toBe(true);
  });

  it('a second copy of the script tag leaves the first in charge, silently', async () => {
    const second = `<script src="/dist/elevate-tracker.min.js" data-api-base="${h.apiBase}" data-market="UK"></script>`;
    const opened = await openHtml('/twice', trackerPage('script', { options: { apiBase: h.apiBase, market: 'UK' }, body: TILE + second }));
    await trackerIsUp(opened);
    const first = await opened.page.evaluate(() => (window as any).elevateTracker.customerKey);
    await opened.page.waitForLoadState('load');
    await clickTile(opened);
    await h.settle();
    expect(h.api.delivered('click')).toHaveLength(1);
    expect(await opened.page.evaluate(() => (window as any).elevateTracker.customerKey)).toBe(first);
    expect(opened.consoleErrors).toEqual([]);
  });
});

describe.each(BUILDS)('%s build', (build) => {
  const open = (path: string, spec: { options?: Record<string, unknown>; before?: string; head?: string }) =>
    openHtml(path, trackerPage(build, { options: { apiBase: h.apiBase, market: 'UK' }, body: TILE, ...spec }));

  describe('options are own properties only (item 3)', () => {
    it('Object.prototype.apiBase and .sessionApi change nothing', async () => {
      const opened = await open('/polluted', {
        options: { clusterId: 'w0', market: 'UK' },
        before: `Object.prototype.apiBase = '${EVIL}'; Object.prototype.sessionApi = '${EVIL}/s';`,
      });
      await trackerIsUp(opened);
      await clickTile(opened);
      await h.settle();
      expect(opened.https.map((url) => new URL(url).origin)).toEqual(['https://w0.elevate-api.cloud']);
      expect(opened.consoleErrors.filter(isOurs)).toEqual([]);
      expect(opened.pageErrors).toEqual([]);
    });

    it('Object.prototype.globalPrivacyControl = "false" does not switch off the browser\'s refusal', async () => {
      const opened = await open('/polluted-gpc', {
        before: `Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true });
          Object.prototype.globalPrivacyControl = 'false';`,
      });
      await trackerIsUp(opened);
      await opened.page.click('#tile');
      await h.settle();
      expect(h.api.requests).toEqual([]);
      expect(await opened.page.evaluate(() => (window as any).configError)).toBeUndefined();
      expect(opened.consoleErrors.filter(isOurs)).toEqual([]);
    });
  });

  it('<img name=addEventListener> (it shadows document.addEventListener) does not stop the tracker from listening', async () => {
    const opened = await open('/shadowed-listen', { head: '<img name="addEventListener">' });
    await trackerIsUp(opened);
    await clickTile(opened);
    expect(h.api.delivered('click')).toHaveLength(1);
    expect(opened.consoleErrors.filter(isOurs)).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
  });
});

describe('the script tag\'s queue (item 7)', () => {
  it('an unprintable command is one console error and never stops the next; only the tracker\'s own methods run', async () => {
    const opened = await openHtml('/queue', trackerPage('script', {
      options: { apiBase: h.apiBase, market: 'UK' },
      before: `const circular = []; circular.push(circular);
        const trap = new Proxy({}, { get() { throw new Error('trap'); }, getPrototypeOf() { throw new Error('trap'); } });
        const gone = Proxy.revocable([], {});
        gone.revoke();
        window.elevateTracker = [
          ['__defineGetter__', 'customerKey', () => 'planted'], ['x', 1n], ['x', circular], ['x', trap], trap, gone.proxy,
          ['setConsent', 'denied'],
        ];`,
      body: TILE,
    }));
    await trackerIsUp(opened);
    const thrown = await opened.page.evaluate(() => {
      const tracker = (window as any).elevateTracker;
      const revoked = Proxy.revocable([], {});
      revoked.revoke();
      const pushes = [() => tracker.push(['x', 1n]), () => tracker.push(['__defineGetter__', 'sessionKey', () => 'planted']),
        () => tracker.push(revoked.proxy), () => tracker.push(['toString']), () => tracker.push(['clik', 'T-1'])];
      return pushes.map((push) => { try { push(); return null; } catch (error) { return String(error); } }).filter(Boolean);
    });
    expect(thrown).toEqual([]);
    expect(await opened.page.evaluate(() => [(window as any).elevateTracker.customerKey, (window as any).elevateTracker.sessionKey]))
      .not.toContain('planted');
    expect(opened.consoleErrors).toHaveLength(11);
    expect(opened.consoleErrors.every(isOurs)).toBe(true);
    expect(opened.consoleErrors.slice(-1)).toEqual([`[elevate-tracker] unknown command "clik"; e.g. push(['end'])`]);
    // The denial queued last was applied: nothing is sent.
    await opened.page.click('#tile');
    await h.settle();
    expect(h.api.requests).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
  });
});
