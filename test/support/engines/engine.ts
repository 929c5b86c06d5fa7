// The driver layer the cross-engine specs use: an Engine opens isolated contexts (own cookies and storage), each with
// tabs. Only what the specs need, so that each engine can offer it through whatever drives it (Playwright over CDP or
// WebDriver BiDi, or WebDriver classic over HTTP). Console and page errors come from a script of our own in every
// page (probe.ts), not from the driver: WebKitWebDriver has no console endpoint, and Firefox over BiDi reports some
// console calls twice.
import { readProbe, type ProbeRecord } from './probe.ts';

export type EngineName = 'chromium' | 'firefox' | 'webkit';
export const ENGINE_NAMES: EngineName[] = ['chromium', 'firefox', 'webkit'];

/** How an engine is found and launched; plain data, so that the global set-up can hand it to the test files. */
export interface EngineLaunch {
  name: EngineName;
  /** 'playwright': Playwright's own protocol and build (or CDP for Chromium); 'bidi': a stock Firefox over WebDriver
   * BiDi through the pinned playwright-firefox; 'webdriver': WebKitWebDriver (classic) driving MiniBrowser. */
  via: 'playwright' | 'bidi' | 'webdriver';
  /** The browser binary (Chromium, Firefox, MiniBrowser); undefined for Playwright's own builds. */
  executablePath?: string;
  /** WebKitWebDriver, for via 'webdriver'. */
  driverPath?: string;
}

/** A cookie as every driver reports it; `expires` in seconds since the epoch, -1 for a session cookie. */
export interface EngineCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  expires: number;
  httpOnly: boolean;
  secure: boolean;
  sameSite?: 'Strict' | 'Lax' | 'None';
}

/** Code to run in a page: a function of one JSON argument, or an expression as a string. */
export type PageCode<R, A> = string | ((arg: A) => R | Promise<R>);

export interface Engine {
  name: EngineName;
  /** e.g. 'Chromium 156.0.7444.59', 'Firefox 153.8.0', 'WebKitGTK 2.50.6 (MiniBrowser)'. */
  version: string;
  /** How it is driven, for reports: e.g. 'Playwright 1.60.0 over WebDriver BiDi'. */
  driver: string;
  /** A fresh context: its own cookies, storage and cache, with one blank tab. */
  newContext(): Promise<EngineContext>;
  /** Closes every context and the browser, and stops what it started (driver processes, Xvfb). */
  close(): Promise<void>;
}

export interface EngineContext {
  engine: Engine;
  /** The open tabs, the first one first. */
  tabs: Tab[];
  /** A new tab in this context: the same cookies and storage as the others. */
  newTab(): Promise<Tab>;
  /** The context's cookies for `url` (or for the first tab's page), as its pages last wrote them. */
  cookies(url?: string): Promise<EngineCookie[]>;
  /** Closes its tabs (their errors stay readable) and the context. */
  close(): Promise<void>;
}

export interface Tab {
  context: EngineContext;
  /** Opens `url` and waits for its load event. */
  goto(url: string): Promise<void>;
  /** The page's location.href. */
  url(): Promise<string>;
  /** Runs code in the page and resolves with its JSON result, after awaiting a promise it returns. */
  evaluate<R, A = undefined>(code: PageCode<R, A>, arg?: A): Promise<R>;
  /** Resolves with the first truthy JSON result of `code` (a function is not JSON), evaluated every 50 ms, also across navigations. */
  waitFor<R, A = undefined>(code: PageCode<R, A>, arg?: A, options?: { timeoutMs?: number }): Promise<NonNullable<R>>;
  /** A left click at the middle of the first element matching `selector`, as a user makes it. */
  click(selector: string): Promise<void>;
  /** A middle-button click there: mousedown/mouseup with button 1, then auxclick. */
  middleClick(selector: string): Promise<void>;
  /**
   * history.back(), then waits for the page shown to fire its `pageshow`; `persisted` is true for a page restored
   * from the back/forward cache. (Firefox over BiDi sends no navigation event after such a restore.)
   */
  back(options?: { timeoutMs?: number }): Promise<{ persisted: boolean }>;
  /** console.error calls of every page this tab showed, each as its arguments joined by a space. */
  consoleErrors(): Promise<string[]>;
  /** Uncaught exceptions and unhandled rejections of every page this tab showed, as their messages. */
  pageErrors(): Promise<string[]>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What every tab does the same way in every engine, on top of four primitives. */
export abstract class BaseTab implements Tab {
  /** What the probe last reported, kept for when the tab is gone or shows a page without the probe. */
  private probed: ProbeRecord = { console: [], page: [] };

  constructor(public context: EngineContext) {}

  abstract goto(url: string): Promise<void>;
  abstract evaluate<R, A = undefined>(code: PageCode<R, A>, arg?: A): Promise<R>;
  abstract click(selector: string): Promise<void>;
  abstract middleClick(selector: string): Promise<void>;
  protected abstract closeTab(): Promise<void>;

  url() {
    return this.evaluate(() => location.href);
  }

  async waitFor<R, A = undefined>(code: PageCode<R, A>, arg?: A, { timeoutMs = 10_000 } = {}): Promise<NonNullable<R>> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      try {
        // An evaluation may wait for a navigation that never ends (or the page may hang): bounded by the deadline.
        const value = await Promise.race([this.evaluate(code, arg),
          sleep(Math.max(deadline - Date.now(), 0) + 100).then(() => { throw new Error('no answer from the page'); })]);
        if (value) return value as NonNullable<R>;
        last = value;
      } catch (error) {
        last = error; // navigating: no page to evaluate in yet
      }
      if (Date.now() > deadline) throw new Error(`waitFor timed out after ${timeoutMs} ms: ${String(code).slice(0, 200)}; last: ${last}`);
      await sleep(50);
    }
  }

  async back({ timeoutMs = 10_000 } = {}): Promise<{ persisted: boolean }> {
    // Mark the page we leave; the page shown is done once it is not that page and its last lifecycle event is a
    // pageshow (a restored page logged pagehide when it was left).
    const leaving = `leaving-${Math.random()}`;
    await this.evaluate((mark) => {
      (window as any).__engineLeaving = mark;
      setTimeout(() => history.back(), 0); // after this script has answered: the driver may not wait for a navigation
    }, leaving);
    const shown = await this.waitFor((mark) => {
      const last = (window as any).__engineProbe?.lifecycle().at(-1);
      return (window as any).__engineLeaving !== mark && last?.type == 'pageshow' ? { persisted: last.persisted as boolean } : null;
    }, leaving, { timeoutMs });
    return shown;
  }

  async consoleErrors() {
    return (await this.probe()).console;
  }

  async pageErrors() {
    return (await this.probe()).page;
  }

  async close() {
    await this.probe();
    await this.closeTab();
    this.context.tabs.splice(this.context.tabs.indexOf(this), 1);
  }

  private async probe(): Promise<ProbeRecord> {
    try {
      const record = await this.evaluate(readProbe);
      if (record) this.probed = record;
    } catch { /* closed, or between pages: what was read last */ }
    return this.probed;
  }
}
