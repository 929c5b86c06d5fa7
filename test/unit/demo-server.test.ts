import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo } from '../../demo/server.mjs';

const hasDist = existsSync(new URL('../../dist/elevate-tracker.min.js', import.meta.url));
let demo: Awaited<ReturnType<typeof startDemo>>;

beforeAll(async () => {
  demo = await startDemo({ port: 0 });
});
afterAll(() => demo?.close());

/** GET with the path sent exactly as given: fetch() would resolve `..` and `%2e%2e` before sending. */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(base);
    request({ hostname, port, path }, (res) => {
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
    expect(html).not.toMatch(/%(API_BASE|MARKET|CLUSTER_ID|CONSENT)%/);
    expect(html).toContain(`<script src="/dist/elevate-tracker.min.js" data-api-base="${demo.apiUrl}" data-market="UK" data-session-api="${demo.apiUrl}/session-api" data-consent="pending" data-debug async></script>`);
    expect(html.match(/class="tile"[^>]*data-elevate-ticket="[\w+/=]+"/g)).toHaveLength(24);
  });

  it('serves product.html the same way', async () => {
    const html = await (await fetch(`${demo.siteUrl}/product.html?id=3`)).text();
    expect(html).not.toMatch(/%(API_BASE|MARKET|CLUSTER_ID|CONSENT)%/);
    expect(html).toContain(`data-api-base="${demo.apiUrl}"`);
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
  it('puts data-cluster-id in place of data-api-base', async () => {
    const cluster = await startDemo({ port: 0, clusterId: 'w00000000', market: 'SE' });
    try {
      const html = await (await fetch(`${cluster.siteUrl}/`)).text();
      expect(html).toContain(`<script src="/dist/elevate-tracker.min.js" data-cluster-id="w00000000" data-market="SE" data-session-api="${cluster.apiUrl}/session-api" data-consent="pending" data-debug async></script>`);
      expect(html).not.toContain('data-api-base');
    } finally {
      await cluster.close();
    }
  });

  it('refuses an invalid cluster ID', async () => {
    await expect(startDemo({ port: 0, clusterId: 'not a cluster' })).rejects.toThrow(/cluster ID/);
  });
});
