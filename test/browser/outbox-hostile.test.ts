// The outbox and its transport against hostile storage, page globals and API answers (issue 12, items 2, 5, 6, 13,
// 14 and 15), in real Chromium on the built script-tag bundle.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createSecureServer } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import type { Page } from 'playwright';
import { goOffline, sleep, startHarness, trackerPage, type Harness, type OpenedPage } from '../support/harness.ts';

let h: Harness;
// The hung-request test talks HTTP/2 over TLS to a server of its own, with a certificate made for it.
beforeAll(async () => { h = await startHarness(['--ignore-certificate-errors']); });
afterAll(async () => { await h?.close(); });
beforeEach(() => h.closePages());

const SESSION_KEY = '0b05119e-eeb8-418a-bbfb-defa0dde417e';
const tiles = (count: number) => Array.from({ length: count }, (_, index) =>
  `<a class="tile" href="#${index}" data-elevate-ticket="T-${index}">Product ${index}</a>`).join('\n');
const clickAll = (page: Page) => page.evaluate(() => document.querySelectorAll<HTMLElement>('.tile').forEach((tile) => tile.click()));
const clickUrl = (base: string) => `${base}/api/v2/notifications/click?customerKey=c-1&market=UK&sessionKey=${SESSION_KEY}`;

/** Opens a page of the site whose tracker posts to `apiBase` (the stand-in unless given). */
async function openShop({ apiBase = h.apiBase, before = '', count = 3, options = {} }:
  { apiBase?: string; before?: string; count?: number; options?: Record<string, unknown> } = {}) {
  h.setPage('/shop', trackerPage('script', { options: { apiBase, market: 'UK', ...options }, before, body: tiles(count) }));
  h.setPage('/no-tracker', '<!doctype html><p>a page of the site without the tracker</p>');
  return h.openPage();
}

/** Writes `value` under an outbox key from a page of the site without the tracker (as any script of the origin can). */
async function plant(opened: OpenedPage, value: unknown) {
  await opened.page.goto(h.siteUrl + '/no-tracker');
  await opened.page.evaluate((text) => localStorage.setItem('elevate_outbox.planted', text), typeof value == 'string' ? value : JSON.stringify(value));
}

const outboxKeys = (page: Page) => page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('elevate_outbox')));

interface Received { method: string; url: string; headers: IncomingMessage['headers']; body: string }

/** A server of the test's own that records every request and answers with `answer` (by default 204, CORS open). */
async function recordingServer(answer = (_request: Received, response: ServerResponse) => { response.writeHead(204, CORS).end(); }) {
  const requests: Received[] = [];
  const server: Server = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    const received = { method: request.method!, url: request.url!, headers: request.headers, body };
    requests.push(received);
    answer(received, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, requests };
}
const CORS = { 'Access-Control-Allow-Origin': '*' };
const ticketOf = (request: Received) => request.body && JSON.parse(request.body).ticket;

/** Moves the page's clock on by `ms` in steps of `stepMs`, letting real requests go and come between steps. */
async function runClock(page: Page, ms: number, { stepMs = 1_000, until = (): boolean => false } = {}) {
  let elapsed = 0;
  for (; elapsed < ms && !until(); elapsed += stepMs) {
    await sleep(40);
    await page.clock.runFor(stepMs);
  }
  return elapsed;
}

