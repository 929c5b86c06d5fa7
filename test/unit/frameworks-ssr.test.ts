// The framework adapters on the server (issue 17), in Node without a DOM, as a site's server renders them: the built
// dist/react.js and dist/vue.js through the package's own exports, with the real react-dom/server and
// vue/server-renderer. Rendering neither throws nor creates a tracker, and the tracker a component gets does nothing.
// Also what a site's bundler makes of the two entries (each pulls in its own framework only, and the npm entry's
// tracker rather than a copy), and the logic of the React hook's tracker in a browser, before and between the
// provider's trackers (createTrackerHandle, with a stand-in document and a recording tracker).
import { build } from 'esbuild';
import { createElement, useEffect, type ReactNode } from 'react';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSSRApp, defineComponent, h } from 'vue';
import { renderToString as renderVueToString } from 'vue/server-renderer';
import { ElevateConfigError, type Tracker } from 'elevate-tracker';
import { ElevateProvider, useTracker } from 'elevate-tracker/react';
import { elevateTracker, useTracker as useVueTracker } from 'elevate-tracker/vue';
import { METHOD_NAMES } from '../../src/public-tracker.ts';
import { createTrackerHandle } from '../../src/react/tracker-handle.ts';

const OPTIONS = { clusterId: 'w00000000', market: 'UK' };
/** What a started tracker leaves on the page: the owner of click tracking (src/clicks.ts). */
const CLICK_OWNER = Symbol.for('elevate-tracker.clicks');

/** Checks that `tracker` is the inert one: every call does nothing and answers as a tracker without a DOM does. */
async function expectInert(tracker: Tracker) {
  expect(tracker.setCustomerKey('K-server')).toBeUndefined();
  tracker.click('T-server');
  expect(tracker.customerKey).toBe('');
  expect(tracker.sessionKey).toBe('');
  expect(tracker.forget()).toBe('');
  // A handle waiting for a live tracker would never settle this: the inert tracker's resolves at once.
  await expect(tracker.session).resolves.toBeUndefined();
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('React: react-dom/server', () => {
  it('renders the provider\'s children; the hook\'s tracker is inert and no tracker is created', async () => {
    const seen: Tracker[] = [];
    const effects: string[] = [];
    function Tile(): ReactNode {
      const tracker = useTracker();
      seen.push(tracker);
      useEffect(() => { effects.push('tile'); }); // effects never run on the server
      return createElement('a', { href: '/p/1', 'data-elevate-ticket': 'T-1' }, 'Product');
    }
    const errors = vi.spyOn(console, 'error');
    const html = renderToString(createElement(ElevateProvider, { options: OPTIONS, consent: 'pending' }, createElement(Tile)));
    expect(html).toBe('<a href="/p/1" data-elevate-ticket="T-1">Product</a>');
    expect(effects).toEqual([]);
    expect(seen).toHaveLength(1);
    await expectInert(seen[0]);
    expect(CLICK_OWNER in globalThis).toBe(false);
    expect(errors).not.toHaveBeenCalled();
  });

  it('a bad option is createTracker\'s to reject, in the browser: the server renders, creating nothing', () => {
    const html = renderToString(createElement(ElevateProvider, { options: { market: ' ' } }, 'shop'));
    expect(html).toBe('shop');
    expect(CLICK_OWNER in globalThis).toBe(false);
  });

  it('useTracker() outside a provider: an inert tracker, and one console error', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const seen: Tracker[] = [];
    function Orphan() {
      seen.push(useTracker());
      return null;
    }
    renderToString(createElement('div', null, createElement(Orphan), createElement(Orphan)));
    expect(seen[0]).toBe(seen[1]);
    await expectInert(seen[0]);
    expect(errors.mock.calls).toEqual([['[elevate-tracker] useTracker() is called outside <ElevateProvider>: its tracker does nothing.']]);
  });
});

