// The session shim in every engine: the script tag loads it on demand (data-session-api) and keeps a Session
// Management API session per visit, on the API's own origin.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createSessionStandIn } from '../../demo/session-standin.mjs';
import type { Tab } from '../support/engines/engine.ts';
import { keysOf, useEngine } from '../support/engines/spec.ts';
import { trackerPage } from '../support/harness.ts';

interface Call { method: string; path: string; body: unknown; headers: Record<string, string> }

describe.each(inject('engines'))('$name', (launch) => {
  const spec = useEngine(launch);
  const sessions = createSessionStandIn();
  let sessionApi: string;
  beforeAll(async () => { sessionApi = await sessions.listen(); });
  afterAll(() => sessions.close());
  beforeEach(() => {
    sessions.reset();
    sessions.setDown(false);
  });

  /** Session API calls, without the preflights a browser sends before them. */
  const calls = () => (sessions.requests as unknown as Call[]).filter((request) => request.method != 'OPTIONS');
  const sessionOf = (tab: Tab) => tab.evaluate(() => (window as any).elevateTracker.session);
  const until = async (done: () => boolean) => {
    for (const deadline = Date.now() + 5000; !done(); await new Promise((resolve) => setTimeout(resolve, 50))) {
      if (Date.now() > deadline) throw new Error(`session API calls: ${JSON.stringify(calls())}`);
    }
  };

  it('creates a session on the first page of a visit and reuses it on the next', async () => {
    const tab = await spec.open({ sessionApi });
    const first = await sessionOf(tab);
    const keys = await keysOf(tab);
    expect(first).toMatchObject({ visitId: keys.sessionKey, globalVisitId: keys.customerKey, sessionId: expect.any(String) });
    expect(calls().map((call) => [call.method, call.path, call.body]))
      .toEqual([['PUT', '/sessions/new', { visitId: keys.sessionKey, globalVisitId: keys.customerKey }]]);
    await spec.visit(tab, '/next');
    expect(await sessionOf(tab)).toMatchObject({ sessionId: first.sessionId, visitId: keys.sessionKey });
    expect(calls().map((call) => call.method)).toEqual(['PUT', 'GET']);
  });

  it('identify() sends the customer as gkc_customerId', async () => {
    const tab = await spec.open({ sessionApi });
    await tab.evaluate(() => (window as any).elevateTracker.identify('customer-42'));
    await until(() => calls().length == 2);
    const { sessionId } = await sessionOf(tab);
    expect(calls()[1]).toMatchObject({ method: 'POST', path: `/sessions/${sessionId}`, headers: { gkc_customerId: 'customer-42' } });
    expect((await sessionOf(tab)).customerId).toBe('customer-42');
  });

  it('a new session when the visit ends; with the session API down, clicks still arrive and nothing throws', async () => {
    const tab = await spec.open({ sessionApi });
    const first = await sessionOf(tab);
    await tab.evaluate(() => (window as any).elevateTracker.end());
    await until(() => calls().filter((call) => call.method == 'PUT').length == 2);
    const second = await sessionOf(tab);
    expect(second.sessionId).not.toBe(first.sessionId);
    expect(second.visitId).toBe((await keysOf(tab)).sessionKey);
    sessions.setDown(true);
    await tab.evaluate(() => (window as any).elevateTracker.end());
    await tab.click('#tile');
    await spec.site.api.waitFor(1, { type: 'click' });
    expect(await tab.evaluate(() => (window as any).elevateTracker.session.then(() => 'resolved', (error: Error) => error.name)))
      .toBe('SessionApiError');
  });

  // Issue 16: the npm build imports the shim (and the Session API client) as a chunk of its own, only when needed.
  it('npm build: imports the session chunk only with sessionApi, and keeps the session as the script tag does', async () => {
    const shimFetches = (tab: Tab) => tab.evaluate(() => performance.getEntriesByType('resource')
      .map((entry) => entry.name).filter((name) => /\/dist\/chunks\/session-shim-[\w-]+\.js$/.test(name)));
    spec.site.setPage('/esm-plain', trackerPage('esm', { options: spec.options(), body: '<p>plain</p>' }));
    spec.site.setPage('/esm', trackerPage('esm', { options: spec.options({ sessionApi }), body: '<p>with the Session API</p>' }));
    const [tab] = (await spec.newContext()).tabs;
    await spec.visit(tab, '/esm-plain');
    expect(await sessionOf(tab)).toBeUndefined();
    expect(await shimFetches(tab)).toEqual([]);
    await spec.visit(tab, '/esm');
    const keys = await keysOf(tab);
    expect(await sessionOf(tab)).toMatchObject({ visitId: keys.sessionKey, globalVisitId: keys.customerKey, sessionId: expect.any(String) });
    expect(await shimFetches(tab)).toHaveLength(1);
  });
});
