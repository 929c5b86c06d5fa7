// The first-party proxy in every engine: the tracker's apiBase on the shop's own origin, the proxy (createNotificationProxy)
// mounted there in front of the Elevate stand-in.
import { describe, expect, inject, it } from 'vitest';
import { createNotificationProxy } from '../../src/server/index.js';
import { useEngine } from '../support/engines/spec.ts';

describe.each(inject('engines'))('$name', (launch) => {
  const spec = useEngine(launch);
  const throughProxy = () => {
    const proxy = createNotificationProxy({ apiBase: spec.site.apiBase });
    spec.site.mount('/elevate/', (request, response) => proxy.node(request, response));
    return { apiBase: `${spec.site.siteUrl}/elevate` };
  };

  it('delivers through the proxy on the shop\'s origin: clicks, a navigating click, end()', async () => {
    const tab = await spec.open(throughProxy());
    await tab.click('#tile');
    await tab.evaluate(() => (window as any).elevateTracker.end());
    await tab.click('#leave');
    await spec.site.api.waitFor(3);
    await spec.site.settle(300);
    expect(spec.site.api.requests.map((request) => [request.type, request.status, request.hasCookie]))
      .toEqual([['click', 204, false], ['end', 204, false], ['click', 204, false]]);
  });

  it('and through faults: the cluster\'s 500s come back through the proxy, and the retry gets through', async () => {
    const tab = await spec.open(throughProxy());
    spec.site.api.setFaults({ fail500: 1 });
    await tab.click('#tile');
    await spec.site.api.waitFor((requests) => requests.length >= 2, { timeoutMs: 10_000 });
    spec.site.api.setFaults();
    const [click] = await spec.site.api.waitFor(1, { type: 'click', timeoutMs: 10_000 });
    expect(click.ticket).toBe('T-tile');
  });
});
