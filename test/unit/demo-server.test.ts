import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDemo } from '../../demo/server.mjs';

const hasDist = existsSync(new URL('../../dist/elevate-tracker.min.js', import.meta.url));
const PLACEHOLDER = /%(API_BASE|STANDIN|MARKET|CLUSTER_ID|CONSENT|ROUTE)%/;
let demo: Awaited<ReturnType<typeof startDemo>>;

beforeAll(async () => {
  demo = await startDemo({ port: 0 });
});
afterAll(() => demo?.close());

/** GET with the path and headers sent exactly as given: fetch() would resolve `..` and `%2e%2e` before sending, and sets Host itself. */
function rawGet(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(base);
    request({ hostname, port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk) => (body += chunk)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject).end();
  });
}

describe('storefront', () => {
  it('serves index.html with the placeholders filled and the tracker script tag', async () => {
    const res = await fetch(`${demo.siteUrl}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).not.toMatch(PLACEHOLDER);
    // Notifications through the first-party proxy on this origin (the default route); the Session API on the stand-in.
    expect(html).toContain(`<script src="/dist/elevate-tracker.min.js" data-api-base="${demo.siteUrl}/elevate" data-market="UK" data-session-api="${demo.apiUrl}/session-api" data-consent="pending" data-debug async></script>`);
    expect(html).toContain(`<body data-standin="${demo.apiUrl}" data-notifications="${demo.siteUrl}/elevate" data-route="proxy" data-cluster="" data-market="UK" data-consent="pending">`);
    expect(html.match(/class="tile"[^>]*data-elevate-ticket="[\w+/=]+"/g)).toHaveLength(24);
  });

  it('serves product.html, the single-page app and the inspector the same way', async () => {
    for (const path of ['/product.html?id=3', '/spa/', '/inspector.html']) {
      const html = await (await fetch(`${demo.siteUrl}${path}`)).text();
      expect(html, path).not.toMatch(PLACEHOLDER);
      expect(html, path).toContain(`data-standin="${demo.apiUrl}" data-notifications="${demo.siteUrl}/elevate" data-route="proxy"`);
    }
    expect(await (await fetch(`${demo.siteUrl}/product.html?id=3`)).text()).toContain(`data-api-base="${demo.siteUrl}/elevate"`);
  });

  it.skipIf(!hasDist)('serves the script-tag bundle', async () => {
    const res = await fetch(`${demo.siteUrl}/dist/elevate-tracker.min.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await res.text()).toContain('elevate-tracker');
  });

  it('serves the dependencies an ESM page maps in', async () => {
    expect((await fetch(`${demo.siteUrl}/node_modules/js-cookie/dist/js.cookie.mjs`)).status).toBe(200);
    expect((await fetch(`${demo.siteUrl}/node_modules/uuid/dist/index.js`)).status).toBe(200);
  });

  it.each([
    '/../package.json',
    '/%2e%2e/package.json',
    '/%2E%2E/%2e%2e/package.json',
    '/dist/../package.json',
    '/dist/%2e%2e/package.json',
    '/dist/..%2fpackage.json',
    '/node_modules/uuid/../../package.json',
    '/node_modules/uuid/..%5c..%5cpackage.json',
    '/package.json',
    '/node_modules/vitest/package.json',
    '/%00index.html',
    '/%E0%A4%A',
  ])('refuses %s', async (path) => {
    const { status, body } = await rawGet(demo.siteUrl, path);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(body).not.toContain('"devDependencies"');
  });

  it('allows only GET and HEAD', async () => {
    expect((await fetch(`${demo.siteUrl}/`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${demo.siteUrl}/`, { method: 'POST' })).status).toBe(405);
  });
});

describe('stand-ins on the second origin', () => {
  it('listens on another port', () => {
    expect(new URL(demo.apiUrl).origin).not.toBe(new URL(demo.siteUrl).origin);
  });

  it('answers a valid click with 204 and records it', async () => {
    const res = await fetch(`${demo.apiUrl}/api/v2/notifications/click?customerKey=c-1&market=UK&sessionKey=s-1`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"ticket":"x"}',
    });
    expect(res.status).toBe(204);
    const records = await (await fetch(`${demo.apiUrl}/__standin/requests`)).json();
    expect(records).toContainEqual(expect.objectContaining({ type: 'click', ticket: 'x', status: 204 }));
  });

  it('mounts the session and event-data stand-ins too', async () => {
    const session = await fetch(`${demo.apiUrl}/session-api/sessions/new`, { method: 'PUT' });
    expect(session.status).toBe(200);
    // 403 (wrong key) comes from the event-data stand-in; the notification stand-in would answer 404.
    const job = await fetch(`${demo.apiUrl}/api/v2/event-data/job-status?jid=x`, { headers: { 'Api-Key': 'wrong' } });
    expect(job.status).toBe(403);
  });
});

describe('with a real cluster', () => {
  it('sends through the proxy by default (which forwards to the cluster), and by data-cluster-id on the direct route', async () => {
    const cluster = await startDemo({ port: 0, clusterId: 'w00000000', market: 'SE' });
    try {
      const page = async (cookie?: string) => (await fetch(`${cluster.siteUrl}/`, { headers: cookie ? { cookie } : {} })).text();
      const proxied = await page();
      expect(proxied).toContain(`<script src="/dist/elevate-tracker.min.js" data-api-base="${cluster.siteUrl}/elevate" data-market="SE" data-session-api="${cluster.apiUrl}/session-api" data-consent="pending" data-debug async></script>`);
      expect(proxied).toContain(`data-notifications="${cluster.siteUrl}/elevate" data-route="proxy" data-cluster="w00000000"`);
      const direct = await page('demo_route=direct');
      expect(direct).toContain(`<script src="/dist/elevate-tracker.min.js" data-cluster-id="w00000000" data-market="SE" data-session-api="${cluster.apiUrl}/session-api" data-consent="pending" data-debug async></script>`);
      expect(direct).not.toContain('data-api-base');
      // The single-page app reads an empty data-notifications as "by cluster ID".
      expect(direct).toContain('data-notifications="" data-route="direct" data-cluster="w00000000"');
      // The proxy stays no open proxy: only notification paths (none of them is reached here, so no request leaves).
      expect((await fetch(`${cluster.siteUrl}/elevate/api/storefront/v3/search`, { method: 'POST' })).status).toBe(404);
    } finally {
      await cluster.close();
    }
  });

  it('sends straight to the cluster with route "direct" (ELEVATE_DEMO_PROXY=0)', async () => {
    const cluster = await startDemo({ port: 0, clusterId: 'w00000000', route: 'direct' });
    try {
      const html = await (await fetch(`${cluster.siteUrl}/`)).text();
      expect(html).toContain('data-cluster-id="w00000000"');
      expect(html).not.toContain('data-api-base');
    } finally {
      await cluster.close();
    }
  });

  it('refuses an invalid cluster ID', async () => {
    await expect(startDemo({ port: 0, clusterId: 'not a cluster' })).rejects.toThrow(/cluster ID/);
  });
});

describe('the notifications\' route: the first-party proxy or direct', () => {
  const apiBaseOf = async (cookie?: string, base = demo.siteUrl) =>
    /data-api-base="([^"]*)"/.exec(await (await fetch(`${base}/`, { headers: cookie ? { cookie } : {} })).text())?.[1];

  it('follows the demo_route cookie, and the route option without one', async () => {
    expect(await apiBaseOf()).toBe(`${demo.siteUrl}/elevate`);
    expect(await apiBaseOf('demo_route=direct')).toBe(demo.apiUrl);
    expect(await apiBaseOf('a=1; demo_route=proxy')).toBe(`${demo.siteUrl}/elevate`);
    expect(await apiBaseOf('demo_route="><script>')).toBe(`${demo.siteUrl}/elevate`);
    const direct = await startDemo({ port: 0, route: 'direct' });
    try {
      expect(await apiBaseOf(undefined, direct.siteUrl)).toBe(direct.apiUrl);
      expect(await apiBaseOf('demo_route=proxy', direct.siteUrl)).toBe(`${direct.siteUrl}/elevate`);
    } finally {
      await direct.close();
    }
  });

  it('points at the proxy on the origin the browser used (its Host header), and on the listening one for an odd Host', async () => {
    const { port } = new URL(demo.siteUrl);
    const apiBase = async (host: string) => /data-api-base="([^"]*)"/.exec((await rawGet(demo.siteUrl, '/', { Host: host })).body)?.[1];
    expect(await apiBase(`localhost:${port}`)).toBe(`http://localhost:${port}/elevate`);
    expect(await apiBase('evil.test/"><script>')).toBe(`${demo.siteUrl}/elevate`);
  });

  it('refuses an unknown route', async () => {
    await expect(startDemo({ port: 0, route: 'sideways' as 'proxy' })).rejects.toThrow(/route "sideways" is invalid/);
  });

  it('forwards a notification through real HTTP to the stand-in, with User-Agent and X-Forwarded-For, no cookie and no Origin', async () => {
    await fetch(`${demo.apiUrl}/__standin/requests`, { method: 'DELETE' });
    const res = await fetch(`${demo.siteUrl}/elevate/api/storefront/v3/notifications/click?customerKey=c-1&market=UK&sessionKey=s-1&extra=dropped`, {
      method: 'POST', body: '{"ticket":"t-1"}',
      headers: { 'Content-Type': 'text/plain;charset=UTF-8', 'User-Agent': 'Mozilla/5.0 (demo test)', 'X-Forwarded-For': '203.0.113.9', Cookie: 'shop=secret' },
    });
    expect(res.status).toBe(204);
    const [record] = await (await fetch(`${demo.apiUrl}/__standin/requests`)).json();
    expect(record).toMatchObject({
      type: 'click', path: '/api/storefront/v3/notifications/click', query: { customerKey: 'c-1', market: 'UK', sessionKey: 's-1' },
      ticket: 't-1', status: 204, userAgent: 'Mozilla/5.0 (demo test)', forwardedFor: '203.0.113.9, 127.0.0.1', origin: null, hasCookie: false,
    });
  });

  it('answers with the stand-in\'s status, and is no open proxy', async () => {
    const notify = (path: string, init: RequestInit = { method: 'POST' }) => fetch(`${demo.siteUrl}/elevate${path}`, init);
    // The stand-in's 400 comes back as it is.
    expect((await notify('/api/storefront/v3/notifications/end?market=UK')).status).toBe(400);
    expect((await notify('/api/storefront/v3/notifications/click?customerKey=c&market=UK&sessionKey=s', { method: 'GET' })).status).toBe(405);
    for (const path of ['/__standin/requests', '/__demo/payments', '/session-api/sessions/new', '/api/admin/v4/notifications/payment', '/']) {
      expect((await notify(path)).status, path).toBe(404);
    }
  });
});

describe('checkout: POST /checkout sends the payment notification with the visitor\'s keys', () => {
  const customerKey = 'demo-customer-1';
  const sessionKey = '7a9f3c1e-2b4d-4e6f-8a0b-1c2d3e4f5a6b';
  const trackerCookies = `elevate_customer_key=${customerKey}; elevate_session_key=${sessionKey}`;
  const payments = async () => (await fetch(`${demo.apiUrl}/__demo/payments`)).json();
  const order = (body: unknown, { cookie = `demo_consent=granted; ${trackerCookies}`, contentType = 'application/json', origin }:
    { cookie?: string; contentType?: string; origin?: string } = {}) => fetch(`${demo.siteUrl}/checkout`, {
    method: 'POST', body: typeof body == 'string' ? body : JSON.stringify(body),
    headers: { 'Content-Type': contentType, cookie, ...(origin ? { Origin: origin } : {}) },
  });

  beforeEach(async () => {
    await fetch(`${demo.apiUrl}/__demo/payments`, { method: 'DELETE' });
  });

  it('prices the order from the catalogue and notifies with the keys of the tracker\'s cookies', async () => {
    const res = await order({ lines: [{ variantKey: 'P1003-01', quantity: 2 }, { variantKey: 'P1007-01', quantity: 1 }] });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const answer = await res.json();
    expect(answer).toEqual({
      order: expect.stringMatching(/^NV-\d+$/), total: 2 * 89 + 25,
      lines: [{ variantKey: 'P1003-01', quantity: 2, sellingPrice: 178 }, { variantKey: 'P1007-01', quantity: 1, sellingPrice: 25 }],
      customerKey, sessionKey, isNew: false, notified: true,
    });
    expect(await payments()).toEqual([{
      seq: 1, time: expect.any(Number), prefix: 'admin/v4', query: { customerKey, market: 'UK', sessionKey },
      body: { lines: answer.lines }, status: 204,
    }]);
  });

  it('ignores the prices and any other field the page sends', async () => {
    const answer = await (await order({ total: 1, lines: [{ variantKey: 'P1021-01', quantity: 1, sellingPrice: 0.01, cost: 0, price: 1 }] })).json();
    expect(answer).toMatchObject({ total: 459, lines: [{ variantKey: 'P1021-01', quantity: 1, sellingPrice: 459 }], notified: true });
    expect((await payments())[0].body).toEqual({ lines: [{ variantKey: 'P1021-01', quantity: 1, sellingPrice: 459 }] });
  });

  it('numbers the orders', async () => {
    const numbers = [];
    for (let n = 0; n < 2; n++) numbers.push((await (await order({ lines: [{ variantKey: 'P1001-01', quantity: 1 }] })).json()).order);
    expect(Number(numbers[1].slice(3))).toBe(Number(numbers[0].slice(3)) + 1);
  });

  it.each(['pending', 'denied', undefined])('places the order but sends no payment notification with consent %s', async (consent) => {
    const cookie = `${consent ? `demo_consent=${consent}; ` : ''}${trackerCookies}`;
    const res = await order({ lines: [{ variantKey: 'P1001-01', quantity: 1 }] }, { cookie });
    expect(res.status).toBe(200);
    const answer = await res.json();
    expect(answer).toEqual({ order: expect.stringMatching(/^NV-/), total: 129, lines: [{ variantKey: 'P1001-01', quantity: 1, sellingPrice: 129 }],
      notified: false, reason: `the visitor's consent is ${consent ?? 'pending'}, and without consent nothing of a visitor goes to Elevate, payments included` });
    expect(JSON.stringify(answer)).not.toContain(customerKey);
    expect(await payments()).toEqual([]);
  });

  it('makes keys for a visitor with consent whose request carries no tracker cookie, and says so', async () => {
    const answer = await (await order({ lines: [{ variantKey: 'P1001-01', quantity: 1 }] }, { cookie: 'demo_consent=granted' })).json();
    expect(answer).toMatchObject({ notified: true, isNew: true, customerKey: expect.stringMatching(/^[\da-f-]{36}$/), sessionKey: expect.stringMatching(/^[\da-f-]{36}$/) });
    expect((await payments())[0].query).toEqual({ customerKey: answer.customerKey, market: 'UK', sessionKey: answer.sessionKey });
  });

  it('tells the page when the notification failed, with the error\'s code and whether it may have arrived', async () => {
    expect((await fetch(`${demo.apiUrl}/__demo/payment-faults`, { method: 'PUT', body: '{"fail500":1}' })).status).toBe(204);
    const answer = await (await order({ lines: [{ variantKey: 'P1001-01', quantity: 1 }] })).json();
    expect(answer).toMatchObject({ notified: false, error: { code: 'server', status: 500, mayHaveArrived: true, message: expect.any(String) } });
    expect(answer.error.message).not.toContain('test-api-key');
    // A 500 may come after the payment was counted: not sent again.
    expect((await payments()).map((payment: { status: number }) => payment.status)).toEqual([500]);
    expect((await fetch(`${demo.apiUrl}/__demo/payment-faults`, { method: 'PUT', body: '{"fail500":-1}' })).status).toBe(400);
  });

  it.each([
    ['not JSON', '{"lines":', /not JSON/],
    ['no lines', {}, /needs "lines"/],
    ['empty lines', { lines: [] }, /needs "lines"/],
    ['too many lines', { lines: Array.from({ length: 21 }, (_, index) => ({ variantKey: `P${1001 + (index % 24)}-01`, quantity: 1 })) }, /needs "lines": 1 to 20/],
    ['a line that is no object', { lines: ['P1001-01'] }, /lines\[0\] must be/],
    ['an unknown variant', { lines: [{ variantKey: 'P9999-01', quantity: 1 }] }, /lines\[0\]\.variantKey "P9999-01" is not in the catalogue/],
    ['a variant twice', { lines: [{ variantKey: 'P1001-01', quantity: 1 }, { variantKey: 'P1001-01', quantity: 2 }] }, /lines\[1\]\.variantKey P1001-01 is in the order twice/],
    ['quantity 0', { lines: [{ variantKey: 'P1001-01', quantity: 0 }] }, /quantity must be a whole number from 1 to 99/],
    ['quantity 1.5', { lines: [{ variantKey: 'P1001-01', quantity: 1.5 }] }, /quantity/],
    ['quantity "2"', { lines: [{ variantKey: 'P1001-01', quantity: '2' }] }, /quantity/],
    ['quantity 100', { lines: [{ variantKey: 'P1001-01', quantity: 100 }] }, /quantity/],
  ])('refuses %s with 400', async (_, body, reason) => {
    const res = await order(body);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(reason);
    expect(await payments()).toEqual([]);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''])('refuses Content-Type %j with 415: no cross-site form can post an order', async (contentType) => {
    const res = await order({ lines: [{ variantKey: 'P1001-01', quantity: 1 }] }, { contentType });
    expect(res.status).toBe(415);
    expect(await payments()).toEqual([]);
  });

  it('accepts application/json with a charset', async () => {
    expect((await order({ lines: [{ variantKey: 'P1001-01', quantity: 1 }] }, { contentType: 'application/json; charset=utf-8' })).status).toBe(200);
  });

  it('refuses a body over 4 KiB with 413', async () => {
    const res = await order({ lines: [{ variantKey: 'P1001-01', quantity: 1 }], padding: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
    expect(await payments()).toEqual([]);
  });

  it('refuses a chunked body over 4 KiB with 413 too', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const { hostname, port } = new URL(demo.siteUrl);
      const req = request({ hostname, port, path: '/checkout', method: 'POST', headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } },
        (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      for (let n = 0; n < 5; n++) req.write('x'.repeat(1024));
      req.end();
    });
    expect(status).toBe(413);
  });

  it('refuses an order from another origin with 403, and other methods with 405', async () => {
    expect((await order({ lines: [{ variantKey: 'P1001-01', quantity: 1 }] }, { origin: 'http://evil.test' })).status).toBe(403);
    expect((await order({ lines: [{ variantKey: 'P1001-01', quantity: 1 }] }, { origin: 'null' })).status).toBe(403);
    expect((await order({ lines: [{ variantKey: 'P1001-01', quantity: 1 }] }, { origin: demo.siteUrl })).status).toBe(200);
    const get = await fetch(`${demo.siteUrl}/checkout`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    // No CORS preflight is ever answered, so a page elsewhere cannot send the JSON at all.
    const preflight = await fetch(`${demo.siteUrl}/checkout`, { method: 'OPTIONS' });
    expect(preflight.status).toBe(405);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves the payments for the inspector, live, and clears them', async () => {
    const events = await fetch(`${demo.apiUrl}/__demo/payment-events`);
    expect(events.headers.get('content-type')).toBe('text/event-stream');
    const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
    expect((await reader.read()).value).toBe(': connected\n\n');
    await order({ lines: [{ variantKey: 'P1002-01', quantity: 3 }] });
    const { value } = await reader.read();
    expect(JSON.parse(value!.replace(/^data: /, ''))).toMatchObject({ seq: 1, status: 204, body: { lines: [{ variantKey: 'P1002-01', quantity: 3, sellingPrice: 657 }] } });
    await reader.cancel();
    expect((await fetch(`${demo.apiUrl}/__demo/payments`, { method: 'DELETE' })).status).toBe(204);
    expect(await payments()).toEqual([]);
    expect((await fetch(`${demo.apiUrl}/__demo/payments`, { method: 'PUT' })).status).toBe(405);
    const preflight = await fetch(`${demo.apiUrl}/__demo/payments`, { method: 'OPTIONS' });
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, DELETE, OPTIONS');
  });
});
