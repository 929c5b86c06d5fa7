// The session shim in real Chromium: a Session Management API session per visit, on its own origin.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSessionStandIn } from '../../demo/session-standin.mjs';
import { BUILDS, sleep, startHarness, trackerPage, type Harness } from '../support/harness.ts';

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
  sessions.setDown(false);
});

/** Session API calls, without the preflights a browser sends before them. */
const calls = () => sessions.requests.filter((request: { method: string }) => request.method != 'OPTIONS');

describe.each(BUILDS)('%s build', (build) => {
  const page = (path: string, body = '<div id="tile" data-elevate-ticket="T-1">tile</div>') =>
    h.setPage(path, trackerPage(build, { options: { apiBase: h.apiBase, market: 'UK', sessionApi }, body }));
  const sessionOf = (opened: Awaited<ReturnType<Harness['openPage']>>) =>
    opened.page.evaluate(() => (window as any).elevateTracker.session);
  const keysOf = (opened: Awaited<ReturnType<Harness['openPage']>>) =>
    opened.page.evaluate(() => ({ customerKey: (window as any).elevateTracker.customerKey, sessionKey: (window as any).elevateTracker.sessionKey }));

  it('creates a session on the first page of a visit and reuses it on the next', async () => {
    page('/one');
    page('/two');
    const opened = await h.openPage();
    await h.gotoTracked(opened, '/one');
    const first = await sessionOf(opened);
    const keys = await keysOf(opened);
    expect(first).toMatchObject({ visitId: keys.sessionKey, globalVisitId: keys.customerKey });
    expect(first.sessionId).toEqual(expect.any(String));
    expect(calls().map((call: { method: string; path: string; body: unknown }) => [call.method, call.path, call.body]))
      .toEqual([['PUT', '/sessions/new', { visitId: keys.sessionKey, globalVisitId: keys.customerKey }]]);
    await h.gotoTracked(opened, '/two');
    const second = await sessionOf(opened);
    expect(second).toMatchObject({ sessionId: first.sessionId, visitId: keys.sessionKey });
    expect(calls().map((call: { method: string }) => call.method)).toEqual(['PUT', 'GET']);
    expect(opened.pageErrors).toEqual([]);
  });

  it('identify() sends the customer as gkc_customerId, even when called before the session exists', async () => {
    page('/identify');
    const opened = await h.openPage();
    await h.gotoTracked(opened, '/identify');
    await opened.page.evaluate(() => (window as any).elevateTracker.identify('customer-42'));
    await expect.poll(() => calls().length).toBe(2);
    const [create, update] = calls();
    const { sessionId } = await sessionOf(opened);
    expect(create.method).toBe('PUT');
    expect(update).toMatchObject({ method: 'POST', path: `/sessions/${sessionId}`, headers: { gkc_customerId: 'customer-42' } });
    expect((await sessionOf(opened)).customerId).toBe('customer-42');
  });

  it('creates a new session when the visit ends and a new one starts', async () => {
    page('/rotate');
    const opened = await h.openPage();
    await h.gotoTracked(opened, '/rotate');
    const first = await sessionOf(opened);
    await opened.page.evaluate(() => (window as any).elevateTracker.end());
    const keys = await keysOf(opened);
    await expect.poll(() => calls().filter((call: { method: string }) => call.method == 'PUT').length).toBe(2);
    const second = await sessionOf(opened);
    expect(second.sessionId).not.toBe(first.sessionId);
    expect(second.visitId).toBe(keys.sessionKey);
  });

  it('with the session API down, notifications still arrive and nothing throws', async () => {
    sessions.setDown(true);
    page('/down');
    const opened = await h.openPage();
    await h.gotoTracked(opened, '/down');
    await opened.page.click('#tile');
    await opened.page.evaluate(() => (window as any).elevateTracker.identify('customer-42'));
    await h.api.waitFor(1, { type: 'click' });
    await expect(opened.page.evaluate(() => (window as any).elevateTracker.session.then(() => 'resolved', (e: Error) => e.name)))
      .resolves.toBe('SessionApiError');
    await sleep(300);
    expect(opened.pageErrors).toEqual([]);
  });

  it('without the option, makes no session call and session is undefined', async () => {
    h.setPage('/plain', trackerPage(build, { options: { apiBase: h.apiBase, market: 'UK' }, body: '<p>x</p>' }));
    const opened = await h.openPage();
    await h.gotoTracked(opened, '/plain');
    expect(await sessionOf(opened)).toBeUndefined();
    await sleep(200);
    expect(sessions.requests).toEqual([]);
  });
});
