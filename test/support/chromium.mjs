// @ts-check
// Finds a Chromium for the browser tests and the bench: CHROMIUM_PATH, Playwright's own install, the system's; for
// the tests, else Playwright's installer (works wherever its CDN is reachable); and only then fails saying what to do.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright';

const SYSTEM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];

/** Flags that keep a headless Chromium off the network it does not need (it retries forever otherwise). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** @returns {string | undefined} */
function playwrightChromium() {
  try {
    const path = chromium.executablePath();
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * @param {{ install?: boolean }} [options] `install`: run Playwright's installer when nothing is found. Defaults to true.
 * @returns {string} the path of a Chromium or Chrome binary
 */
export function findChromium({ install = true } = {}) {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist. Point it at a Chromium or Chrome binary, or unset it.`);
  }
  const found = playwrightChromium() ?? SYSTEM_PATHS.find((path) => existsSync(path));
  if (found) return found;
  if (install) {
    console.log('No Chromium found: running `npx playwright install chromium` …');
    try {
      execFileSync('npx', ['playwright', 'install', 'chromium'], { stdio: 'inherit', timeout: 300_000 });
    } catch { /* reported below */ }
    const installed = playwrightChromium();
    if (installed) return installed;
  }
  throw new Error('Chromium is needed and none was found' + (install ? ' or could be installed' : '') + '. Either set '
    + 'CHROMIUM_PATH=/path/to/chromium, or run `npx playwright install chromium`, or on Debian/Ubuntu '
    + '`sudo apt-get install -y chromium`.');
}
