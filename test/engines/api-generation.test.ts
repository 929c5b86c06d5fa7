// A wrong API generation cannot go unnoticed, in every engine: a cluster that does not serve the configured generation
// answers 404, which is told once on the page's console (debug or not) and never retried.
import { describe, expect, inject, it } from 'vitest';
import { sleep, useEngine } from '../support/engines/spec.ts';

describe.each(inject('engines'))('$name', (launch) => {
  const spec = useEngine(launch);
  const api = () => spec.site.api;

  /** Three notifications to a cluster that retired `retired`, from a tracker speaking `apiVersion`. */
  async function sendTo(retired: 'v2' | 'v3', apiVersion?: 'v2') {
    api().retire([retired]);
    const tab = await spec.open(apiVersion ? { apiVersion } : {});
    await tab.click('#tile');
    await tab.click('#deep');
    await tab.evaluate(() => (window as any).elevateTracker.end());
    await api().waitFor((requests) => requests.length == 3);
    await sleep(2500); // a retry would come after about a second
    expect(api().requests.map((request) => request.status)).toEqual([404, 404, 404]);
  }

  it('API v2 against a cluster past its end of life: one console error saying to use v3, no retry', async () => {
    spec.expectConsoleErrors(/^\[elevate-tracker\] http:\/\/127\.0\.0\.1:\d+\/api\/v2\/notifications\/click answered 404: API v2 is retired \(end of life 2024-04-30\): remove apiVersion "v2" to use v3\.$/);
    await sendTo('v2', 'v2');
  });

  it('the default, Storefront API v3, where there is none: one console error naming v3, no retry', async () => {
    spec.expectConsoleErrors(/^\[elevate-tracker\] http:\/\/127\.0\.0\.1:\d+\/api\/storefront\/v3\/notifications\/click answered 404: no Storefront API v3 here: check clusterId and apiBase, or set apiVersion "v2"/);
    await sendTo('v3');
  });

  it('speaks Storefront API v3 by default, and v2 when asked', async () => {
    const v3 = await spec.open();
    await v3.click('#tile');
    const [click] = await api().waitFor(1, { type: 'click' });
    expect(click.path).toBe('/api/storefront/v3/notifications/click');
    api().reset();
    const v2 = await spec.open({ apiVersion: 'v2' });
    await v2.click('#tile');
    const [old] = await api().waitFor(1, { type: 'click' });
    expect(old.path).toBe('/api/v2/notifications/click');
  });
});
