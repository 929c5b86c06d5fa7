// The consent managers' adapters in every engine, each against a stub of its manager's documented API
// (test/support/consent-managers/): the manager loaded before the tracker and after it, through the npm adapter and
// through the script file; nothing sent while the manager has not answered, the held clicks sent once it grants, and
// nothing after a change of mind (the tracker's cookies gone).
import { describe, expect, inject, it } from 'vitest';
import type { Tab } from '../support/engines/engine.ts';
import { sleep, trackerCookies, trackerUp, useEngine } from '../support/engines/spec.ts';
import { GTAG_SNIPPET, installGtm } from '../support/consent-managers/consent-mode.ts';
import { installCookiebot } from '../support/consent-managers/cookiebot.ts';
import { installOneTrust } from '../support/consent-managers/onetrust.ts';
import { installTcfCmp, installTcfStub } from '../support/consent-managers/tcf.ts';

const TILES = '<div id="tile" data-elevate-ticket="T-tile">Tile</div><div id="other" data-elevate-ticket="T-other">Other</div>'
  + '<div id="late" data-elevate-ticket="T-late">Late</div>';
const IMPORT_MAP = `<script type="importmap">${JSON.stringify({ imports: {
  uuid: '/node_modules/uuid/dist/index.js', 'js-cookie': '/node_modules/js-cookie/dist/js.cookie.mjs' } })}</script>`;
/** A page script of a stub's install function, called with `arg`. */
const run = (install: (arg?: any) => void, arg?: unknown) => `(${install})(${arg === undefined ? '' : JSON.stringify(arg)})`;

/** How the page connects its manager: the script file with its attributes, or the npm adapter with its options. */
type Adapter = { file: Record<string, string> } | { connect: string; options?: Record<string, unknown> };