describe('stored entries (item 2)', () => {
  it('are sent only to the configured API\'s notification paths: not another host, not the shop, not another path', async () => {
    const elsewhere = await recordingServer();
    const opened = await openShop();
    const sent: string[] = [];
    opened.context.on('request', (request) => request.method() == 'POST' && sent.push(request.url()));
    const now = Date.now();
    const entry = (url: string, ticket: string) => ({ url, body: JSON.stringify({ ticket }), at: now, tries: 0, due: now });
    const apiHost = new URL(h.apiBase).host;
    await plant(opened, [
      entry(clickUrl(elsewhere.url), 'X-host'),
      // The shop's own origin, where a beacon would carry the shop's login cookie.
      entry(clickUrl(h.siteUrl), 'X-shop'),
      // apiBase as a prefix: userinfo, then another host.
      entry(clickUrl(`http://${apiHost}@${new URL(elsewhere.url).host}`), 'X-userinfo'),
      // Another path of the API, reached through dot segments, and an unknown type.
      entry(`${h.apiBase}/api/v2/notifications/click/../../../__standin/faults?x`, 'X-path'),
      entry(clickUrl(h.apiBase).replace('/click?', '/ad-impression?'), 'X-type'),
      entry(clickUrl(h.apiBase), 'G-1'),
    ]);
    await h.gotoTracked(opened, '/shop');
    await h.api.waitFor(1, { type: 'click' });
    await sleep(500);
    expect(elsewhere.requests).toEqual([]);
    expect(sent).toEqual([clickUrl(h.apiBase)]);
    expect(h.api.delivered('click').map((request) => request.ticket)).toEqual(['G-1']);
    expect(await outboxKeys(opened.page)).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
  });

  it('with missing or absurd numbers are dropped: no flood against a failing API, no spinning timer', async () => {
    // Counts the page's timers (the tracker's included) from before it loads.
    const opened = await openShop({ before: `window.timers = 0; const set = setTimeout;
      window.setTimeout = function (...args) { window.timers++; return set.apply(this, args); };` });
    const now = Date.now();
    const valid = { url: clickUrl(h.apiBase), body: '{"ticket":"A"}', at: now, tries: 0, due: now };
    const day = 86_400_000;
    await plant(opened, [
      { url: valid.url, body: valid.body }, // only a URL
      { ...valid, tries: -1e9 }, { ...valid, tries: 2.5 }, { ...valid, tries: '0' }, { ...valid, tries: 1e9 },
      { ...valid, at: now + 3_600_000 }, { ...valid, at: now - 2 * day }, { ...valid, at: '1' },
      { ...valid, due: 'now' }, { ...valid, due: null }, { ...valid, body: 5 }, { ...valid, body: { ticket: 'A' } },
      { ...valid, url: valid.url + 'x'.repeat(70_000) },
      // Valid but due 30 days ahead: past setTimeout's 24.8 days, which fire at once.
      { ...valid, due: now + 30 * day },
    ]);
    h.api.setFaults({ fail500: 1 });
    await h.gotoTracked(opened, '/shop');
    const timersAtLoad = await opened.page.evaluate(() => (window as any).timers);
    await sleep(1_500);
    const timers = await opened.page.evaluate(() => (window as any).timers) - timersAtLoad;
    console.log(`absurd stored entries: ${h.api.requests.length} requests and ${timers} timers in 1.5 s`);
    expect(h.api.requests).toEqual([]);
    expect(timers).toBeLessThanOrEqual(3);
    expect(await outboxKeys(opened.page)).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
  });

  it('due far ahead is sent within a minute or so', async () => {
    // The page notes its (fake) clock as it sends: the request itself may arrive a step later on a loaded machine.
    const opened = await openShop({ before: `const f = fetch; window.fetch = function () { window.sentAt ??= Date.now(); return f.apply(this, arguments); };` });
    const now = Date.now();
    await plant(opened, [{ url: clickUrl(h.apiBase), body: '{"ticket":"D-1"}', at: now, tries: 0, due: now + 30 * 86_400_000 }]);
    await opened.page.clock.install();
    await h.gotoTracked(opened, '/shop');
    const start = await opened.page.evaluate(() => Date.now());
    await runClock(opened.page, 5 * 60_000, { stepMs: 5_000, until: () => h.api.delivered('click').length > 0 });
    expect(h.api.delivered('click').map((request) => request.ticket)).toEqual(['D-1']);
    expect(await opened.page.evaluate(() => (window as any).sentAt) - start).toBeLessThanOrEqual(61_000);
  });

  it('are read through own properties only (not through a polluted Object.prototype)', async () => {
    const opened = await openShop({ before: 'Object.prototype.at = Date.now(); Object.prototype.tries = 0; Object.prototype.due = 0;' });
    await plant(opened, [{ url: clickUrl(h.apiBase), body: '{"ticket":"P-1"}' }]);
    await h.gotoTracked(opened, '/shop');
    await sleep(800);
    expect(h.api.requests).toEqual([]);
    expect(await outboxKeys(opened.page)).toEqual([]);
  });
});

describe('Array.prototype.toJSON on the page (item 13)', () => {
  it('the clicks stored while the API is out of reach still arrive', async () => {
    // Roughly what Prototype.js (old Magento shops) defines: arrays serialise to a string.
    const before = `Array.prototype.toJSON = function () { return '[' + Array.prototype.map.call(this, (item) => JSON.stringify(item)).join(',') + ']'; };`;
    const opened = await openShop({ before });
    await h.gotoTracked(opened, '/shop');
    await goOffline(opened);
    await clickAll(opened.page);
    // The tab is closed offline: the three clicks are stored for the next page of the site.
    const closed = new Promise((resolve) => opened.page.once('close', resolve));
    await opened.page.close({ runBeforeUnload: true });
    await closed;
    await opened.context.setOffline(false);
    const next = await opened.context.newPage();
    await h.gotoTracked({ ...opened, page: next }, '/shop');
    await h.api.waitFor(3, { type: 'click', timeoutMs: 3_000 });
    expect(h.api.delivered('click').map((request) => request.ticket).sort()).toEqual(['T-0', 'T-1', 'T-2']);
    expect(opened.pageErrors).toEqual([]);
  });
});

