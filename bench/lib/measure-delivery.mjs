// Delivery on navigation: a chain of pages whose one tile links to the next; each page is clicked (a real, trusted
// mouse click through Playwright) as soon as it has loaded, so every notification leaves with a page unloading.
import { ticketFor } from './pages.mjs';

/** Resolves once `count()` has not changed for `quietMs` (or after `maxMs`). */
export async function waitForQuiet(count, { quietMs = 1000, maxMs = 10_000 } = {}) {
  const started = Date.now();
  let last = count();
  let changedAt = Date.now();
  while (Date.now() - changedAt < quietMs && Date.now() - started < maxMs) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (count() != last) [last, changedAt] = [count(), Date.now()];
  }
}

/**
 * For each contender, all at once: `clicks` navigating clicks in a fresh context, then the chain's last page stays
 * open while the stand-in goes quiet (ours may send what a page stored from the next page). `received(name)` lists
 * the click notifications its stand-in accepted. Returns per contender the tickets delivered, missing and duplicated.
 */
export async function measureDelivery(browser, site, { names, clicks, received }) {
  const figures = await Promise.all(names.map(async (name) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${site}/nav/${name}/0`, { waitUntil: 'load' });
    // Every page of the chain has the same layout: the mouse goes to the same spot each time.
    const box = await page.locator('#next').boundingBox();
    for (let index = 0; index < clicks; index++) {
      await Promise.all([page.waitForURL(`${site}/nav/${name}/${index + 1}`, { waitUntil: 'load' }),
        page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)]);
    }
    await waitForQuiet(() => received(name).length);
    await context.close();
    await waitForQuiet(() => received(name).length, { quietMs: 500 });
    const counts = new Map();
    for (const { ticket } of received(name)) counts.set(ticket, (counts.get(ticket) ?? 0) + 1);
    const expected = Array.from({ length: clicks }, (_, index) => ticketFor(`nav-${name}`, index));
    const missing = expected.flatMap((ticket, index) => counts.has(ticket) ? [] : [index]);
    return [name, { clicks, delivered: clicks - missing.length, share: (clicks - missing.length) / clicks, missingClickIndexes: missing,
      duplicates: expected.reduce((sum, ticket) => sum + Math.max(0, (counts.get(ticket) ?? 0) - 1), 0) }];
  }));
  return { clicks, byName: Object.fromEntries(figures) };
}
