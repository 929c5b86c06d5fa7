// Engines driven by Playwright: Chromium (CDP), a stock Firefox over WebDriver BiDi through the pinned
// playwright-firefox (playwright-core 1.60.0: 1.65 sends a BiDi command Firefox ESR 153 does not know), and
// Playwright's own Firefox and WebKit builds where they are installed.
import { chromium, firefox, webkit, type Browser, type BrowserContext, type Page } from 'playwright';
import { firefox as bidiFirefox } from 'playwright-firefox';
import { CHROMIUM_ARGS } from '../chromium.mjs';
import { BaseTab, type Engine, type EngineContext, type EngineCookie, type EngineLaunch, type PageCode } from './engine.ts';

const BIDI_VERSION: string = (await import('playwright-firefox/package.json', { with: { type: 'json' } })).default.version;
const OWN_VERSION: string = (await import('playwright/package.json', { with: { type: 'json' } })).default.version;

async function launchBrowser(launch: EngineLaunch): Promise<{ browser: Browser; driver: string }> {
  if (launch.name == 'chromium') {
    // Playwright turns the back/forward cache off by default; real browsers have it on.
    const browser = await chromium.launch({ executablePath: launch.executablePath, args: CHROMIUM_ARGS,
      ignoreDefaultArgs: ['--disable-back-forward-cache'] });
    return { browser, driver: `Playwright ${OWN_VERSION} over CDP` };
  }
  if (launch.name == 'firefox' && launch.via == 'bidi') {
    const browser = await bidiFirefox.launch({ channel: 'moz-firefox', executablePath: launch.executablePath, headless: true }) as unknown as Browser;
    return { browser, driver: `playwright-core ${BIDI_VERSION} over WebDriver BiDi` };
  }
  const type = launch.name == 'firefox' ? firefox : webkit;
  return { browser: await type.launch({ executablePath: launch.executablePath }), driver: `Playwright ${OWN_VERSION} (its own build)` };
}

const TITLES = { chromium: 'Chromium', firefox: 'Firefox', webkit: 'WebKit' } as const;

export async function launchPlaywright(launch: EngineLaunch): Promise<Engine> {
  const { browser, driver } = await launchBrowser(launch);
  const contexts = new Set<PlaywrightContext>();
  const engine: Engine = {
    name: launch.name,
    version: `${TITLES[launch.name]} ${browser.version()}`,
    driver,
    async newContext() {
      const context = new PlaywrightContext(engine, await browser.newContext(), launch.via, () => contexts.delete(context));
      contexts.add(context);
      await context.newTab();
      return context;
    },
    async close() {
      await Promise.all([...contexts].map((context) => context.close().catch(() => {})));
      await browser.close();
    },
  };
  return engine;
}

class PlaywrightContext implements EngineContext {
  tabs: PlaywrightTab[] = [];

  constructor(public engine: Engine, private context: BrowserContext, private via: EngineLaunch['via'], private onClose: () => void) {}

  async newTab() {
    const tab = new PlaywrightTab(this, await this.context.newPage(), this.via);
    this.tabs.push(tab);
    return tab;
  }

  async cookies(url?: string): Promise<EngineCookie[]> {
    // A page's document.cookie writes reach the cookie store without being waited for; a read on the page waits for
    // them (https://github.com/microsoft/playwright/pull/2333).
    await Promise.all(this.tabs.map((tab) => tab.evaluate(() => document.cookie).catch(() => '')));
    const cookies = await this.context.cookies(url ?? (this.tabs[0] ? await this.tabs[0].url() : undefined));
    return cookies.map(({ name, value, domain, path, expires, httpOnly, secure, sameSite }) =>
      ({ name, value, domain, path, expires, httpOnly, secure, sameSite }));
  }

  async close() {
    for (const tab of [...this.tabs]) await tab.close().catch(() => {});
    await this.context.close().catch(() => {});
    this.onClose();
  }
}

class PlaywrightTab extends BaseTab {
  /**
   * Clicks through the mouse at the element's middle, not page.click: after a back/forward-cache restore, Playwright
   * over BiDi still waits for the history navigation to finish (Firefox sends no event for it), and every locator
   * action hangs ("waiting for navigation to finish"); mouse input does not wait.
   */
  private clicksByMouse: boolean;

  constructor(context: EngineContext, private page: Page, via: EngineLaunch['via']) {
    super(context);
    this.clicksByMouse = via == 'bidi';
  }

  async goto(url: string) {
    await this.page.goto(url);
  }

  evaluate<R, A = undefined>(code: PageCode<R, A>, arg?: A): Promise<R> {
    return (typeof code == 'string' ? this.page.evaluate(code) : this.page.evaluate(code as any, arg)) as Promise<R>;
  }

  async click(selector: string) {
    await (this.clicksByMouse ? this.clickByMouse(selector, 'left') : this.page.click(selector));
  }

  async middleClick(selector: string) {
    await (this.clicksByMouse ? this.clickByMouse(selector, 'middle') : this.page.click(selector, { button: 'middle' }));
  }

  private async clickByMouse(selector: string, button: 'left' | 'middle') {
    const { x, y } = await this.waitFor((target: string) => {
      const element = document.querySelector(target);
      if (!element) return null;
      element.scrollIntoView({ block: 'center', inline: 'center' });
      const box = element.getBoundingClientRect();
      return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
    }, selector, { timeoutMs: 5000 });
    await this.page.mouse.click(x, y, { button });
  }

  protected async closeTab() {
    await this.page.close();
  }
}
