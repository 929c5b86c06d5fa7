// Real servers and a real Chromium for the browser tests: the storefront pages on one origin, the Elevate
// stand-in on another (a different port), so every request crosses origins as on a real storefront.
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Cookie, type Page } from 'playwright';
import { inject } from 'vitest';
import { createElevateStandIn } from '../../demo/elevate-standin.mjs';
import { CHROMIUM_ARGS } from './chromium.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.map': 'application/json', '.html': 'text/html' };
/** Only these folders of the repository are served to pages. */
const STATIC = ['/dist/', '/node_modules/uuid/', '/node_modules/js-cookie/'];

/** The two builds every browser spec runs against. */
export type Build = 'script' | 'esm';
export const BUILDS: Build[] = ['script', 'esm'];

export interface PageSpec {
  /** Tracker options; for the script tag they become `data-*` attributes. */
  options?: Record<string, unknown>;
  /** Markup of the page body. */
  body?: string;
  /** A classic script that runs before the tracker loads (e.g. a command queue). */
  before?: string;
  /** Extra `<head>` markup. */
  head?: string;
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/** A page that loads the tracker with `build`; the ESM page exposes its tracker as `window.elevateTracker` too. */
export function trackerPage(build: Build, { options = {}, body = '', before = '', head = '' }: PageSpec): string {
  const loader = build == 'script'
    ? `<script src="/dist/elevate-tracker.min.js" ${Object.entries(options)
      .map(([name, value]) => value === true ? `data-${kebab(name)}` : `data-${kebab(name)}="${escapeAttribute(String(value))}"`)
      .join(' ')} async></script>`
    : `<script type="importmap">${JSON.stringify({ imports: {
      uuid: '/node_modules/uuid/dist/index.js', 'js-cookie': '/node_modules/js-cookie/dist/js.cookie.mjs' } })}</script>
<script type="module">
import { createTracker } from '/dist/index.js';
try {
  window.elevateTracker = createTracker(${JSON.stringify(options)});
} catch (error) {
  window.configError = { name: error.name, option: error.option, message: error.message, isTyped: error instanceof Error };
}
</script>`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>shop</title>${head}
${before ? `<script>${before}</script>` : ''}${loader}</head><body>${body}</body></html>`;
}

export interface OpenedPage {
  page: Page;
  context: BrowserContext;
  /** Uncaught exceptions in the page. */
  pageErrors: Error[];
  /** Console messages of type error. */
  consoleErrors: string[];
}

export interface Harness {
  browser: Browser;
  api: ReturnType<typeof createElevateStandIn>;
  /** The stand-in's origin, e.g. http://127.0.0.1:40123. */
  apiBase: string;
  /** The storefront's origin. */
  siteUrl: string;
  /** Serves `html` at `path` on the storefront origin, with extra response headers. */
  setPage(path: string, html: string, headers?: Record<string, string>): void;
  /** A fresh context (own cookies and storage) with a page; errors are collected. */
  openPage(options?: BrowserContextOptions): Promise<OpenedPage>;
  /** Closes every context opened so far, waits for their last (keepalive) requests, and resets the stand-in. */
  closePages(): Promise<void>;
  /** Resolves once the stand-in has received nothing for `quietMs`. */
  settle(quietMs?: number): Promise<void>;
  /** Opens `path` and waits for the tracker to be up. */
  gotoTracked(opened: OpenedPage, path: string): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(launchArgs: string[] = []): Promise<Harness> {
  const api = createElevateStandIn();
  const apiBase = await api.listen();
  const pages = new Map<string, string>();
  const headers = new Map<string, Record<string, string>>();
  const site: Server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url!, 'http://x').pathname));
    const html = pages.get(path);
    if (html != null) {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ...headers.get(path) }).end(html);
    } else if (STATIC.some((prefix) => path.startsWith(prefix))) {
      try {
        const file = await readFile(join(ROOT, path));
        // Cacheable, so that a test can load pages offline from the HTTP cache.
        response.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream', 'Cache-Control': 'max-age=600' }).end(file);
      } catch {
        response.writeHead(404).end();
      }
    } else {
      // No favicon: an empty answer rather than a 404 in every page's console.
      response.writeHead(path == '/favicon.ico' ? 204 : 404).end();
    }
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  const siteUrl = `http://127.0.0.1:${(site.address() as { port: number }).port}`;
  // Playwright turns the back/forward cache off by default; real browsers have it on, and the tracker must keep it usable.
  const browser = await chromium.launch({ executablePath: inject('chromiumPath'), args: [...CHROMIUM_ARGS, ...launchArgs],
    ignoreDefaultArgs: ['--disable-back-forward-cache'] });
  const contexts: BrowserContext[] = [];

  async function settle(quietMs = 150) {
    for (let seen = -1; seen != api.requests.length;) {
      seen = api.requests.length;
      await sleep(quietMs);
    }
  }

  return {
    browser, api, apiBase, siteUrl,
    setPage(path, html, extraHeaders = {}) {
      pages.set(path, html);
      headers.set(path, extraHeaders);
    },
    async openPage(options) {
      const context = await browser.newContext(options);
      contexts.push(context);
      const page = await context.newPage();
      const opened: OpenedPage = { page, context, pageErrors: [], consoleErrors: [] };
      page.on('pageerror', (error) => opened.pageErrors.push(error));
      page.on('console', (message) => message.type() == 'error' && opened.consoleErrors.push(message.text()));
      return opened;
    },
    async closePages() {
      await Promise.all(contexts.splice(0).map((context) => context.close().catch(() => {})));
      await settle();
      api.reset();
    },
    settle,
    async gotoTracked({ page }, path) {
      await page.goto(new URL(path, siteUrl).href);
      await page.waitForFunction(() => (window as any).elevateTracker?.click);
    },
    async close() {
      await Promise.all(contexts.map((context) => context.close().catch(() => {})));
      await browser.close();
      await api.close();
      await new Promise((resolve) => site.close(resolve));
    },
  };
}

/**
 * The context's cookies as its pages last wrote them. A page's `document.cookie` writes reach the browser's cookie
 * store without being waited for, and a read on the page waits for them; so each page reads first, or a deletion
 * just made can still show here (https://github.com/microsoft/playwright/pull/2333).
 */
export async function contextCookies(context: BrowserContext): Promise<Cookie[]> {
  await Promise.all(context.pages().map((page) => page.evaluate(() => document.cookie).catch(() => 'closed or navigating')));
  return context.cookies();
}

/** The tracker cookies of a context, by name. */
export async function trackerCookies(context: BrowserContext): Promise<Record<string, string>> {
  const cookies = await contextCookies(context);
  return Object.fromEntries(cookies.filter((cookie) => cookie.name.startsWith('elevate_')).map((cookie) => [cookie.name, cookie.value]));
}

/** What pages left in the tracker's outbox (`elevate_outbox.{page}` in localStorage, a key for each page); null when no key is there. */
export function storedOutbox(page: Page): Promise<{ url: string; body: string }[] | null> {
  return page.evaluate(() => {
    const keys = Object.keys(localStorage).filter((key) => key.split('.')[0] == 'elevate_outbox');
    return keys.length ? keys.flatMap((key) => JSON.parse(localStorage.getItem(key)!)) : null;
  });
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes the context offline, and waits until its pages know it: `navigator.onLine` turns false a moment after the
 * switch, and a click in that moment goes out as a keepalive request, which the offline emulation does not stop.
 */
export async function goOffline({ context }: Pick<OpenedPage, 'context'>): Promise<void> {
  await context.setOffline(true);
  await Promise.all(context.pages().map((page) => page.waitForFunction(() => navigator.onLine === false)));
}

/**
 * Minutes until a session cookie written now should expire: 30 minutes of inactivity, or 00:00 UTC when Elevate ends
 * every session, whichever comes first (a test run that crosses midnight would otherwise expect 30).
 */
export function sessionCookieMinutes(now = Date.now()): number {
  const midnight = new Date(now);
  midnight.setUTCHours(24, 0, 0, 0);
  return Math.min(30, (midnight.getTime() - now) / 60_000);
}
