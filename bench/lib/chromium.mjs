// The browser for the bench: the same search and flags as the tests (test/support/chromium.ts, copied here because
// that file is TypeScript and the bench runs on plain Node).
import { existsSync } from 'node:fs';
import { chromium } from 'playwright';

const SYSTEM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];

/** Flags that keep a headless Chromium off the network it does not need (as CHROMIUM_ARGS in the tests). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function playwrightChromium() {
  try {
    const path = chromium.executablePath();
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/** CHROMIUM_PATH, Playwright's own Chromium, or a system one; unlike the tests, never installs anything. */
export function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist. Point it at a Chromium or Chrome binary, or unset it.`);
  }
  const found = playwrightChromium() ?? SYSTEM_PATHS.find((path) => existsSync(path));
  if (found) return found;
  throw new Error('The bench needs Chromium: set CHROMIUM_PATH=/path/to/chromium, or run `npx playwright install chromium`.');
}

export const launchChromium = () => chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