/**
 * Headless Chromium never hides a tab: the page reports itself hidden or visible as Chromium does when the tab goes
 * to the background, and tells its listeners.
 */
const visibility = `let hidden = false;
  Object.defineProperty(Document.prototype, 'hidden', { get: () => hidden });
  Object.defineProperty(Document.prototype, 'visibilityState', { get: () => (hidden ? 'hidden' : 'visible') });
  window.setHidden = (value) => { hidden = value; document.dispatchEvent(new Event('visibilitychange')); };`;

describe('credentials (item 5)', () => {
  it('hidden-page and leaving-page sends carry no cookie, with the API on the shop\'s own site', async () => {
    // The page (127.0.0.1:a) and the stand-in (127.0.0.1:b) are one site, and cookies ignore ports: a credentialed
    // request to the API carries the shop's session cookie, as on a shop with a same-site apiBase or proxy.
    const opened = await openShop({ before: `document.cookie = 'shop_session=secret; path=/'; ${visibility}` });
    await h.gotoTracked(opened, '/shop');
    // The API fails throughout, so that a click sent while hidden and one sent as the page goes are not sent again.
    h.api.setFaults({ fail500: 1 });
    const sends = () => h.api.requests.map((request) => [JSON.parse(request.body!).ticket, request.hasCookie]);
    await opened.page.evaluate(() => (window as any).setHidden(true));
    await opened.page.evaluate(() => (window as any).elevateTracker.click('T-1'));
    await h.api.waitFor((requests) => requests.length == 1);
    expect.soft(sends(), 'the hidden page\'s send').toEqual([['T-1', false]]);
    await sleep(100);
    await opened.page.evaluate(() => (window as any).setHidden(false));
    // A first try goes as the page goes (a retry would wait in storage for the next page: no answer can be read).
    const before = h.api.requests.length;
    await opened.page.click('[data-elevate-ticket="T-2"]');
    await opened.page.goto(h.siteUrl + '/no-tracker');
    await h.api.waitFor((requests) => requests.slice(before).some((request) => request.body?.includes('T-2')));
    await h.settle();
    expect(sends().slice(before), 'the leaving page\'s sends').toContainEqual(['T-2', false]);
    expect(sends().filter(([, hasCookie]) => hasCookie)).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
  });
});

describe('redirects (item 6)', () => {
  it.each([307, 302])('a %i from the API is followed nowhere, not retried, and named once in the console', async (status) => {
    const elsewhere = await recordingServer((_request, response) => response.writeHead(200, CORS).end('ok'));
    const redirecting = await recordingServer((request, response) => response.writeHead(status, { ...CORS, Location: elsewhere.url + request.url }).end());
    const opened = await openShop({ apiBase: redirecting.url });
    await opened.page.clock.install();
    await h.gotoTracked(opened, '/shop');
    await clickAll(opened.page);
    await expect.poll(() => redirecting.requests.length).toBe(3);
    await runClock(opened.page, 5 * 60_000, { stepMs: 10_000 });
    expect(elsewhere.requests).toEqual([]);
    expect(redirecting.requests.map(ticketOf).sort()).toEqual(['T-0', 'T-1', 'T-2']);
    expect(opened.consoleErrors).toHaveLength(1);
    expect(opened.consoleErrors[0]).toMatch(/redirect.*apiBase/);
    expect(opened.pageErrors).toEqual([]);
  });
});

