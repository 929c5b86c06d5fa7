// Finds each engine for the cross-engine specs, the way ../chromium.mjs finds Chromium: the environment's path,
// Playwright's own build where it is installed, the system's; else Playwright's installer (wherever its CDN is
// reachable); and only then fails, saying exactly what to install.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium as ownChromium, firefox as ownFirefox, webkit as ownWebkit } from 'playwright';
import { findChromium } from '../chromium.mjs';
import type { EngineLaunch, EngineName } from './engine.ts';

const FIREFOX_PATHS = ['/usr/bin/firefox-esr', '/usr/bin/firefox', '/Applications/Firefox.app/Contents/MacOS/firefox'];
const WEBKIT_DRIVER_PATHS = ['/usr/bin/WebKitWebDriver', '/usr/libexec/webkit2gtk-4.1/WebKitWebDriver'];
const MINIBROWSER_PATHS = ['x86_64-linux-gnu', 'aarch64-linux-gnu', 'arm-linux-gnueabihf']
  .map((arch) => `/usr/lib/${arch}/webkit2gtk-4.1/MiniBrowser`).concat('/usr/libexec/webkit2gtk-4.1/MiniBrowser');

/** Playwright's own build of `type`, when it is installed. */
function own(type: typeof ownChromium): string | undefined {
  try {
    const path = type.executablePath();
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function fromEnv(name: string, what: string): string | undefined {
  const path = process.env[name];
  if (path && !existsSync(path)) throw new Error(`${name}=${path} does not exist. Point it at ${what}, or unset it.`);
  return path || undefined;
}

const onPath = (command: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

function install(engine: 'firefox' | 'webkit') {
  console.log(`No ${engine} found: running \`npx playwright install ${engine}\` …`);
  try {
    execFileSync('npx', ['playwright', 'install', engine], { stdio: 'inherit', timeout: 300_000 });
  } catch { /* reported by the caller */ }
}

export function findFirefox({ install: mayInstall = true } = {}): EngineLaunch {
  // A stock Firefox speaks WebDriver BiDi; Playwright's own build speaks Playwright's protocol.
  const path = fromEnv('FIREFOX_PATH', 'a Firefox binary (version 129 or later, for WebDriver BiDi)');
  if (path) return { name: 'firefox', via: 'bidi', executablePath: path };
  if (own(ownFirefox)) return { name: 'firefox', via: 'playwright' };
  const system = FIREFOX_PATHS.find((candidate) => existsSync(candidate));
  if (system) return { name: 'firefox', via: 'bidi', executablePath: system };
  if (mayInstall) {
    install('firefox');
    if (own(ownFirefox)) return { name: 'firefox', via: 'playwright' };
  }
  throw new Error('Firefox is needed and none was found' + (mayInstall ? ' or could be installed' : '') + '. Either set '
    + 'FIREFOX_PATH=/path/to/firefox, or run `npx playwright install firefox`, or on Debian/Ubuntu '
    + '`sudo apt-get install -y firefox-esr`.');
}

export function findWebKit({ install: mayInstall = true } = {}): EngineLaunch {
  const driverPath = fromEnv('WEBKIT_DRIVER_PATH', 'WebKitWebDriver');
  const browserPath = fromEnv('MINIBROWSER_PATH', 'MiniBrowser or another WebKitGTK browser');
  if (!driverPath && !browserPath && own(ownWebkit)) return { name: 'webkit', via: 'playwright' };
  const driver = driverPath ?? WEBKIT_DRIVER_PATHS.find((candidate) => existsSync(candidate));
  const browser = browserPath ?? MINIBROWSER_PATHS.find((candidate) => existsSync(candidate));
  // MiniBrowser has no headless mode (an Xvfb of our own), and WebDriver classic no middle click (xdotool's XTEST).
  const missing = ['Xvfb', 'xdotool'].filter((command) => !onPath(command));
  if (driver && browser && !missing.length) return { name: 'webkit', via: 'webdriver', driverPath: driver, executablePath: browser };
  if (mayInstall && !driver && !browser) {
    install('webkit');
    if (own(ownWebkit)) return { name: 'webkit', via: 'playwright' };
  }
  if (driver && browser) {
    throw new Error(`WebKit through WebKitWebDriver (${driver}, ${browser}) also needs ${missing.join(' and ')}, not found on the PATH: `
      + `on Debian/Ubuntu \`sudo apt-get install -y ${missing.map((command) => command.toLowerCase()).join(' ')}\`; or run \`npx playwright install webkit\`.`);
  }
  throw new Error(`WebKit is needed and none was found${mayInstall ? ' or could be installed' : ''}. Either run `
    + '`npx playwright install webkit`, or on Debian/Ubuntu `sudo apt-get install -y webkit2gtk-driver xvfb xdotool` '
    + '(WebKitWebDriver drives MiniBrowser under Xvfb), or set WEBKIT_DRIVER_PATH=/path/to/WebKitWebDriver and '
    + 'MINIBROWSER_PATH=/path/to/MiniBrowser with Xvfb and xdotool on the PATH.');
}

/** How to launch `name` here; throws saying what to install when it cannot be found. */
export function findEngine(name: EngineName): EngineLaunch {
  if (name == 'chromium') return { name, via: 'playwright', executablePath: findChromium() };
  return name == 'firefox' ? findFirefox() : findWebKit();
}
