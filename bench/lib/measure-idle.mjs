// Idle cost: pages left alone, every timer, frame callback, idle callback and request a script schedules counted
// (bench/pages/idle-instrument.js), with the main-thread time the page's scripts take meanwhile.
import { readFileSync } from 'node:fs';

const INSTRUMENT = readFileSync(new URL('../pages/idle-instrument.js', import.meta.url), 'utf8');

async function scriptTime(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.filter(({ name }) => name == 'ScriptDuration' || name == 'TaskDuration').map(({ name, value }) => [name, value * 1000]));
}

/**
 * Opens /idle/{name} for every contender, untouched and after one real click on a tile, each page in a context of
 * its own; `settleMs` after load (or after the click) opens the page's window, which lasts `windowMs`. All pages
 * idle at the same time. Returns per page the calls logged in the window, by API, with the first few in full.
 */
export async function measureIdle(browser, site, { names, windowMs, settleMs }) {
  const variants = names.flatMap((name) => ['untouched', 'after one click'].map((variant) => ({ name, variant })));
  const pages = await Promise.all(variants.map(async ({ name, variant }) => {
    const context = await browser.newContext();
    await context.addInitScript({ content: INSTRUMENT });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
    await page.goto(`${site}/idle/${name}`, { waitUntil: 'load' });
    if (variant != 'untouched') await page.click('.tile .name');
    await page.waitForTimeout(settleMs);
    await page.evaluate(() => __openIdleWindow());
    const before = await scriptTime(cdp);
    await page.waitForTimeout(windowMs);
    const log = await page.evaluate(() => ({ calls: __idleLog.slice(), visibility: document.visibilityState }));
    const after = await scriptTime(cdp);
    await context.close();
    const byApi = {};
    for (const call of log.calls) byApi[call.api] = (byApi[call.api] ?? 0) + 1;
    return { name, variant, windowMs, calls: log.calls.length, byApi, first: log.calls.slice(0, 5), visibility: log.visibility,
      scriptMs: after.ScriptDuration - before.ScriptDuration, taskMs: after.TaskDuration - before.TaskDuration };
  }));
  return { windowMs, settleMs, pages };
}
