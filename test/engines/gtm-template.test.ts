// The Google Tag Manager template (gtm/template.tpl) in every engine: its code runs in the page on GTM's sandbox APIs
// (test/support/gtm/), injecting the built script from its default jsDelivr URL, served by the test site. The tag's
// fields reach the notifications, and "Follow Google Consent Mode" holds the clicks, sends them after a grant, and
// stops after a withdrawal.
import { describe, expect, inject, it } from 'vitest';
import type { Tab } from '../support/engines/engine.ts';
import { sleep, TILES, trackerCookies, trackerUp, useEngine } from '../support/engines/spec.ts';
import { gtmPage } from '../support/gtm/page.ts';
import { allParameters, readTemplate } from '../support/gtm/template-file.ts';

const template = readTemplate();
const SCRIPT_URL = allParameters(template.parameters).find((field) => field.name == 'scriptUrl').defaultValue;

describe.each(inject('engines'))('$name', (launch) => {
  const spec = useEngine(launch);

  /** /gtm with the tag fired as the page loads, with these fields (to the stand-in) and Consent Mode's default. */
  async function openTagged(fields: Record<string, unknown>, consent: Record<string, string> = {},
    urlMap: Record<string, string> = { [SCRIPT_URL]: '/dist/elevate-tracker.min.js' }): Promise<Tab> {
    const data = { scriptUrl: SCRIPT_URL, endpoint: 'apiBase', apiBase: spec.site.apiBase, market: 'UK', apiVersion: 'v3', ...fields };
    spec.site.setPage('/gtm', gtmPage(template, { data, consent, urlMap, body: TILES }));
    const tab = (await spec.newContext()).tabs[0];
    await tab.goto(spec.site.siteUrl + '/gtm');
    return tab;
  }
  const outcomes = (tab: Tab) => tab.evaluate(() => (window as any).__gtm.outcomes as string[]);
  const updateConsent = (tab: Tab, changes: Record<string, string>) =>
    tab.evaluate((update) => (window as any).__gtm.updateConsent(update), changes);

  it('configures the tracker from the tag’s fields; a later firing injects nothing more', async () => {
    const tab = await openTagged({ consent: 'granted', apiVersion: 'v2' });
    await tab.waitFor(trackerUp);
    await tab.click('#tile');
    const [click] = await spec.site.api.waitFor(1, { type: 'click' });
    expect([click.apiVersion, click.ticket, click.query.market]).toEqual(['v2', 'T-tile', 'UK']);
    await tab.evaluate(() => (window as any).__gtm.fire());
    await tab.waitFor(() => (window as any).__gtm.outcomes.length == 2);
    expect(await outcomes(tab)).toEqual(['success', 'success']);
    const scripts = await tab.evaluate(() => [...document.scripts].filter((script) => script.src.includes('elevate-tracker')).map((script) => new URL(script.src).pathname));
    expect(scripts).toEqual(['/dist/elevate-tracker.min.js']);
  });

  it('follows Consent Mode: holds the clicks while analytics_storage is denied, sends them once it is granted', async () => {
    const tab = await openTagged({ consent: 'consentMode' }, { analytics_storage: 'denied' });
    await tab.waitFor(trackerUp);
    await tab.click('#tile');
    await sleep(300);
    expect(spec.site.api.requests).toEqual([]);
    expect(await trackerCookies(tab)).toEqual({});
    await updateConsent(tab, { analytics_storage: 'granted' });
    const [click] = await spec.site.api.waitFor(1, { type: 'click' });
    expect(click.ticket).toBe('T-tile');
    expect((await trackerCookies(tab)).elevate_customer_key).toBe(click.query.customerKey);
  });

  it('follows Consent Mode: sends nothing after analytics_storage is withdrawn, and drops the keys', async () => {
    const tab = await openTagged({ consent: 'consentMode' }, { analytics_storage: 'granted' });
    await tab.waitFor(trackerUp);
    await tab.click('#tile');
    await spec.site.api.waitFor(1, { type: 'click' });
    await updateConsent(tab, { analytics_storage: 'denied' });
    await tab.waitFor(() => !document.cookie.includes('elevate_'));
    await tab.click('#outer');
    await sleep(300);
    expect(spec.site.api.delivered('click').map((click) => click.ticket)).toEqual(['T-tile']);
    expect(await trackerCookies(tab)).toEqual({});
  });

  it('reports a script that cannot load as the tag’s failure, and leaves the queue', async () => {
    const tab = await openTagged({ consent: 'granted' }, {}, { [SCRIPT_URL]: '/dist/missing.js' });
    await tab.waitFor(() => (window as any).__gtm.outcomes.length == 1);
    expect(await outcomes(tab)).toEqual(['failure']);
    expect(await tab.evaluate(() => (window as any).elevateTracker.map((command: unknown[]) => command[0]))).toEqual(['init']);
  });
});
