// What every cross-engine spec file shares: inside `describe.each(inject('engines'))`, `useEngine(launch)` launches
// the engine and the storefront once for the file, gives each test fresh contexts, and checks after each test that
// no page threw, logged an error or needed a CORS preflight.
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { Engine, EngineContext, EngineLaunch, Tab } from './engine.ts';
import { launchEngine } from './launch.ts';
import { startSite, type Site } from './site.ts';
import { trackerPage } from '../harness.ts';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** Tiles for /shop: a plain one, a nested pair, an untracked one, and a link to /next. */
export const TILES = `
  <div id="tile" data-elevate-ticket="T-tile" style="padding:20px">Tile <span id="child">child text</span></div>
  <div id="outer" data-elevate-ticket="T-outer" style="padding:20px">Outer
    <div id="inner" data-elevate-ticket="T-inner" style="padding:10px">Inner <span id="deep">deep</span></div></div>
  <div id="plain" style="padding:20px">No ticket here</div>
  <a id="leave" href="/next" data-elevate-ticket="T-leave">To the next page</a>`;
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Evaluated in a page: whether the tracker is up. */
export const trackerUp = () => typeof (window as any).elevateTracker?.click == 'function';

export interface EngineSpec {
  readonly engine: Engine;
  readonly site: Site;
  /** Script-tag tracker options for the stand-in, with `extra`. */
  options(extra?: Record<string, unknown>): Record<string, unknown>;
  /** A new context (closed after the test), its first tab on nothing yet. */
  newContext(): Promise<EngineContext>;
  /**
   * /shop (TILES), which links to /next, both tracked with `extra` options, in a fresh context (or in `tab`); the
   * tracker is up.
   */
  open(extra?: Record<string, unknown>, tab?: Tab): Promise<Tab>;
  /** Opens `path` in the tab and waits for the tracker. */
  visit(tab: Tab, path: string): Promise<void>;
  /** Console errors this test expects, each matched once; any other fails it, as does one that did not come. */
  expectConsoleErrors(...patterns: RegExp[]): void;
}

export function useEngine(launch: EngineLaunch): EngineSpec {
  let engine!: Engine;
  let site!: Site;
  const contexts: EngineContext[] = [];
  let expectedErrors: RegExp[] = [];

  beforeAll(async () => {
    [engine, site] = await Promise.all([launchEngine(launch), startSite()]);
    console.log(`${engine.name}: ${engine.version} through ${engine.driver}`);
  });
  afterAll(async () => {
    await engine?.close();
    await site?.close();
  });
  beforeEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close().catch(() => {})));
    await site.settle();
    site.api.reset();
  });
  afterEach(async () => {
    const expected = expectedErrors.splice(0);
    const errors: string[] = [];
    for (const tab of contexts.flatMap((context) => context.tabs)) {
      expect(await tab.pageErrors(), 'uncaught errors in the page').toEqual([]);
      errors.push(...await tab.consoleErrors());
    }
    expect(errors, 'console.error calls').toEqual(expected.map((pattern) => expect.stringMatching(pattern)));
    expect(site.api.preflights, 'no request may need a CORS preflight').toEqual([]);
  });

  const spec: EngineSpec = {
    get engine() { return engine; },
    get site() { return site; },
    options: (extra = {}) => ({ apiBase: site.apiBase, market: 'UK', ...extra }),
    async newContext() {
      const context = await engine.newContext();
      contexts.push(context);
      return context;
    },
    async open(extra = {}, tab?) {
      site.setPage('/shop', trackerPage('script', { options: spec.options(extra), body: TILES }));
      site.setPage('/next', trackerPage('script', { options: spec.options(extra), body: '<p>next page</p>' }));
      tab ??= (await spec.newContext()).tabs[0];
      await spec.visit(tab, '/shop');
      return tab;
    },
    expectConsoleErrors(...patterns) {
      expectedErrors = patterns;
    },
    async visit(tab, path) {
      await tab.goto(site.siteUrl + path);
      await tab.waitFor(trackerUp);
    },
  };
  return spec;
}

/** The tracker's keys in the tab's page. */
export const keysOf = (tab: Tab) => tab.evaluate(() => {
  const { customerKey, sessionKey } = (window as any).elevateTracker;
  return { customerKey, sessionKey } as { customerKey: string; sessionKey: string };
});

/** The tracker's cookies in the tab's context, by name. */
export const trackerCookies = async (tab: Tab) => Object.fromEntries((await tab.context.cookies())
  .filter((cookie) => cookie.name.startsWith('elevate_')).map((cookie) => [cookie.name, cookie.value]));

/** Waits for the tab to show /next with the tracker up. */
export const onNextPage = (tab: Tab) =>
  tab.waitFor(() => location.pathname == '/next' && typeof (window as any).elevateTracker?.click == 'function');

/** What the outbox left in the page's localStorage: every elevate_outbox.* entry's contents. */
export const storedOutbox = (tab: Tab) => tab.evaluate(() => Object.keys(localStorage)
  .filter((key) => key.startsWith('elevate_outbox')).flatMap((key) => JSON.parse(localStorage.getItem(key)!)));
