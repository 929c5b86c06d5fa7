// createNotificationProxy through real HTTP: the shop's server (node handler) in front of the Elevate stand-in, or of
// a recording server where headers matter. It forwards notifications and nothing else.
import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createElevateStandIn } from '../../demo/elevate-standin.mjs';
import { createNotificationProxy } from '../../src/server/index.js';
import { closedPort, startServer } from '../support/ports.ts';

const KEYS = 'customerKey=c-1&market=UK&sessionKey=0b05119e-eeb8-418a-bbfb-defa0dde417e';
const CLICK = `/elevate/api/storefront/v3/notifications/click?${KEYS}`;
const standIn = createElevateStandIn();
let apiBase = '';
let shop: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  apiBase = await standIn.listen();
  const proxy = createNotificationProxy({ apiBase });
  shop = await startServer((request, response) => proxy.node(request, response));
});
afterAll(async () => {
  await shop.close();
  await standIn.close();
});
beforeEach(() => standIn.reset());

const post = (path: string, body: string | undefined = '{"ticket":"T-1"}', headers: Record<string, string> = {}) =>
  fetch(shop.base + path, { method: 'POST', body, headers: { 'Content-Type': 'text/plain;charset=UTF-8', ...headers } });

/** A proxy (node handler on a server of its own) in front of `upstream`. */
async function proxyTo(upstream: string, options: Record<string, unknown> = {}) {
  const proxy = createNotificationProxy({ apiBase: upstream, ...options });
  return startServer((request, response) => proxy.node(request, response));
}