describe('Vue: createSSRApp and vue/server-renderer', () => {
  it('installs, renders, and the component\'s tracker is inert; no tracker is created', async () => {
    const seen: Tracker[] = [];
    const Tile = defineComponent({
      setup() {
        seen.push(useVueTracker());
        return () => h('a', { href: '/p/1', 'data-elevate-ticket': 'T-1' }, 'Product');
      },
    });
    const errors = vi.spyOn(console, 'error');
    const warnings = vi.spyOn(console, 'warn');
    const app = createSSRApp(Tile).use(elevateTracker, { ...OPTIONS, consent: 'pending' });
    expect(await renderVueToString(app)).toBe('<a href="/p/1" data-elevate-ticket="T-1">Product</a>');
    expect(seen).toHaveLength(1);
    await expectInert(seen[0]);
    expect(CLICK_OWNER in globalThis).toBe(false);
    expect(errors).not.toHaveBeenCalled();
    expect(warnings).not.toHaveBeenCalled();
  });

  it('a bad option throws createTracker\'s ElevateConfigError from app.use(), on the server too', () => {
    const app = createSSRApp(defineComponent({ render: () => null }));
    expect(() => app.use(elevateTracker, { market: ' ' } as never)).toThrow(ElevateConfigError);
  });

  it('useTracker() without the plugin: an inert tracker, and one console error', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const seen: Tracker[] = [];
    const Orphan = defineComponent({ setup: () => { seen.push(useVueTracker()); return () => null; } });
    await renderVueToString(createSSRApp(defineComponent({ render: () => [h(Orphan), h(Orphan)] })));
    expect(seen[0]).toBe(seen[1]);
    await expectInert(seen[0]);
    expect(errors.mock.calls).toEqual([['[elevate-tracker] useTracker() found no tracker: install the plugin first, app.use(elevateTracker, options).']]);
  });
});

