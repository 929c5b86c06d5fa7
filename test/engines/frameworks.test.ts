// The framework adapters (issue 17) in every engine: the apps of test/support/frameworks/, bundled by esbuild as a
// site's build would (the real react, react-dom and vue from node_modules, the built elevate-tracker/react and
// elevate-tracker/vue through the package's exports), served with the test site. Each page counts the click listeners
// added to and removed from `document` in the capture phase (the tracker's, src/clicks.ts), so that a spec can tell
// how many trackers were created and destroyed.
import { build } from 'esbuild';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TrackerOptions } from 'elevate-tracker';
import type { Tab } from '../support/engines/engine.ts';
import { sleep, useEngine } from '../support/engines/spec.ts';
import type { ReactAppProps } from '../support/frameworks/react-app.ts';
import type { VueAppProps } from '../support/frameworks/vue-app.ts';

const FIXTURES = new URL('../support/frameworks/', import.meta.url).pathname;
const PREFIX = '/__frameworks/';
let bundles = '';

beforeAll(async () => {
  bundles = await mkdtemp(join(tmpdir(), 'elevate-frameworks-'));
  // Development builds: React's StrictMode double-mounts only there, and both frameworks warn about misuse.
  await build({ entryPoints: [`${FIXTURES}react-app.ts`, `${FIXTURES}vue-app.ts`], outdir: bundles, bundle: true,
    format: 'esm', platform: 'browser', target: 'es2020', logLevel: 'warning', define: {
      'process.env.NODE_ENV': '"development"',
      __VUE_OPTIONS_API__: 'true', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' } });
});
afterAll(() => rm(bundles, { recursive: true, force: true }));

/** Counts, in `window.clickListeners`, the capture-phase click listeners added to and removed from `document`. */
const COUNT_CLICK_LISTENERS = `window.clickListeners = { added: 0, removed: 0 };
const isTrackers = (target, type, options) => target === document && type == 'click' && (options === true || options?.capture === true);
for (const [method, count] of [['addEventListener', 'added'], ['removeEventListener', 'removed']]) {
  const original = EventTarget.prototype[method];
  EventTarget.prototype[method] = function (type, listener, options) {
    if (isTrackers(this, type, options)) window.clickListeners[count]++;
    return original.call(this, type, listener, options);
  };
}`;

type Listeners = { added: number; removed: number };
const listenersOf = (tab: Tab) => tab.evaluate(() => (window as any).clickListeners as Listeners);
/** Waits for the app's tile and for `listeners` (the trackers created and destroyed so far). */
const untilTracking = (tab: Tab, listeners: Listeners) => tab.waitFor((expected) => document.getElementById('tile')
  && JSON.stringify((window as any).clickListeners) == JSON.stringify(expected), listeners);

describe.each(inject('engines'))('$name', (launch) => {
  const spec = useEngine(launch);
  const api = () => spec.site.api;
  const clicks = () => api().requests.filter((request) => request.type == 'click');
  /** Tracker options for the stand-in. */
  const options = (extra = {}) => spec.options(extra) as unknown as TrackerOptions;

  beforeAll(() => {
    spec.site.mount(PREFIX, async (request, response) => {
      const name = request.url!.slice(PREFIX.length);
      try {
        if (!/^[\w-]+\.js$/.test(name)) throw new Error('not a bundle');
        response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(await readFile(join(bundles, name)));
      } catch {
        response.writeHead(404).end();
      }
    });
  });

  /** A page with the app (`react` or `vue`) in #root and a ticketed link of its own outside it, in a fresh context. */
  async function openApp(app: 'react' | 'vue'): Promise<Tab> {
    spec.site.setPage(`/${app}`, `<!doctype html><html><head><meta charset="utf-8"><title>${app}</title>
<script>${COUNT_CLICK_LISTENERS}</script></head><body><div id="root"></div>
<a id="outside" href="#outside" data-elevate-ticket="T-outside">not the app's</a>
<script type="module" src="${PREFIX}${app}-app.js"></script></body></html>`);
    const tab = (await spec.newContext()).tabs[0];
    await tab.goto(`${spec.site.siteUrl}/${app}`);
    await tab.waitFor((name) => (window as any)[`${name}App`], app);
    return tab;
  }
  const renderReact = (tab: Tab, props: ReactAppProps) => tab.evaluate((given) => (window as any).reactApp.render(given), props);

  /** Unmounts the app with `unmount`; then its listeners are gone and a click on the page's own tile sends nothing. */
  async function expectStoppedAfter(tab: Tab, unmount: () => Promise<unknown>) {
    const sent = clicks().length;
    const { added } = await listenersOf(tab);
    await unmount();
    expect(await listenersOf(tab)).toEqual({ added, removed: added });
    await tab.click('#outside');
    await sleep(500);
    expect(clicks()).toHaveLength(sent);
  }

  describe('React', () => {
    it('StrictMode\'s double mount: one live tracker, the child\'s key set in its effect, one click; unmount stops it', async () => {
      const tab = await openApp('react');
      await renderReact(tab, { options: options(), isStrict: true, customerKey: 'K-child' });
      // Mounted, unmounted and mounted again: two trackers created, the first destroyed.
      await untilTracking(tab, { added: 2, removed: 1 });
      await tab.click('#tile');
      const [click] = await api().waitFor(1, { type: 'click' });
      expect(click).toMatchObject({ ticket: 'T-react', query: { customerKey: 'K-child', market: 'UK' } });
      await spec.site.settle(300);
      expect(clicks()).toHaveLength(1);
      expect(await tab.url()).toBe(`${spec.site.siteUrl}/react`);
      await expectStoppedAfter(tab, () => tab.evaluate(() => (window as any).reactApp.unmount()));
    });

    it('consent from pending to granted sends what was held; new options replace the tracker only when a value changes', async () => {
      const tab = await openApp('react');
      await renderReact(tab, { options: options(), consent: 'pending' });
      await untilTracking(tab, { added: 1, removed: 0 });
      await tab.click('#tile');
      await sleep(400);
      expect(api().requests).toEqual([]);
      // A new options object with the same values, and consent granted: the same tracker sends the held click.
      await renderReact(tab, { options: options(), consent: 'granted' });
      const [held] = await api().waitFor(1, { type: 'click' });
      expect(held.ticket).toBe('T-react');
      expect(await listenersOf(tab)).toEqual({ added: 1, removed: 0 });
      // Another market: a new tracker, with the keys the first one wrote.
      await renderReact(tab, { options: options({ market: 'SE' }), consent: 'granted' });
      await untilTracking(tab, { added: 2, removed: 1 });
      await tab.click('#tile');
      const [, after] = await api().waitFor(2, { type: 'click' });
      expect(after.query).toMatchObject({ market: 'SE', customerKey: held.query.customerKey });
      await expectStoppedAfter(tab, () => tab.evaluate(() => (window as any).reactApp.unmount()));
    });
  });

  describe('Vue', () => {
    const mountVue = (tab: Tab, props: VueAppProps) => tab.evaluate((given) => (window as any).vueApp.mount(given), props);

    it('the plugin and useTracker(): the key set on mount, one click; app.unmount() stops tracking', async () => {
      const tab = await openApp('vue');
      await mountVue(tab, { options: options(), customerKey: 'K-vue' });
      await untilTracking(tab, { added: 1, removed: 0 });
      await tab.click('#tile');
      const [click] = await api().waitFor(1, { type: 'click' });
      expect(click).toMatchObject({ ticket: 'T-vue', query: { customerKey: 'K-vue' } });
      await spec.site.settle(300);
      expect(clicks()).toHaveLength(1);
      await expectStoppedAfter(tab, () => tab.evaluate(() => (window as any).vueApp.unmount()));
    });

    it('without app.onUnmount (Vue before 3.5), app.unmount() stops tracking too', async () => {
      const tab = await openApp('vue');
      await mountVue(tab, { options: options(), isBefore35: true });
      await untilTracking(tab, { added: 1, removed: 0 });
      await tab.click('#tile');
      await api().waitFor(1, { type: 'click' });
      await expectStoppedAfter(tab, () => tab.evaluate(() => (window as any).vueApp.unmount()));
    });
  });
});