/** A self-signed certificate for 127.0.0.1, made with openssl for this run. */
function makeCertificate() {
  const dir = mkdtempSync(join(tmpdir(), 'outbox-hostile-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
  { stdio: 'ignore' });
  return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
}

describe('a fetch wrapper that drops the abort signal (item 14)', () => {
  it('six requests that hang do not block later notifications', async () => {
    // HTTP/2, as Elevate's API speaks: hung requests do not hold the browser's six connections per host of HTTP/1.1.
    const tickets: string[] = [];
    let received = 0;
    const server = createSecureServer({ ...makeCertificate(), allowHTTP1: true }, async (request, response) => {
      let body = '';
      for await (const chunk of request) body += chunk;
      if (++received <= 6) return; // hangs: never answered
      tickets.push(JSON.parse(body).ticket);
      response.writeHead(204, CORS).end();
    });
    const sessions = new Set<{ destroy(): void }>();
    server.on('session', (session) => sessions.add(session));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => {
      server.close(() => resolve());
      sessions.forEach((session) => session.destroy());
    }));
    const apiBase = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
    const opened = await openShop({ apiBase, count: 9, before: `const pageFetch = window.fetch;
      window.fetch = (url, init = {}) => { const { signal, ...rest } = init; return pageFetch(url, rest); };` });
    await opened.page.clock.install();
    await h.gotoTracked(opened, '/shop');
    await clickAll(opened.page);
    await expect.poll(() => received).toBe(6);
    await runClock(opened.page, 2 * 60_000, { until: () => tickets.length >= 9 });
    expect(tickets.sort()).toEqual(Array.from({ length: 9 }, (_, index) => `T-${index}`));
    expect(opened.pageErrors).toEqual([]);
  });
});

describe('API answers (item 15)', () => {
  const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1_000).toUTCString();
  it.each([
    ['30', 30],
    ['an HTTP-date 20 s ahead', 20],
    ['86400 (clamped)', 60],
  ])('a 429 with Retry-After: %s is retried after it', async (name, seconds) => {
    // The date is made as the API answers: made earlier, the seconds a loaded machine takes to open the page are gone.
    const value = () => (name.startsWith('an') ? inSeconds(20) : name.split(' ')[0]);
    const api = await recordingServer((_request, response) => (api.requests.length == 1
      ? response.writeHead(429, { ...CORS, 'Access-Control-Expose-Headers': 'Retry-After', 'Retry-After': value() }).end('slow down')
      : response.writeHead(204, CORS).end()));
    const opened = await openShop({ apiBase: api.url });
    await opened.page.clock.install();
    await h.gotoTracked(opened, '/shop');
    await opened.page.click('[data-elevate-ticket="T-1"]');
    await expect.poll(() => api.requests.length).toBe(1);
    const elapsed = await runClock(opened.page, 3 * 60_000, { stepMs: 500, until: () => api.requests.length > 1 });
    console.log(`Retry-After ${name}: retried after ${elapsed} ms of page time`);
    expect(api.requests.map(ticketOf)).toEqual(['T-1', 'T-1']);
    expect(elapsed).toBeGreaterThanOrEqual((seconds - 2) * 1_000);
    expect(elapsed).toBeLessThanOrEqual((seconds + 2) * 1_000);
  });

  it.each([
    [false, 64],
    [true, 32],
  ])('a 4xx body is not downloaded (debug %s): of %i MiB, at most what the browser buffers is read', async (debug, mebibytes) => {
    let written = 0;
    let isComplete = false;
    const chunk = Buffer.alloc(64 * 1024, 'e');
    const api = await recordingServer(async (_request, response) => {
      response.writeHead(400, { ...CORS, 'Content-Type': 'text/plain' });
      response.on('close', () => { isComplete ||= response.writableFinished; });
      while (written < mebibytes * 1024 * 1024 && !response.destroyed) {
        written += chunk.length;
        if (!response.write(chunk)) await new Promise((resolve) => response.once('drain', resolve).once('close', resolve));
      }
      response.end();
    });
    const opened = await openShop({ apiBase: api.url, options: { debug } });
    const lines: string[] = [];
    opened.page.on('console', (message) => lines.push(message.text()));
    await h.gotoTracked(opened, '/shop');
    await opened.page.click('[data-elevate-ticket="T-1"]');
    await expect.poll(() => api.requests.length).toBe(1);
    // Long enough for the whole body to arrive over loopback (about 0.3 s for 64 MiB, read in full).
    await sleep(1_500);
    console.log(`400 with ${mebibytes} MiB (debug ${debug}): ${written >> 10} KiB written, complete: ${isComplete}`);
    expect(isComplete).toBe(false);
    // What was written includes what loopback's socket buffers hold (a few MiB), not only what the browser read.
    expect(written).toBeLessThan(mebibytes * 1024 * 1024 / 2);
    const dropped = lines.filter((line) => line.includes('dropped: 400'));
    expect(dropped).toHaveLength(debug ? 1 : 0);
    if (debug) expect(dropped[0]).toMatch(/^\S+ dropped: 400 e{100,300} http:\S+ \{"ticket":"T-1"\}$/);
    expect(api.requests).toHaveLength(1);
    expect(opened.pageErrors).toEqual([]);
  });
});
