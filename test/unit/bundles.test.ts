// Secrets stay on servers: no browser bundle may carry the admin client (event-data jobs, payments) or anything that takes an Api-Key.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** Every bundle in dist/ but the two Node-only ones. */
const NODE_ONLY = ['server.js', 'cli.js'];
const BROWSER_BUNDLES = readdirSync(new URL('../../dist/', import.meta.url), { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.js') && !NODE_ONLY.includes(name) && !name.startsWith('types')).map((name) => `dist/${name}`);

it('finds the browser bundles, the npm entry\'s chunks included', () => {
  const named = BROWSER_BUNDLES.filter((name) => !name.startsWith('dist/chunks/'));
  expect(named.sort()).toEqual(['dist/consent.js', 'dist/elevate-tracker.consent.js', 'dist/elevate-tracker.impressions.js',
    'dist/elevate-tracker.min.js', 'dist/elevate-tracker.session.js', 'dist/index.js', 'dist/react.js', 'dist/vue.js']);
  expect(BROWSER_BUNDLES.filter((name) => name.startsWith('dist/chunks/')).length).toBeGreaterThanOrEqual(2);
});

// Issue 16: what only some sites use is a dynamic import of a chunk of its own, which bundlers split off.
it('the npm entry imports the session shim and the impression watcher only dynamically', () => {
  const entry = readFileSync(new URL('../../dist/index.js', import.meta.url), 'utf8');
  expect(entry).toMatch(/import\("\.\/chunks\/session-shim-[\w-]+\.js"\)/);
  expect(entry).toMatch(/import\("\.\/chunks\/impressions-[\w-]+\.js"\)/);
  expect(entry).not.toContain('function attachSessionApi');
  expect(entry).not.toContain('IntersectionObserver(');
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
