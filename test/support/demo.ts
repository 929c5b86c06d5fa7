// The demo server and a Chromium for the demo's tests, started once per test file.
import { afterAll, beforeAll, inject } from 'vitest';
import { chromium, type Browser } from 'playwright';
import { startDemo } from '../../demo/server.mjs';
import { CHROMIUM_ARGS } from './chromium.mjs';

export interface DemoUnderTest {
  demo: Awaited<ReturnType<typeof startDemo>>;
  browser: Browser;
}

/**
 * Starts the demo (on free ports) and a browser with Playwright's default flags (back/forward cache off: every page
 * the visitor leaves is unloaded) before the file's tests, and stops both after them.
 */
export function useDemo(): DemoUnderTest {
  const running = {} as DemoUnderTest;
  beforeAll(async () => {
    running.demo = await startDemo({ port: 0 });
    running.browser = await chromium.launch({ executablePath: inject('chromiumPath'), args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await running.browser?.close();
    await running.demo?.close();
  });
  return running;
}