describe('createNotificationProxy', () => {
  it('forwards a notification to the cluster and answers with its status', async () => {
    const res = await post(CLICK);
    expect(res.status).toBe(204);
    expect(standIn.delivered('click', 'v3')).toEqual([expect.objectContaining({
      path: '/api/storefront/v3/notifications/click', ticket: 'T-1',
      query: { customerKey: 'c-1', market: 'UK', sessionKey: '0b05119e-eeb8-418a-bbfb-defa0dde417e' }, hasCookie: false })]);
    // The cluster's refusal comes back as it is: a bad body is the cluster's 400.
    expect((await post(CLICK, '{"ticket":""}')).status).toBe(400);
    for (const type of ['end', 'add-to-cart', 'ad-impression', 'remove-recent-searches']) {
      const body = type == 'end' ? undefined : type == 'remove-recent-searches' ? '{"removeAll":true}' : '{"ticket":"T"}';
      expect((await post(`/elevate/api/storefront/v3/notifications/${type}?${KEYS}`, body)).status, type).toBe(204);
    }
  });

  it('is not an open proxy: other paths 404, other methods 405, large bodies 413, and nothing reaches the cluster', async () => {
    for (const path of ['/elevate/api/storefront/v3/queries/search-page?q=x', '/elevate/api/v2/notifications/click', '/api/storefront/v3/notifications/click',
      '/elevate/api/storefront/v3/notifications/click/../../../__standin/faults', '/elevate/api/storefront/v3/notifications/payment', '/elevate//evil.example/x',
      '/elevate/api/storefront/v3/notifications/%2e%2e/x']) {
      expect((await post(path)).status, path).toBe(404);
    }
    expect((await fetch(shop.base + CLICK)).status).toBe(405);
    expect((await fetch(shop.base + CLICK, { method: 'PUT', body: 'x' })).status).toBe(405);
    expect((await post(CLICK, JSON.stringify({ ticket: 'x'.repeat(9000) }))).status).toBe(413);
    expect(standIn.requests).toEqual([]);
  });

  it('forwards only the known query parameters, each once', async () => {
    await post(`${CLICK}&apiKey=secret&userContext=ANONYMOUS&x=1`);
    expect(standIn.requests[0].query).toEqual({ customerKey: 'c-1', market: 'UK', sessionKey: '0b05119e-eeb8-418a-bbfb-defa0dde417e', userContext: 'ANONYMOUS' });
    expect((await post(`${CLICK}&market=SE`)).status).toBe(400);
  });

  it('adds the visitor\'s User-Agent and X-Forwarded-For; forwards no cookie, credentials or other header', async () => {
    const upstream = await startServer((_request, response) => response.writeHead(204).end());
    const proxy = await proxyTo(upstream.base);
    try {
      const res = await fetch(proxy.base + CLICK, { method: 'POST', body: '{"ticket":"T-1"}', headers: {
        'User-Agent': 'Visitor/1.0', Cookie: 'shop_session=secret', Authorization: 'Bearer secret', 'X-Forwarded-For': '203.0.113.9',
        'X-Custom': 'x', Origin: 'https://shop.example' } });
      expect(res.status).toBe(204);
      const [headers] = upstream.received as IncomingHttpHeaders[];
      expect(headers['user-agent']).toBe('Visitor/1.0');
      expect(headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
      expect(headers['content-type']).toBe('text/plain;charset=UTF-8');
      for (const name of ['cookie', 'authorization', 'x-custom', 'origin']) expect(headers[name], name).toBeUndefined();
    } finally {
      await Promise.all([proxy.close(), upstream.close()]);
    }
  });

  it('follows no redirect (502), times out (504), and says when the cluster is unreachable (502)', async () => {
    const elsewhere = await startServer((_request, response) => response.writeHead(204).end());
    const redirecting = await startServer((request, response) => response.writeHead(307, { Location: elsewhere.base + request.url }).end());
    const silent = await startServer(() => {});
    const proxies = await Promise.all([proxyTo(redirecting.base), proxyTo(silent.base, { timeoutMs: 200 }), proxyTo(`http://127.0.0.1:${await closedPort()}`)]);
    try {
      expect((await fetch(proxies[0].base + CLICK, { method: 'POST', body: '{}' })).status).toBe(502);
      expect(elsewhere.received).toEqual([]);
      const started = Date.now();
      expect((await fetch(proxies[1].base + CLICK, { method: 'POST', body: '{}' })).status).toBe(504);
      expect(Date.now() - started).toBeLessThan(2000);
      expect((await fetch(proxies[2].base + CLICK, { method: 'POST', body: '{}' })).status).toBe(502);
    } finally {
      await Promise.all([...proxies, elsewhere, redirecting, silent].map((server) => server.close()));
    }
  });

  it('works as a fetch-style handler (Next.js App Router, Hono), with the client address given', async () => {
    const proxy = createNotificationProxy({ apiBase, mount: '/api/elevate' });
    const res = await proxy.fetch(new Request(`https://shop.example/api/elevate/api/storefront/v3/notifications/click?${KEYS}`,
      { method: 'POST', body: '{"ticket":"T-2"}' }), { clientAddress: '198.51.100.7' });
    expect(res.status).toBe(204);
    expect(standIn.delivered('click')[0].ticket).toBe('T-2');
    expect((await proxy.fetch(new Request('https://shop.example/elevate/x', { method: 'POST' }))).status).toBe(404);
  });

  it('speaks v2 paths when asked, and refuses bad options with a TypeError naming them', async () => {
    const proxy = createNotificationProxy({ apiBase, apiVersion: 'v2' });
    const res = await proxy.fetch(new Request(`https://shop.example/elevate/api/v2/notifications/click?${KEYS}`, { method: 'POST', body: '{"ticket":"T-3"}' }));
    expect(res.status).toBe(204);
    expect(standIn.delivered('click', 'v2')).toHaveLength(1);
    expect(() => createNotificationProxy({})).toThrow('Option clusterId is invalid: give exactly one of clusterId and apiBase.');
    expect(() => createNotificationProxy({ clusterId: 'evil.example/x' })).toThrow(/^Option clusterId is invalid/);
    expect(() => createNotificationProxy({ apiBase: 'http://evil.example' })).toThrow(/^Option apiBase is invalid/);
    expect(() => createNotificationProxy({ apiBase, mount: 'elevate' })).toThrow(/^Option mount is invalid/);
    expect(() => createNotificationProxy({ apiBase, timeoutMs: 0 })).toThrow(/^Option timeoutMs is invalid/);
    expect(() => createNotificationProxy({ apiBase, apikey: 'x' } as never)).toThrow(/^Unknown option apikey/);
  });
});
