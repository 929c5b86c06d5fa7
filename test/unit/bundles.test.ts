// Secrets stay on servers: no browser bundle may carry the admin client (event-data jobs, payments) or anything that takes an Api-Key.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** Every bundle in dist/ but the two Node-only ones. */
const NODE_ONLY = ['server.js', 'cli.js'];
const BROWSER_BUNDLES = readdirSync(new URL('../../dist/', import.meta.url))
  .filter((name) => name.endsWith('.js') && !NODE_ONLY.includes(name)).map((name) => `dist/${name}`);

it('finds the browser bundles', () => {
  expect(BROWSER_BUNDLES.sort()).toEqual(['dist/elevate-tracker.impressions.js', 'dist/elevate-tracker.min.js', 'dist/elevate-tracker.session.js', 'dist/index.js']);
});
const SERVER_ONLY = ['Api-Key', 'api-key', 'event-data', 'ELEVATE_API_KEY', 'remove-customer', 'notifications/payment', 'notifyPayment', 'node:', 'process.env'];

describe.each(BROWSER_BUNDLES)('%s', (bundle) => {
  const code = readFileSync(new URL(`../../${bundle}`, import.meta.url), 'utf8');
  it.each(SERVER_ONLY)('does not contain %j', (marker) => {
    expect(code.includes(marker)).toBe(false);
  });
});

it('the server entry is where the Api-Key lives (so the markers above are the right ones)', () => {
  const server = readFileSync(new URL('../../dist/server.js', import.meta.url), 'utf8');
  expect(server).toContain('Api-Key');
  expect(server).toContain('event-data');
  expect(server).toContain('notifications/payment');
});