describe('the built files', () => {
  it('dist/react.js starts with the \'use client\' directive (after the banner), for React Server Components', async () => {
    const { readFile } = await import('node:fs/promises');
    const code = await readFile(new URL('../../dist/react.js', import.meta.url), 'utf8');
    expect(code).toMatch(/^\/\*![^*]*\*\/\n"use client";\n/);
  });

  /** The files of this package a site's bundle of `code` takes in, and whether react or vue is among its inputs. */
  async function bundleOf(code: string) {
    const { metafile } = await build({ stdin: { contents: code, resolveDir: import.meta.dirname, loader: 'js' }, bundle: true,
      write: false, metafile: true, format: 'esm', platform: 'browser', logLevel: 'silent',
      define: { 'process.env.NODE_ENV': '"production"' } });
    const inputs = Object.keys(metafile.inputs);
    return {
      // The named files of this package (its chunks aside), relative to the working directory as esbuild reports them.
      dist: inputs.filter((input) => input.startsWith('dist/') && !input.startsWith('dist/chunks/')).sort(),
      hasReact: inputs.some((input) => /node_modules\/react(-dom)?\//.test(input)),
      hasVue: inputs.some((input) => /node_modules\/(vue|@vue)\//.test(input)),
    };
  }

  it('a site\'s bundler: elevate-tracker/react takes in react and the npm entry, not vue; elevate-tracker/vue the reverse', async () => {
    const react = await bundleOf(`import { ElevateProvider } from 'elevate-tracker/react'; console.log(ElevateProvider);`);
    expect(react).toMatchObject({ hasReact: true, hasVue: false });
    expect(react.dist).toEqual(['dist/index.js', 'dist/react.js']);
    const vue = await bundleOf(`import { elevateTracker } from 'elevate-tracker/vue'; console.log(elevateTracker);`);
    expect(vue).toMatchObject({ hasReact: false, hasVue: true });
    expect(vue.dist).toEqual(['dist/index.js', 'dist/vue.js']);
    // With the core entry too: one copy of the tracker.
    const both = await bundleOf(`import { createTracker } from 'elevate-tracker'; import { useTracker } from 'elevate-tracker/react';
      console.log(createTracker, useTracker);`);
    expect(both.dist).toEqual(['dist/index.js', 'dist/react.js']);
  });
});

describe('the React hook\'s tracker in a browser (createTrackerHandle)', () => {
  /** A live tracker that records its calls; forget() returns its key. */
  function recordingTracker(customerKey: string, calls: unknown[][]): Tracker {
    const methods = Object.fromEntries(METHOD_NAMES.map((name) => [name, (...args: unknown[]) => {
      calls.push([name, ...args]);
      return name == 'forget' ? customerKey : undefined;
    }]));
    return { ...methods, customerKey, sessionKey: `S-${customerKey}`, session: Promise.resolve({ sessionId: `session-${customerKey}` }) } as unknown as Tracker;
  }

  it('holds the calls made before the tracker exists and replays them first, in order; then forwards', async () => {
    vi.stubGlobal('document', {}); // a browser: the handle holds rather than being inert
    const handle = createTrackerHandle();
    const { tracker } = handle;
    tracker.setCustomerKey('K-child');
    tracker.click('T-1');
    expect([tracker.customerKey, tracker.sessionKey, tracker.forget()]).toEqual(['', '', '']);
    const session = tracker.session;
    expect(await Promise.race([session, new Promise((resolve) => setTimeout(resolve, 10, 'waiting'))])).toBe('waiting');
    const calls: unknown[][] = [];
    handle.attach(recordingTracker('K-1', calls));
    expect(calls).toEqual([['setCustomerKey', 'K-child'], ['click', 'T-1'], ['forget']]);
    await expect(session).resolves.toEqual({ sessionId: 'session-K-1' });
    tracker.addToCart('T-cart');
    expect(calls.at(-1)).toEqual(['addToCart', 'T-cart']);
    expect([tracker.customerKey, tracker.sessionKey, tracker.forget()]).toEqual(['K-1', 'S-K-1', 'K-1']);
    await expect(tracker.session).resolves.toEqual({ sessionId: 'session-K-1' });
  });

  it('between two trackers (StrictMode\'s remount, new options), the calls wait for the next one', () => {
    vi.stubGlobal('document', {});
    const handle = createTrackerHandle();
    const first: unknown[][] = [];
    const second: unknown[][] = [];
    handle.attach(recordingTracker('K-1', first));
    handle.detach();
    handle.tracker.setConsent('granted');
    expect(first).toEqual([]);
    handle.attach(recordingTracker('K-2', second));
    expect(second).toEqual([['setConsent', 'granted']]);
  });

  it('a session that fails, read before the tracker existed: rejects with its error, never unhandled', async () => {
    vi.stubGlobal('document', {});
    const handle = createTrackerHandle();
    const session = handle.tracker.session; // read and left unhandled, as a page may
    const failed = Promise.reject(new Error('session API down'));
    failed.catch(() => {}); // the tracker's own is handled (tracker-methods.ts)
    handle.attach({ ...recordingTracker('K-1', []), session: failed } as Tracker);
    await new Promise((resolve) => setTimeout(resolve, 10)); // vitest fails the run on an unhandled rejection
    await expect(session).rejects.toThrow('session API down');
  });

  it('holds 100 calls at most: the rest are dropped, with one console error', () => {
    vi.stubGlobal('document', {});
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const handle = createTrackerHandle();
    for (let index = 0; index < 105; index++) handle.tracker.click(`T-${index}`);
    const calls: unknown[][] = [];
    handle.attach(recordingTracker('K-1', calls));
    expect(calls).toHaveLength(100);
    expect(calls.at(-1)).toEqual(['click', 'T-99']);
    expect(errors.mock.calls).toEqual([['[elevate-tracker] useTracker(): 100 calls are waiting for <ElevateProvider> to mount; later ones are dropped.']]);
  });
});
