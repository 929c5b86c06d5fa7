// The browser for the bench: the tests' search and flags (test/support/chromium.mjs), without installing anything.
import { chromium } from 'playwright';
import { CHROMIUM_ARGS, findChromium as findAny } from '../../test/support/chromium.mjs';

export { CHROMIUM_ARGS };

/** CHROMIUM_PATH, Playwright's own Chromium, or a system one; unlike the tests, the bench never installs anything. */
export const findChromium = () => findAny({ install: false });

export const launchChromium = () => chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
