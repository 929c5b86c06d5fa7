// WebKit through classic W3C WebDriver over HTTP (https://w3c.github.io/webdriver/): WebKitWebDriver launching
// MiniBrowser, the WebKitGTK browser Debian ships, under an Xvfb of our own. Playwright's WebKit build cannot be
// downloaded everywhere, and WebKitWebDriver speaks no BiDi. What it lacks, and how this works around it:
// - one session per driver process ("Maximum number of active sessions"): a context is a driver process of its own,
//   on its own port, in its own process group (it outlives a crashed Node otherwise); each session is a fresh
//   MiniBrowser with ephemeral storage, so contexts are isolated. One is started ahead, so that a spec rarely waits.
// - an actions-API middle click arrives as a left click (WebKitWebDriver 2.50 turns pointerUp button 1 into 0): a
//   real X11 middle click through the XTEST extension (xdotool) at the element's screen position, in the tab's window
//   raised above the others.
// - no console endpoint: the probe (probe.ts) collects errors in the page, as for every engine.
// - tabs are top-level windows (POST /window/new with type 'window'): a tab of MiniBrowser's notebook is not shown
//   while another is active, and an X11 click must reach it. With no window manager every window maps at 0,0, over
//   the others (a session started ahead among them): each tab's window gets a cell of its own on a large screen.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { closedPort } from '../ports.ts';
import { BaseTab, type Engine, type EngineContext, type EngineCookie, type EngineLaunch, type PageCode } from './engine.ts';
import { startXvfb, type Display } from './xvfb.ts';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The W3C key of a web element reference. */
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

class WebDriverError extends Error {
  constructor(public error: string, message: string) {
    super(`${error}: ${message}`);
  }
}

/** Windows are laid out in cells of this size on a COLUMNS × ROWS screen; cell 0, where new windows map, is left free. */
const CELL = { width: 1024, height: 768 };
const COLUMNS = 4;
const ROWS = 4;

class Cells {
  private taken = new Set<number>();

  /** A free cell's window rectangle, or undefined when all are taken (the window is then raised before a click). */
  take(): { cell: number; rect: { x: number; y: number; width: number; height: number } } | undefined {
    for (let cell = 1; cell < COLUMNS * ROWS; cell++) {
      if (this.taken.has(cell)) continue;
      this.taken.add(cell);
      return { cell, rect: { x: (cell % COLUMNS) * CELL.width, y: Math.floor(cell / COLUMNS) * CELL.height, ...CELL } };
    }
    return undefined;
  }

  free(cell: number | undefined) {
    if (cell !== undefined) this.taken.delete(cell);
  }
}

/** One WebKitWebDriver process and its one session; commands run one at a time, each in the window it names. */
class Session {
  private queue: Promise<unknown> = Promise.resolve();
  private current: string | undefined;
  /** The handle of the window the session opened with. */
  firstWindow = '';
  private exited: Promise<void>;

  private constructor(private driver: ChildProcess, private base: string, public id: string, public capabilities: Record<string, any>) {
    this.exited = new Promise((resolve) => driver.exitCode != null ? resolve() : driver.once('exit', () => resolve()));
  }