describe.each(inject('engines'))('$name', (launch) => {
  const spec = useEngine(launch);
  const api = () => spec.site.api;
  const tickets = () => api().delivered('click').map((click) => click.ticket);

  /**
   * A page at `path` with `before` (inline scripts: a manager loaded before the tracker), the tracker started
   * `pending`, and `adapter`: the script file beside the script tag, or the npm tracker and the adapter in a module
   * (its disconnect function is `window.disconnectConsent`).
   */
  function setPage(path: string, adapter: Adapter, before = '') {
    const options = spec.options({ consent: 'pending' });
    const tracker = 'file' in adapter
      ? `<script src="/dist/elevate-tracker.min.js" ${Object.entries(options).map(([name, value]) =>
        `data-${name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}="${value}"`).join(' ')} async></script>
        <script src="/dist/elevate-tracker.consent.js" ${Object.entries(adapter.file).map(([name, value]) => `${name}="${value}"`).join(' ')} async></script>`
      : `${IMPORT_MAP}<script type="module">
        import { createTracker } from '/dist/index.js';
        import { ${adapter.connect} } from '/dist/consent.js';
        window.elevateTracker = createTracker(${JSON.stringify(options)});
        window.disconnectConsent = ${adapter.connect}(window.elevateTracker${adapter.options ? `, ${JSON.stringify(adapter.options)}` : ''});
      </script>`;
    spec.site.setPage(path, `<!doctype html><html><head><meta charset="utf-8"><title>shop</title>
      ${before ? `<script>${before}</script>` : ''}${tracker}</head><body>${TILES}</body></html>`);
  }
  async function open(path: string, adapter: Adapter, before = '', tab?: Tab) {
    setPage(path, adapter, before);
    tab ??= (await spec.newContext()).tabs[0];
    await spec.visit(tab, path);
    return tab;
  }
  /** Clicks `selector` and checks, a moment later, that nothing new reached the stand-in and no cookie was written. */
  async function clickUnsent(tab: Tab, selector: string) {
    const before = api().requests.length;
    await tab.click(selector);
    await sleep(400);
    expect(api().requests.slice(before), `nothing sent for ${selector}`).toEqual([]);
    expect(await trackerCookies(tab)).toEqual({});
  }
  /** Clicks `selector` and waits for its notification. */
  async function clickSent(tab: Tab, selector: string, ticket: string) {
    await tab.click(selector);
    await api().waitFor(() => tickets().includes(ticket));
  }
  /** The held click sent on a grant, the cookies written; then a change of mind: nothing more, the cookies gone. */
  async function expectGrantThenDenial(tab: Tab, grant: string, deny: string) {
    await tab.evaluate(grant);
    await api().waitFor(() => tickets().includes('T-tile'));
    expect(Object.keys(await trackerCookies(tab)).sort()).toEqual(['elevate_customer_key', 'elevate_session_key']);
    await clickSent(tab, '#other', 'T-other');
    await tab.evaluate(deny);
    await tab.waitFor(() => !document.cookie.includes('elevate_'));
    await clickUnsent(tab, '#late');
    expect(tickets()).toEqual(['T-tile', 'T-other']);
  }

  it('Google Consent Mode, script file: a denied default is pending, an update grants, GTM loading later changes nothing, an update denies', async () => {
    const tab = await open('/gcm', { file: { 'data-consent-manager': 'google-consent-mode' } },
      `${GTAG_SNIPPET} gtag('consent', 'default', { analytics_storage: 'denied', ad_storage: 'denied', wait_for_update: 500 });`);
    await tab.waitFor(() => (window as any).dataLayer.push != Array.prototype.push);
    await clickUnsent(tab, '#tile');
    await tab.evaluate(run(installGtm));
    // The dataLayer behaves as before: push returns the new length, and GTM hears every command.
    expect(await tab.evaluate(() => (window as any).dataLayer.push({ event: 'page_view' }) == (window as any).dataLayer.length)).toBe(true);
    await expectGrantThenDenial(tab, `gtag('consent', 'update', { analytics_storage: 'granted', ad_storage: 'granted' })`,
      `gtag('consent', 'update', { analytics_storage: 'denied' })`);
    expect(await tab.evaluate(() => (window as any).gtmSeen)).toEqual({ consent: { analytics_storage: 'denied', ad_storage: 'granted' }, commands: 3 });
  });

  it('Google Consent Mode, npm: GTM and a returning visitor\'s update before the tracker grant at once; its types; disconnected, nothing changes', async () => {
    const tab = await open('/gcm-npm', { connect: 'connectConsentMode', options: { types: ['analytics_storage', 'ad_storage'] } },
      `${GTAG_SNIPPET} gtag('consent', 'default', { analytics_storage: 'denied', ad_storage: 'denied' });
      gtag('consent', 'update', { analytics_storage: 'granted', ad_storage: 'granted' }); ${run(installGtm)};`);
    await clickSent(tab, '#tile', 'T-tile');
    await tab.evaluate(`gtag('consent', 'update', { ad_storage: 'denied' })`); // one of its types
    await tab.waitFor(() => !document.cookie.includes('elevate_'));
    await clickUnsent(tab, '#other');
    // Disconnected: GTM's push is dataLayer's again, and a grant no longer reaches the tracker.
    expect(await tab.evaluate(() => {
      const { dataLayer } = window as any;
      const wrapped = dataLayer.push;
      (window as any).disconnectConsent();
      return [wrapped != dataLayer.push, dataLayer.push.toString().includes('states.forEach(process)')];
    })).toEqual([true, true]);
    await tab.evaluate(`gtag('consent', 'update', { analytics_storage: 'granted', ad_storage: 'granted' })`);
    await clickUnsent(tab, '#late');
    expect(tickets()).toEqual(['T-tile']);
  });

  it('TCF, npm: its stub before the tracker, the CMP loading after: pending while its UI shows, granted on the visitor\'s choice, then denied', async () => {
    const tab = await open('/tcf', { connect: 'connectTcf' }, run(installTcfStub));
    await clickUnsent(tab, '#tile');
    await tab.evaluate(run(installTcfCmp)); // the queued addEventListener is served: cmpuishown
    expect(await tab.evaluate(() => (window as any).tcfCmp.listeners())).toBe(1);
    await tab.evaluate('tcfCmp.showUi()'); // shown again: still undecided
    await sleep(400);
    expect(api().requests).toEqual([]);
    // Then a change of mind: purpose 8 neither consented to nor on legitimate interest (the stub's are 2, 7, 9, 10).
    await expectGrantThenDenial(tab, 'tcfCmp.choose([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])', 'tcfCmp.choose([1, 5, 6])');
    await tab.evaluate(() => (window as any).disconnectConsent());
    expect(await tab.evaluate(() => (window as any).tcfCmp.listeners())).toBe(0);
  });

  it('TCF, script file: placed before the stub, it finds it by the page\'s load; a stored choice grants at once, and so does gdprApplies false', async () => {
    const file = { 'data-consent-manager': 'tcf', 'data-tcf-purposes': '1 5 6' };
    // The script file parsed first (not async), then the stub and the CMP with the choice of an earlier visit.
    spec.site.setPage('/tcf-file', `<!doctype html><html><head><meta charset="utf-8"><title>shop</title>
      <script src="/dist/elevate-tracker.consent.js" ${Object.entries(file).map(([name, value]) => `${name}="${value}"`).join(' ')}></script>
      <script>document.cookie = 'euconsent-v2=' + encodeURIComponent('[1,5,6]') + '; path=/'; ${run(installTcfStub)}; ${run(installTcfCmp)}</script>
      <script src="/dist/elevate-tracker.min.js" data-api-base="${spec.site.apiBase}" data-market="UK" data-consent="pending" async></script>
      </head><body>${TILES}</body></html>`);
    const tab = (await spec.newContext()).tabs[0];
    await spec.visit(tab, '/tcf-file');
    await clickSent(tab, '#tile', 'T-tile');
    const outside = await open('/tcf-outside', { file: { 'data-consent-manager': 'tcf' } },
      `${run(installTcfStub)}; ${run(installTcfCmp, { gdprApplies: false })}`);
    await clickSent(outside, '#other', 'T-other');
  });

  it('Cookiebot: loaded after the script file, accepted, then the statistics withdrawn; on the next page (npm) the stored choice grants at once', async () => {
    const tab = await open('/cookiebot', { file: { 'data-consent-manager': 'cookiebot' } });
    await clickUnsent(tab, '#tile');
    await tab.evaluate(run(installCookiebot)); // no choice yet: hasResponse false
    await sleep(400);
    expect(api().requests).toEqual([]);
    await expectGrantThenDenial(tab, 'Cookiebot.submitCustomConsent(false, true, false)', 'Cookiebot.submitCustomConsent(true, false, true)');
    // Granted again in the dialog; the next page has Cookiebot before its tracker, and asks for marketing too.
    await tab.evaluate('Cookiebot.submitCustomConsent(false, true, true)');
    await tab.waitFor(() => document.cookie.includes('elevate_customer_key'));
    api().reset();
    await open('/cookiebot-npm', { connect: 'connectCookiebot', options: { categories: ['statistics', 'marketing'] } }, run(installCookiebot), tab);
    await clickSent(tab, '#tile', 'T-tile');
  });

  it('OneTrust, npm: before the tracker, with the site\'s OptanonWrapper kept; rejected, accepted in the preference centre, then withdrawn', async () => {
    const wrapper = `window.wrapperCalls = 0; function OptanonWrapper() { wrapperCalls++; return 'the site\\'s'; }`;
    const tab = await open('/onetrust', { connect: 'connectOneTrust' }, `${wrapper}; ${run(installOneTrust)}`);
    await clickUnsent(tab, '#tile'); // only C0001 by default, no choice yet: pending
    await tab.evaluate('OneTrust.RejectAll()');
    await clickUnsent(tab, '#tile'); // denied; the click held before it is dropped
    await tab.evaluate('OneTrust.UpdateConsent("Category", "C0002:1")');
    await clickSent(tab, '#other', 'T-other');
    await tab.evaluate('OneTrust.UpdateConsent("Category", "C0002:0")');
    await tab.waitFor(() => !document.cookie.includes('elevate_'));
    await clickUnsent(tab, '#late');
    expect(tickets()).toEqual(['T-other']);
    // The wrapper did what the site's function does, each time OneTrust called it; disconnected, it is the site's again.
    expect(await tab.evaluate(() => [(window as any).wrapperCalls, (window as any).OptanonWrapper()])).toEqual([4, 'the site\'s']);
    expect(await tab.evaluate(() => {
      (window as any).disconnectConsent();
      return (window as any).OptanonWrapper.toString().includes('wrapperCalls++');
    })).toBe(true);
  });

  it('OneTrust, script file: loaded after it, the stored choice of an earlier page grants at once (the event alone, no OptanonWrapper)', async () => {
    const tab = (await spec.newContext()).tabs[0];
    spec.site.setPage('/blank', '<!doctype html><title>blank</title>');
    await tab.goto(`${spec.site.siteUrl}/blank`);
    await tab.evaluate(() => {
      document.cookie = `OptanonConsent=${encodeURIComponent('groups=C0001%3A1%2CC0002%3A1%2CC0003%3A0%2CC0004%3A0')}; path=/`;
      document.cookie = `OptanonAlertBoxClosed=${new Date().toISOString()}; path=/`;
    });
    await open('/onetrust-file', { file: { 'data-consent-manager': 'onetrust', 'data-onetrust-groups': 'C0002' } }, '', tab);
    await clickUnsent(tab, '#tile');
    await tab.evaluate(run(installOneTrust));
    await api().waitFor(() => tickets().includes('T-tile'));
  });

  it('script file: a bad attribute is one console error naming it, with an example, and nothing else', async () => {
    spec.expectConsoleErrors(
      /^\[elevate-tracker\] data-consent-manager is invalid: "usercentrics"\. Example: data-consent-manager="google-consent-mode" \(or tcf, cookiebot, onetrust\)\.$/,
      /^\[elevate-tracker\] Option purposes \(data-tcf-purposes\) is invalid: "x"\. Example: \[1, 5, 6, 8\] \(data-tcf-purposes="1 5 6 8"; TCF v2\.2 purposes are 1–11\)\.$/,
      /^\[elevate-tracker\] data-consent-types is for another consent manager than "cookiebot"; use data-cookiebot-categories\.$/);
    // Each page has managers that would grant at once: TCF outside GDPR, and Cookiebot accepted.
    const managers = `${run(installTcfStub)}; ${run(installTcfCmp, { gdprApplies: false })}; ${run(installCookiebot)}`;
    const tab = (await spec.newContext()).tabs[0];
    for (const [path, file] of [['/bad-1', { 'data-consent-manager': 'usercentrics' }],
      ['/bad-2', { 'data-consent-manager': 'tcf', 'data-tcf-purposes': '1 x' }],
      ['/bad-3', { 'data-consent-manager': 'cookiebot', 'data-consent-types': 'analytics_storage' }]] as const) {
      await open(path, { file }, managers, tab);
      await tab.evaluate('Cookiebot.submitCustomConsent(true, true, true)');
      await clickUnsent(tab, '#tile');
    }
    expect(await tab.evaluate(trackerUp)).toBe(true);
  });
});