  static async start(driverPath: string, browserPath: string, display: string): Promise<Session> {
    for (let attempt = 1; ; attempt++) {
      const port = await closedPort();
      const driver = spawn(driverPath, [`--port=${port}`], { env: { ...process.env, DISPLAY: display }, detached: true,
        stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      driver.stderr!.on('data', (chunk) => { stderr += chunk; });
      const base = `http://127.0.0.1:${port}`;
      try {
        await waitForDriver(base, driver, () => stderr);
        const { sessionId, capabilities } = await command(base, 'POST', '/session', { capabilities: { alwaysMatch: {
          'webkitgtk:browserOptions': { binary: browserPath, args: ['--automation'] } } } });
        const session = new Session(driver, base, sessionId, capabilities);
        session.firstWindow = session.current = await command(base, 'GET', `/session/${sessionId}/window`);
        return session;
      } catch (error) {
        killGroup(driver);
        if (attempt == 3) throw new Error(`WebKitWebDriver (${driverPath}) gave no session: ${(error as Error).message} ${stderr.trim()}`);
      }
    }
  }

  /** Runs `path` (after /session/{id}) in window `handle`, after every command queued before it. */
  send<T = any>(handle: string | undefined, method: string, path: string, body?: unknown): Promise<T> {
    return this.exclusive(async () => {
      if (handle && handle != this.current) {
        await command(this.base, 'POST', `/session/${this.id}/window`, { handle });
        this.current = handle;
      }
      return command(this.base, method, `/session/${this.id}${path}`, body);
    });
  }

  /** Runs `work` with no other command in between. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => {});
    return result;
  }

  /** Ends the session and the driver's whole process group (MiniBrowser and its web processes). */
  async close() {
    await Promise.race([command(this.base, 'DELETE', `/session/${this.id}`).catch(() => {}), sleep(3000)]);
    killGroup(this.driver);
    const timer = setTimeout(() => killGroup(this.driver, 'SIGKILL'), 2000);
    await this.exited;
    clearTimeout(timer);
  }

  /** Forgets the current window when it was closed. */
  closed(handle: string) {
    if (this.current == handle) this.current = undefined;
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  try {
    process.kill(-child.pid!, signal);
  } catch { /* gone */ }
}

async function waitForDriver(base: string, driver: ChildProcess, stderr: () => string) {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(50)) {
    if (driver.exitCode != null) throw new Error(`exited with ${driver.exitCode}: ${stderr()}`);
    try {
      if ((await command(base, 'GET', '/status')).ready) return;
    } catch { /* not listening yet */ }
  }
  throw new Error('not ready within 10 s');
}

/** One WebDriver command; its `value`, or a WebDriverError with the driver's error code. */
async function command(base: string, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(base + path, { method, headers: { 'Content-Type': 'application/json; charset=utf-8' },
    body: method == 'POST' ? JSON.stringify(body ?? {}) : undefined });
  const { value } = await response.json() as { value: any };
  if (!response.ok) throw new WebDriverError(value?.error ?? String(response.status), value?.message ?? '');
  return value;
}

export async function launchWebDriver(launch: EngineLaunch): Promise<Engine> {
  const display: Display = await startXvfb({ width: CELL.width * COLUMNS, height: CELL.height * ROWS });
  const cells = new Cells();
  const start = () => Session.start(launch.driverPath!, launch.executablePath!, display.name);
  let spare: Promise<Session> | undefined = start();
  const contexts = new Set<WebDriverContext>();
  let first: Session;
  try {
    first = await spare;
  } catch (error) {
    await display.stop();
    throw error;
  }
  const { browserName, browserVersion } = first.capabilities;
  const engine: Engine = {
    name: 'webkit',
    version: `WebKitGTK ${browserVersion} (${browserName})`,
    driver: 'WebKitWebDriver (WebDriver classic over HTTP), X11 middle clicks through xdotool',
    async newContext() {
      const taken = spare ?? start();
      spare = start();
      spare.catch(() => {}); // reported when it is taken
      const session = await taken;
      const context = new WebDriverContext(engine, session, display.name, cells, () => contexts.delete(context));
      context.tabs.push(await WebDriverTab.open(context, session, session.firstWindow, cells));
      contexts.add(context);
      return context;
    },
    async close() {
      await Promise.all([...contexts].map((context) => context.close().catch(() => {})));
      const left = spare;
      spare = undefined;
      await left?.then((session) => session.close(), () => {});
      await display.stop();
    },
  };
  return engine;
}

class WebDriverContext implements EngineContext {
  tabs: WebDriverTab[] = [];

  constructor(public engine: Engine, private session: Session, public display: string, private cells: Cells,
    private onClose: () => void) {}

  async newTab() {
    const { handle } = await this.session.send(undefined, 'POST', '/window/new', { type: 'window' });
    const tab = await WebDriverTab.open(this, this.session, handle, this.cells);
    this.tabs.push(tab);
    return tab;
  }

  /** The cookies of the first tab's page (WebDriver classic reads those of the current document only). */
  async cookies(): Promise<EngineCookie[]> {
    await Promise.all(this.tabs.map((tab) => tab.evaluate(() => document.cookie).catch(() => '')));
    const tab = this.tabs[0];
    if (!tab) return [];
    const cookies: any[] = await this.session.send(tab.handle, 'GET', '/cookie');
    return cookies.map(({ name, value, domain, path, expiry, httpOnly, secure, sameSite }) =>
      ({ name, value, domain, path, expires: expiry ?? -1, httpOnly: !!httpOnly, secure: !!secure, sameSite }));
  }

  async close() {
    for (const tab of this.tabs.splice(0)) {
      await tab.readErrors().catch(() => {});
      tab.freeCell();
    }
    await this.session.close();
    this.onClose();
  }
}

/** The last middle click queued on each display. */
const pointerTurns = new Map<string, Promise<void>>();

class WebDriverTab extends BaseTab {
  /** Alternates the calibration point, so that each calibration really moves the pointer. */
  private static nudge = 0;

  private constructor(context: WebDriverContext, private session: Session, public handle: string, private cells: Cells,
    private cell: number | undefined) {
    super(context);
  }

  /** The tab of window `handle`, moved into a cell of its own. */
  static async open(context: WebDriverContext, session: Session, handle: string, cells: Cells): Promise<WebDriverTab> {
    const place = cells.take();
    if (place) await session.send(handle, 'POST', '/window/rect', place.rect);
    return new WebDriverTab(context, session, handle, cells, place?.cell);
  }

  freeCell() {
    this.cells.free(this.cell);
    this.cell = undefined;
  }

  private get display() {
    return (this.context as WebDriverContext).display;
  }

  async goto(url: string) {
    await this.session.send(this.handle, 'POST', '/url', { url });
  }

  async evaluate<R, A = undefined>(code: PageCode<R, A>, arg?: A): Promise<R> {
    const fn = typeof code == 'string' ? `() => (${code})` : String(code);
    // execute/async, so that a promise is awaited; undefined travels as a flag (JSON has none).
    const script = `const done = arguments[arguments.length - 1];
Promise.resolve().then(() => (${fn})(arguments[0])).then(
  (value) => done({ ok: true, undefined: value === undefined, value: value === undefined ? null : value }),
  (error) => done({ ok: false, error: error instanceof Error ? error.message : String(error) }));`;
    const result = await this.session.send(this.handle, 'POST', '/execute/async', { script, args: [arg ?? null] });
    if (!result?.ok) throw new Error(`evaluate failed in the page: ${result?.error}`);
    return result.undefined ? undefined as R : result.value;
  }

  async click(selector: string) {
    const element = await this.session.send(this.handle, 'POST', '/element', { using: 'css selector', value: selector });
    await this.session.send(this.handle, 'POST', `/element/${element[ELEMENT]}/click`, {});
  }

  async middleClick(selector: string) {
    // One X pointer per display: middle clicks in this engine's tabs take turns.
    const turn = (pointerTurns.get(this.display) ?? Promise.resolve()).then(() => this.middleClickNow(selector));
    pointerTurns.set(this.display, turn.catch(() => {}));
    await turn;
  }

  private async middleClickNow(selector: string) {
    const box = await this.evaluate((target: string) => {
      const element = document.querySelector(target);
      if (!element) throw new Error(`no element matches ${target}`);
      element.scrollIntoView({ block: 'center', inline: 'center' });
      const rect = element.getBoundingClientRect();
      return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
    }, selector);
    const xWindow = await this.findWindow();
    const offset = await this.calibrate(xWindow);
    await this.evaluate(() => {
      (window as any).__engineMiddleUp = false;
      addEventListener('mouseup', (event) => { if (event.button == 1) (window as any).__engineMiddleUp = true; }, { capture: true, once: true });
    });
    await this.xdotool('windowraise', xWindow, 'mousemove', String(Math.round(box.x + offset.x)), String(Math.round(box.y + offset.y)),
      'click', '2');
    await this.waitFor(() => (window as any).__engineMiddleUp, undefined, { timeoutMs: 3000 });
  }

  /** The X window that shows this tab: found by a unique title set for the moment. */
  private async findWindow(): Promise<string> {
    const token = `engine-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const title = await this.evaluate((text: string) => {
      const before = document.title;
      document.title = text;
      return before;
    }, token);
    try {
      for (const deadline = Date.now() + 5000; ; await sleep(50)) {
        const found = await this.xdotool('search', '--name', token).catch(() => '');
        if (found) return found.split('\n')[0];
        if (Date.now() > deadline) throw new Error(`no X window titled ${token} on ${this.display}`);
      }
    } finally {
      await this.evaluate((text: string) => { document.title = text; }, title);
    }
  }

  /**
   * Screen position minus page position, measured with a real pointer move into the middle of the window (raised
   * first, in case it has no cell of its own); tried again when no move reached the page.
   */
  private async calibrate(xWindow: string): Promise<{ x: number; y: number }> {
    const geometry = Object.fromEntries((await this.xdotool('getwindowgeometry', '--shell', xWindow)).split('\n')
      .map((line) => line.split('=')).map(([name, value]) => [name, Number(value)]));
    for (let attempt = 1; ; attempt++) {
      const x = geometry.X + Math.round(geometry.WIDTH / 2) + (WebDriverTab.nudge++ % 2 ? 7 : -7);
      const y = geometry.Y + Math.round(geometry.HEIGHT / 2);
      await this.evaluate(() => {
        (window as any).__engineMoved = null;
        addEventListener('mousemove', (event) => { (window as any).__engineMoved = { x: event.clientX, y: event.clientY }; },
          { capture: true, once: true });
      });
      await this.xdotool('windowraise', xWindow, 'mousemove', String(x), String(y));
      try {
        const moved = await this.waitFor(() => (window as any).__engineMoved as { x: number; y: number } | null, undefined, { timeoutMs: 1500 });
        return { x: x - moved.x, y: y - moved.y };
      } catch (error) {
        if (attempt == 3) throw new Error(`no pointer move reached the page in window ${xWindow} on ${this.display}: ${(error as Error).message}`);
      }
    }
  }

  private async xdotool(...args: string[]): Promise<string> {
    const { stdout } = await run('xdotool', args, { env: { ...process.env, DISPLAY: this.display }, timeout: 5000 });
    return stdout.trim();
  }

  /** Reads the probe once more before the tab goes. */
  readErrors() {
    return this.consoleErrors();
  }

  protected async closeTab() {
    await this.session.send(this.handle, 'DELETE', '/window');
    this.session.closed(this.handle);
    this.freeCell();
  }
}
